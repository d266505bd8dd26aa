"""The parcours driven over HTTP with the Django test client."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from tests.workflows.helpers import active_tasks, journal_kinds, the_task

TODAY = timezone.localdate()


def task_url(task, action="execute"):
    return reverse(f"case:{task.flow_task.name}:{action}", args=[task.process_id, task.pk])


def take_and_do(client, case, name, data, *, assign=True):
    task = the_task(case, name)
    if assign:
        response = client.post(task_url(task, "assign"))
        assert response.status_code == 302, response.content[:500]
    return client.post(task_url(task), data)


def signalement_data(w, cell, **overrides):
    data = {
        "cell": cell.pk,
        "last_name": "Dupont",
        "first_name": "Inès",
        "birth_date": "2010-06-01",
        "sex": "F",
        "commune": w["communes"]["Arras"].pk,
        "source_institution": w["institutions"]["college"].pk,
        "motifs": ["absenteisme", "incivilites"],
        "profil": "decrocheur",
        "plan_measure": "2",
        "signaled_on": TODAY.isoformat(),
    }
    data.update(overrides)
    return data


def test_referent_branch_end_to_end_over_http(client, w, cell, member, coord, referent):
    client.force_login(member)
    response = client.post(reverse("case:start:execute"), signalement_data(w, cell))
    assert response.status_code == 302
    case = Case.objects.get(youth__last_name="Dupont")
    assert response["Location"] == reverse("situations:detail", args=[case.pk])
    assert list(active_tasks(case)) == ["examen"]

    client.force_login(coord)
    response = take_and_do(
        client, case, "examen", {"kind": "orientation", "orientations": ["referent"], "decided_on": TODAY}
    )
    assert response.status_code == 302
    response = take_and_do(client, case, "designate", {"referent": referent.pk, "designated_on": TODAY})
    assert response.status_code == 302
    assert the_task(case, "accept").owner == referent

    client.force_login(referent)
    response = take_and_do(client, case, "accept", {"accepted_on": TODAY}, assign=False)
    assert response.status_code == 200  # the youth and his parents were not informed yet
    assert "pas encore été informé" in response.content.decode()
    response = take_and_do(
        client,
        case,
        "accept",
        {
            "accepted_on": TODAY,
            "informed_on": TODAY,
            "information_channel": "entretien",
            "information_adhesion": "adhere",
        },
        assign=False,
    )
    assert response.status_code == 302
    response = client.post(
        reverse("situations:contact", args=[case.pk]),
        {
            "occurred_on": TODAY,
            "contact_type": "entretien_jeune",
            "domain": "scolarite",
            "adhesion": "bonne",
            "note": "Premier rendez-vous.",
        },
    )
    assert response.status_code == 302
    bilan = {
        "period_start": TODAY - timedelta(days=10),
        "period_end": TODAY,
        "adhesion": "bonne",
        "situation": "scolarise",
        "recommendation": "clore",
        "presented_on": TODAY,
    }
    response = take_and_do(client, case, "followup", bilan, assign=False)
    assert response.status_code == 302

    client.force_login(coord)
    response = take_and_do(
        client,
        case,
        "examen_bilan",
        {"outcome": "clore", "closure_reason": "objectifs_atteints", "examined_on": TODAY},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOS
    assert journal_kinds(case) == [
        "signalement",
        "decision",
        "designation",
        "information",  # the youth
        "information",  # the holders of parental authority (a minor)
        "acceptance",
        "contact",
        "bilan",
        "status",
        "closure",
    ]
    detail = client.get(reverse("situations:detail", args=[case.pk]))
    assert detail.status_code == 200
    assert "Premier rendez-vous." in detail.content.decode()


def test_a_service_refusal_is_a_form_error_not_a_500(client, w, cell, signal, coord):
    case = signal(birth_date=date(2004, 1, 1))
    client.force_login(coord)
    take_and_do(
        client, case, "examen", {"kind": "orientation", "orientations": ["rappel_ordre"], "decided_on": TODAY}
    )
    take_and_do(client, case, "rappel", {"outcome": "abandonne"})
    response = take_and_do(
        client,
        case,
        "examen_bilan",
        {"outcome": "prolonger", "next_due_on": TODAY + timedelta(days=30), "examined_on": TODAY},
    )
    assert response.status_code == 200
    assert "ne peut pas être prolongée" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.BILAN


def test_an_out_of_range_age_is_refused_and_nothing_typed_is_lost(client, w, cell, member):
    client.force_login(member)
    response = client.post(
        reverse("case:start:execute"),
        signalement_data(w, cell, birth_date="2020-01-01", last_name="Trop-Jeune"),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "le dispositif concerne les jeunes de 12 à 25 ans" in content
    assert 'value="Trop-Jeune"' in content and 'value="2020-01-01"' in content
    assert not Case.objects.exists()


def test_a_signalement_dated_in_the_future_is_refused_and_nothing_typed_is_lost(client, w, cell, member):
    client.force_login(member)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("case:start:execute"), signalement_data(w, cell, signaled_on=tomorrow, last_name="Demain")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["signaled_on"] == [
        "La date du signalement ne peut pas être dans le futur."
    ]
    content = response.content.decode()
    assert 'value="Demain"' in content and f'value="{tomorrow}"' in content
    assert not Case.objects.exists()


def test_a_closure_dated_years_back_is_a_form_error_and_keeps_the_input(client, signal, coord):
    case = signal()
    client.force_login(coord)
    take_and_do(
        client, case, "examen", {"kind": "orientation", "orientations": ["rappel_ordre"], "decided_on": TODAY}
    )
    take_and_do(client, case, "rappel", {"outcome": "abandonne"})
    typo = TODAY.replace(year=TODAY.year - 4, day=min(TODAY.day, 28)).isoformat()
    response = take_and_do(
        client,
        case,
        "examen_bilan",
        {"outcome": "clore", "closure_reason": "objectifs_atteints", "examined_on": typo},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        f"La date de l&#x27;examen du bilan ne peut pas précéder le signalement ({TODAY:%d/%m/%Y})" in content
    )
    assert f'value="{typo}"' in content
    case.refresh_from_db()
    assert case.status == Case.Status.BILAN and case.closed_on is None


def test_a_duplicate_warns_with_a_link_and_passes_once_confirmed(client, w, cell, member, signal):
    existing = signal(last_name="Dupont", birth_date=date(2010, 6, 1))
    client.force_login(member)
    data = signalement_data(w, cell, last_name="DUPONT ", first_name="Ines")
    data["first_name"] = "Léo"
    response = client.post(reverse("case:start:execute"), data)
    assert response.status_code == 200
    assert reverse("situations:detail", args=[existing.pk]) in response.content.decode()
    assert Case.objects.count() == 1
    response = client.post(reverse("case:start:execute"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Case.objects.count() == 2


@pytest.mark.parametrize("name", ["situations:detail", "situations:contact"])
def test_out_of_scope_case_pages_are_404(client, signal, outsider, name):
    case = signal()
    client.force_login(outsider)
    assert client.get(reverse(name, args=[case.pk])).status_code == 404


def test_out_of_scope_task_and_process_urls_are_404(client, signal, outsider, coord):
    case = signal()
    task = the_task(case, "examen")
    client.force_login(outsider)
    for url in (
        task_url(task),
        task_url(task, "assign"),
        task_url(task, "detail"),
        reverse("case:process_detail", args=[task.process_id]),
        reverse("case:process_chart", args=[task.process_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_task_url_with_another_process_is_404(client, signal, coord, outsider, w):
    from tests.factories import make_case
    from workflows.services import case_flow_start

    lens_case = make_case(w["cells"]["Lens-Liévin"])
    case_flow_start(case=lens_case)
    own = signal()
    foreign_task = the_task(lens_case, "examen")
    client.force_login(coord)
    url = reverse("case:examen:assign", args=[own.processes.get().pk, foreign_task.pk])
    assert client.get(url).status_code == 404


def test_lists_only_show_tasks_and_cases_in_scope(client, signal, coord, outsider):
    case = signal()
    client.force_login(outsider)
    for name in ("case:queue", "case:inbox", "case:task_list", "case:archive", "situations:index"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert case.reference not in response.content.decode(), name
    client.force_login(coord)
    assert case.reference in client.get(reverse("case:queue")).content.decode()
    assert case.reference in client.get(reverse("situations:index")).content.decode()


def test_the_queue_filters_by_kind_of_task(client, signal, coord):
    case = signal()
    client.force_login(coord)
    page = client.get(reverse("case:queue")).content.decode()
    # The filter's options (a JSON attribute of viewflow's select): every kind, by its French title.
    for value, label in (
        ("examen", "Examen en cellule"),
        ("cddf", "Conseil des droits et devoirs des familles"),
    ):
        option = f"&quot;value&quot;: &quot;workflows/flows.CaseFlow.{value}&quot;, &quot;label&quot;: &quot;{label}"
        assert option in page, label
    examen = client.get(reverse("case:queue"), {"flow_task": "workflows/flows.CaseFlow.examen"})
    assert case.reference in examen.content.decode()
    rappel = client.get(reverse("case:queue"), {"flow_task": "workflows/flows.CaseFlow.rappel"})
    assert rappel.status_code == 200 and case.reference not in rappel.content.decode()


def test_a_member_sees_the_cell_summary_without_journal_or_notes(client, signal, member, coord, referent):
    case = signal()
    client.force_login(member)
    content = client.get(reverse("situations:detail", args=[case.pk])).content.decode()
    assert "MARTIN" in content and "Journal" not in content


def test_a_member_cannot_take_the_coordinator_task(client, signal, member):
    case = signal()
    client.force_login(member)
    # A member reads the case as a cell summary: the parcours' pages are not theirs (404).
    assert client.post(task_url(the_task(case, "examen"), "assign")).status_code == 404
    assert the_task(case, "examen").owner is None


def test_a_task_done_meanwhile_gives_a_french_message(client, signal, coord):
    case = signal()
    client.force_login(coord)
    task = the_task(case, "examen")
    client.post(task_url(task, "assign"))
    client.post(task_url(task), {"kind": "orientation", "orientations": ["cddf"], "decided_on": TODAY})
    response = client.post(
        task_url(task), {"kind": "orientation", "orientations": ["cddf"], "decided_on": TODAY}, follow=True
    )
    assert response.status_code == 200
    assert "déjà été traitée" in response.content.decode()
    assert case.decisions.count() == 1


def test_home_lands_on_the_case_list(client, coord):
    client.force_login(coord)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("situations:index")


def test_the_case_list_query_count_does_not_grow_with_rows(
    client, signal, coord, django_assert_max_num_queries
):
    for index in range(3):
        signal(last_name=f"Nom{index}")
    client.force_login(coord)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("situations:index"))
    for index in range(3, 15):
        signal(last_name=f"Nom{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("situations:index"))
    assert response.content.decode().count("/app/situations/") >= 15


def test_the_referent_declines_the_designation_over_http(client, signal, coord, referent):
    case = signal()
    client.force_login(coord)
    take_and_do(
        client, case, "examen", {"kind": "orientation", "orientations": ["referent"], "decided_on": TODAY}
    )
    take_and_do(client, case, "designate", {"referent": referent.pk, "designated_on": TODAY})

    client.force_login(referent)
    page = client.get(task_url(the_task(case, "accept"))).content.decode()
    assert "Je refuse la désignation" in page and "Motif du refus" in page
    response = take_and_do(
        client, case, "accept", {"decision": "refuser", "decline_reason": ""}, assign=False
    )
    assert response.status_code == 200
    assert "Indiquez le motif du refus." in response.content.decode()
    assert list(active_tasks(case)) == ["accept"]  # nothing recorded

    response = take_and_do(
        client, case, "accept", {"decision": "refuser", "decline_reason": "Conflit d'intérêts"}, assign=False
    )
    assert response["Location"] == reverse("case:inbox")  # not the case file, now out of reach
    assert (
        "Vous n&#x27;avez plus accès à cette situation" in client.get(response["Location"]).content.decode()
    )
    # The référent no longer sees the case; the coordinators have a designation to make.
    assert client.get(reverse("situations:detail", args=[case.pk])).status_code == 404
    assert list(active_tasks(case)) == ["designate"]
    client.force_login(coord)
    detail = client.get(reverse("situations:detail", args=[case.pk])).content.decode()
    assert "désignation refusée par" in detail and "Conflit d&#x27;intérêts" in detail


def _badges(body: str) -> dict[str, int]:
    """The drawer's inbox and queue badges (viewflow's flow menu), by list name."""
    found = re.findall(r'href="[^"]*/(inbox|queue)/">(?:(?!</a>).)*?mdc-list-item__meta">(\d+)<', body, re.S)
    return {name: int(count) for name, count in found}


def _task_counts(queries, table="viewflow_task") -> int:
    return sum(1 for query in queries if query["sql"].startswith("SELECT COUNT(*)") and table in query["sql"])


def test_the_queue_badge_reuses_the_pages_count_unless_filtered(client, signal, coord):
    cases = [signal(last_name=last_name) for last_name in ("Martin", "Bernard", "Petit")]
    client.force_login(coord)
    with CaptureQueriesContext(connection) as unfiltered:
        body = client.get(reverse("case:queue")).content.decode()
    assert all(case.reference in body for case in cases)
    assert _badges(body) == {"inbox": 0, "queue": 3}
    # The queue's count comes with the page's rows (workflows.paginator), and
    # the badge shows it: the only count left is the inbox's.
    assert _task_counts(unfiltered.captured_queries) == 1
    assert sum("COUNT(*) OVER ()" in query["sql"] for query in unfiltered.captured_queries) == 1

    with CaptureQueriesContext(connection) as filtered:
        rappels = client.get(reverse("case:queue"), {"flow_task": "workflows/flows.CaseFlow.rappel"})
    body = rappels.content.decode()
    assert not any(case.reference in body for case in cases)
    # The badge still counts the whole queue, not the filtered page.
    assert _badges(body) == {"inbox": 0, "queue": 3}
    # The filtered page has no rows, hence no window count: it is counted,
    # then both badges.
    assert _task_counts(filtered.captured_queries) == 3


def test_the_inbox_badge_reuses_the_pages_count(client, signal, coord):
    for last_name in ("Martin", "Bernard"):
        case = signal(last_name=last_name)
    task = the_task(case, "examen")
    with task.activation() as activation:
        activation.assign(coord)
    client.force_login(coord)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("case:inbox")).content.decode()
    assert _badges(body) == {"inbox": 1, "queue": 1}
    assert _task_counts(queries.captured_queries) == 1  # the queue's; the inbox's came with its rows
    # Elsewhere in the app, both badges are counted.
    with CaptureQueriesContext(connection) as elsewhere:
        body = client.get(reverse("case:archive")).content.decode()
    assert _badges(body) == {"inbox": 1, "queue": 1}
    assert _task_counts(elsewhere.captured_queries) >= 2
