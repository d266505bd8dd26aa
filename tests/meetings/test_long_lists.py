"""The séance pages at département scale: hundreds of cases open for more than
12 months in a cell, and every séance of past years in the list.

- the séance page proposes the cases due by rule in full, and the long-running
  ones LONG_RUNNING_SHOWN at a time, oldest first, with how many others there
  are and a link to the next ones; it logs exactly the cases it shows, and
  "Inscrire toutes" enrols exactly those;
- the séance list shows the séances to come in full, the past and attended
  ones SEANCES_PER_PAGE a page.
"""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import JournalEntry
from meetings import selectors, services
from meetings.models import Attendance, Seance
from meetings.selectors import LONG_RUNNING_SHOWN
from meetings.views.seances import SEANCES_PER_PAGE
from permissions.models import AccessLog
from tests.factories import make_case
from tests.meetings.conftest import DAY, TODAY, at

EXTRA = 3  # long-running cases beyond the first page


@pytest.fixture
def long_running(cell, coord):
    """`n` cases open for more than 12 months and due for nothing else, oldest first.

    Test setup: signalled without starting their parcours (no examen task,
    no step overdue), as an old case waiting for its review is."""

    def _long_running(n: int):
        return [
            make_case(cell, by=coord, last_name=f"Ancien{index}", signaled_on=TODAY - (400 + n - index) * DAY)
            for index in range(n)
        ]

    return _long_running


@pytest.fixture
def crowded(plan, signal, long_running):
    """A séance in a week; two cases awaiting their examen (one of them open
    for more than 12 months) and LONG_RUNNING_SHOWN + EXTRA long-running cases."""
    due = [signal(last_name="Recent"), signal(last_name="Vieux", signaled_on=TODAY - 500 * DAY)]
    old = long_running(LONG_RUNNING_SHOWN + EXTRA)
    return plan(TODAY + 7 * DAY), due, old


def references(proposals):
    return [p.case.reference for p in proposals]


# --- The proposals ---------------------------------------------------------------


def test_due_cases_in_full_long_running_ones_capped_oldest_first(crowded, coord):
    seance, due, old = crowded

    proposals = selectors.agenda_proposals(seance, coord)

    assert sorted(references(proposals.due)) == sorted(c.reference for c in due)
    # The old case awaiting its examen is due: proposed for its examen, and says it is old.
    (vieux,) = [p for p in proposals.due if p.case == due[1]]
    assert vieux.kind == "examen" and vieux.reasons[-1] == "Ouverte depuis plus de 12 mois"
    assert references(proposals.long_running) == [c.reference for c in old[:LONG_RUNNING_SHOWN]]
    assert {p.kind for p in proposals.long_running} == {"review"}
    assert (proposals.long_running_total, proposals.long_running_others) == (len(old), EXTRA)
    assert proposals.shown == [*proposals.due, *proposals.long_running]


def test_the_next_long_running_cases_are_the_next_page(crowded, coord):
    seance, _, old = crowded

    second = selectors.agenda_proposals(seance, coord, long_running_page=2)

    assert references(second.long_running) == [c.reference for c in old[LONG_RUNNING_SHOWN:]]
    assert len(second.due) == 2  # due cases are on every page
    assert second.long_running_others == LONG_RUNNING_SHOWN
    # A page past the end is the last one; anything but a number, the first.
    assert selectors.agenda_proposals(seance, coord, long_running_page=9).page.number == 2
    for junk in ("deux", "", None, "-1", "0"):
        assert selectors.agenda_proposals(seance, coord, long_running_page=junk).page.number == 1


def test_the_long_running_cases_are_capped_and_counted_in_sql(crowded, coord):
    seance, _, _ = crowded
    with CaptureQueriesContext(connection) as captured:
        selectors.agenda_proposals(seance, coord)
    # One query reads the page of long-running cases and their total; none reads them all.
    (page_sql,) = [q["sql"] for q in captured.captured_queries if "COUNT(*) OVER ()" in q["sql"]]
    assert f"LIMIT {LONG_RUNNING_SHOWN}" in page_sql


# --- The séance page --------------------------------------------------------------


def test_the_page_shows_twenty_long_running_cases_how_many_others_and_the_next(client, crowded, coord):
    seance, due, old = crowded
    client.force_login(coord)
    url = reverse("seances:detail", args=[seance.pk])

    page = client.get(url).content.decode()

    assert all(c.reference in page for c in [*due, *old[:LONG_RUNNING_SHOWN]])
    assert not any(c.reference in page for c in old[LONG_RUNNING_SHOWN:])
    assert f"{EXTRA} autres situations ouvertes depuis plus de 12 mois." in page
    assert f"Situations 1 à {LONG_RUNNING_SHOWN} sur {len(old)}" in page
    assert 'href="?anciennes=2#propositions">Voir les suivantes</a>' in page
    assert f"Inscrire toutes les propositions affichées ({2 + LONG_RUNNING_SHOWN})" in page

    second = client.get(url, {"anciennes": 2}).content.decode()

    assert all(c.reference in second for c in [*due, *old[LONG_RUNNING_SHOWN:]])
    assert not any(c.reference in second for c in old[:LONG_RUNNING_SHOWN])
    assert f"{LONG_RUNNING_SHOWN} autres situations ouvertes depuis plus de 12 mois." in second
    assert 'href="?anciennes=1#propositions">Voir les précédentes</a>' in second
    assert "Voir les suivantes" not in second


def test_the_page_logs_exactly_the_cases_it_shows(client, crowded, coord, signal):
    seance, due, old = crowded
    on_agenda = signal(last_name="Inscrite")
    services.agenda_item_add(seance=seance, case=on_agenda, by=coord)
    client.force_login(coord)

    for number, long_running in ((1, old[:LONG_RUNNING_SHOWN]), (2, old[LONG_RUNNING_SHOWN:])):
        before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        client.get(reverse("seances:detail", args=[seance.pk]), {"anciennes": number})
        logged = list(AccessLog.objects.filter(id__gt=before).values_list("case_id", flat=True))
        shown = [on_agenda, *due, *long_running]
        assert sorted(logged) == sorted(c.pk for c in shown)  # one row each, no other


def test_inscrire_toutes_enrols_the_cases_shown_and_says_how_many(client, crowded, coord):
    seance, due, old = crowded
    client.force_login(coord)

    response = client.post(reverse("seances:propose", args=[seance.pk]), {"anciennes": "1"})

    assert response.status_code == 302 and response.url == reverse("seances:detail", args=[seance.pk])
    enrolled = set(seance.items.values_list("case_id", flat=True))
    assert enrolled == {c.pk for c in [*due, *old[:LONG_RUNNING_SHOWN]]}
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{2 + LONG_RUNNING_SHOWN} situations inscrites à l'ordre du jour."
    ]
    journalled = JournalEntry.objects.filter(data__seance=seance.pk, summary__startswith="Inscrite à l")
    assert set(journalled.values_list("case_id", flat=True)) == enrolled

    # What is left: the EXTRA long-running ones, now on the first page.
    assert references(selectors.agenda_proposals(seance, coord).shown) == [
        c.reference for c in old[LONG_RUNNING_SHOWN:]
    ]


def test_inscrire_toutes_from_the_second_page_enrols_that_page(client, crowded, coord):
    seance, due, old = crowded
    client.force_login(coord)

    response = client.post(reverse("seances:propose", args=[seance.pk]), {"anciennes": "2"})

    assert set(seance.items.values_list("case_id", flat=True)) == {
        c.pk for c in [*due, *old[LONG_RUNNING_SHOWN:]]
    }
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{2 + EXTRA} situations inscrites à l'ordre du jour."
    ]
    # Back to the page the coordinator was on (now the last: the first page's cases are left).
    assert response.url == reverse("seances:detail", args=[seance.pk]) + "?anciennes=2#propositions"


def test_the_service_enrols_the_first_page_by_default(crowded, coord):
    seance, due, old = crowded

    items = services.agenda_propose(seance=seance, by=coord)

    # The due cases first, then the oldest long-running ones.
    assert {i.case_id for i in items[:2]} == {c.pk for c in due}
    assert [i.case_id for i in items[2:]] == [c.pk for c in old[:LONG_RUNNING_SHOWN]]
    assert [i.position for i in items] == list(range(1, 2 + LONG_RUNNING_SHOWN + 1))


def test_adding_one_proposal_goes_back_to_its_page(client, crowded, coord):
    seance, _, old = crowded
    client.force_login(coord)
    case = old[-1]

    response = client.post(
        reverse("seances:item-add", args=[seance.pk]), {"case": case.pk, "kind": "review", "anciennes": "2"}
    )

    assert response.url == reverse("seances:detail", args=[seance.pk]) + "?anciennes=2#propositions"
    assert seance.items.get().case == case


# --- The séance list --------------------------------------------------------------


def past_seances(cell, coord, n: int) -> list[Seance]:
    """Test setup: `n` closed séances, one a week back from last week, newest first
    (the list only reads them; planning and closing them is tested elsewhere)."""
    return Seance.objects.bulk_create(
        Seance(
            cell=cell,
            starts_at=at(TODAY - (7 * (index + 1)) * DAY),
            place="Mairie",
            status=Seance.Status.CLOSED,
            created_by=coord,
        )
        for index in range(n)
    )


def detail_links(page: str, seances) -> list[int]:
    return [s.pk for s in seances if f'href="{reverse("seances:detail", args=[s.pk])}"' in page]


def test_past_seances_are_listed_a_page_at_a_time(client, cell, coord, plan):
    past = past_seances(cell, coord, 30)
    upcoming = [plan(TODAY + days * DAY) for days in (0, 7, 14)]
    client.force_login(coord)
    url = reverse("seances:index")

    first = client.get(url).content.decode()

    assert detail_links(first, past) == [s.pk for s in past[:SEANCES_PER_PAGE]]
    assert detail_links(first, upcoming) == [s.pk for s in upcoming]  # in full
    assert "Page 1 sur 2" in first and 'page=2#passees">Suivante</a>' in first

    second = client.get(url, {"page": 2, "assistees": 1}).content.decode()

    assert detail_links(second, past) == [s.pk for s in past[SEANCES_PER_PAGE:]]
    assert detail_links(second, upcoming) == [s.pk for s in upcoming]
    # The other list's page is kept in the links.
    assert "Page 2 sur 2" in second and 'href="?assistees=1&amp;page=1#passees">Précédente</a>' in second
    assert client.get(url, {"page": "99"}).content.decode().count("Page 2 sur 2") == 1


def test_a_planned_seance_of_a_day_gone_by_is_past(client, cell, coord, plan):
    # Test setup: a séance planned for yesterday, never held (seance_plan refuses no date).
    forgotten = plan(TODAY - DAY)
    client.force_login(coord)
    response = client.get(reverse("seances:index"))
    assert list(response.context["upcoming"]) == []
    assert list(response.context["past"]) == [forgotten]


def test_attended_seances_are_listed_a_page_at_a_time(client, cell, coord, member):
    past = past_seances(cell, coord, SEANCES_PER_PAGE + 2)
    # Test setup: `member` recorded present at each (attendance_record is tested elsewhere).
    Attendance.objects.bulk_create(
        Attendance(seance=s, user=member, institution=member.institution, present=True) for s in past
    )
    client.force_login(member)
    url = reverse("seances:index")

    first = client.get(url)

    releves = [reverse("seances:releve", args=[s.pk]) for s in past]
    page = first.content.decode()
    assert [r for r in releves if r in page] == releves[:SEANCES_PER_PAGE]
    assert first.context["past"] is None  # a member coordinates nothing
    assert 'href="?assistees=2#assistees">Suivante</a>' in page

    page = client.get(url, {"assistees": 2}).content.decode()
    assert [r for r in releves if r in page] == releves[SEANCES_PER_PAGE:]
