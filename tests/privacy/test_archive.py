"""Intermediate archive: coordinator only, a reason at each opening, every opening logged."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from permissions.models import AccessLog
from privacy.views.archive import JOURNAL_PAGE_SIZE, LIST_PAGE_SIZE
from tests.factories import make_case
from tests.privacy.helpers import REASON, archive, archive_all, grow_journal


@pytest.fixture
def archived(case):
    return archive(case)


def test_list_shows_references_not_identities(client, coordinator, archived, django_assert_max_num_queries):
    client.force_login(coordinator)
    with django_assert_max_num_queries(13):  # + 1: the charter gate
        response = client.get(reverse("privacy:archive_list"))
    body = response.content.decode()
    assert archived.reference in body
    assert "Martin" not in body and "Léa" not in body
    assert not AccessLog.objects.exists()


def test_opening_requires_a_reason(client, coordinator, archived):
    client.force_login(coordinator)
    url = reverse("privacy:archive_open", args=[archived.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Martin" not in form.content.decode()
    refused = client.post(url, {"reason": "  voir  "})
    assert refused.status_code == 200
    assert "Indiquez le motif" in refused.content.decode()
    assert "Martin" not in refused.content.decode()
    assert not AccessLog.objects.exists()


def test_each_opening_is_logged_with_its_reason(client, coordinator, archived):
    client.force_login(coordinator)
    url = reverse("privacy:archive_open", args=[archived.pk])
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 200
    assert "Martin" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    client.post(url, {"reason": "Contrôle de la CNIL, courrier du 5 mars"})
    logs = list(AccessLog.objects.filter(case=archived).order_by("id"))
    assert [(log.channel, log.reason, log.user) for log in logs] == [
        ("archive", REASON, coordinator),
        ("archive", "Contrôle de la CNIL, courrier du 5 mars", coordinator),
    ]
    # Nothing is remembered: the next GET asks for a reason again.
    assert "Martin" not in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["member", "other_coordinator"])
def test_others_get_404(client, request, archived, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("privacy:archive_open", args=[archived.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": REASON}).status_code == 404
    assert client.post(f"{url}?page=2", {"reason": REASON}).status_code == 404  # a journal page too
    assert client.get(reverse("privacy:archive_list")).status_code in (200, 404)
    assert archived.reference not in client.get(reverse("privacy:archive_list")).content.decode()
    assert not AccessLog.objects.exists()


def test_active_cases_are_not_opened_through_the_archive(client, coordinator, case):
    client.force_login(coordinator)
    assert client.post(reverse("privacy:archive_open", args=[case.pk]), {"reason": REASON}).status_code == 404


def test_member_has_no_archive_page(client, member):
    client.force_login(member)
    assert client.get(reverse("privacy:archive_list")).status_code == 404


def test_one_query_coordinator_rule_matches_the_reference_rule(w, coordinator, member, other_coordinator):
    from permissions.access import is_coordinator, is_signed_coordinator, is_signed_coordinator_of
    from permissions.services import has_signed_current_charter
    from tests.factories import make_coordinator

    def reference(user, partnership) -> bool:  # the rule as the models state it
        return is_coordinator(user, partnership) and has_signed_current_charter(user, partnership)

    unsigned = make_coordinator(
        w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"], signed=False
    )
    arras = w["partnerships"]["arras"]
    for user in (coordinator, member, other_coordinator, unsigned):
        assert (
            is_signed_coordinator_of(user, arras.pk)
            == is_signed_coordinator(user, arras)
            == reference(user, arras)
        )
    assert is_signed_coordinator_of(coordinator, arras.pk)


def test_list_is_paged_with_its_total(client, coordinator, cell):
    cases = archive_all([make_case(cell, by=coordinator) for _ in range(LIST_PAGE_SIZE + 5)])
    client.force_login(coordinator)
    url = reverse("privacy:archive_list")
    first, second = client.get(url), client.get(url, {"page": 2})
    shown = [[case.reference for case, _ in page.context["rows"]] for page in (first, second)]
    assert [len(references) for references in shown] == [LIST_PAGE_SIZE, 5]
    # Every case on one page, none on two.
    assert sorted(shown[0] + shown[1]) == sorted(case.reference for case in cases)
    for number, page in enumerate((first, second), start=1):
        body = page.content.decode()
        assert f"{LIST_PAGE_SIZE + 5} situations archivées" in body
        assert f"Page {number} sur 2" in body
    # A page past the end shows the last one, as elsewhere.
    assert client.get(url, {"page": 99}).context["page"].number == 2


def test_search_narrows_the_pages_and_the_total(client, coordinator, cell):
    cases = archive_all([make_case(cell, by=coordinator) for _ in range(LIST_PAGE_SIZE + 5)])
    client.force_login(coordinator)
    url = reverse("privacy:archive_list")
    one = client.get(url, {"reference": cases[7].reference})
    assert [case for case, _ in one.context["rows"]] == [cases[7]]
    assert "1 situation archivée dont la référence contient" in one.content.decode()
    assert "Page 1 sur" not in one.content.decode()
    # A search matching them all keeps its term on the next page's link.
    prefix = cases[0].reference.rsplit("-", 1)[0]
    every = client.get(url, {"reference": prefix})
    assert every.context["page"].paginator.count == LIST_PAGE_SIZE + 5
    assert f"?reference={prefix}&amp;page=2" in every.content.decode()
    assert len(client.get(url, {"reference": prefix, "page": 2}).context["rows"]) == 5


def test_the_journal_is_read_a_page_at_a_time_each_page_an_opening(client, coordinator, cell):
    case = make_case(cell, by=coordinator, first_name="Léa", last_name="Martin")
    grow_journal(case, coordinator, 2 * JOURNAL_PAGE_SIZE + 7)
    archived = archive(case)
    newest_first = list(archived.journal.order_by("-at", "-id").values_list("pk", flat=True))
    total = len(newest_first)
    client.force_login(coordinator)
    url = reverse("privacy:archive_open", args=[archived.pk])

    first = client.post(url, {"reason": REASON})
    # The latest entries, newest first, with the total and the way to the older ones.
    assert [e.pk for e in first.context["file"].journal] == newest_first[:JOURNAL_PAGE_SIZE]
    body = first.content.decode()
    assert f"{total} entrées, de la plus récente à la plus ancienne" in body
    assert "Page 1 sur 3" in body
    # The next page is asked by posting the same reason again: no link that skips it.
    assert 'action="?page=2#journal"' in body and f'name="reason" value="{escape(REASON)}"' in body
    assert 'href="?page=2' not in body

    second = client.post(f"{url}?page=2", {"reason": REASON})
    assert [e.pk for e in second.context["file"].journal] == newest_first[
        JOURNAL_PAGE_SIZE : 2 * JOURNAL_PAGE_SIZE
    ]
    assert "Martin" in second.content.decode()  # the whole file, on every page
    last = client.post(f"{url}?page=3", {"reason": REASON})
    assert [e.pk for e in last.context["file"].journal] == newest_first[2 * JOURNAL_PAGE_SIZE :]
    assert 'action="?page=4' not in last.content.decode()

    # Each page shown is an opening, logged with its reason.
    assert (
        list(AccessLog.objects.filter(case=archived).values_list("channel", "reason", "user"))
        == [("archive", REASON, coordinator.pk)] * 3
    )
    # Without a valid reason, a page is the reason form: no journal, no log row.
    for refused in (client.get(f"{url}?page=2"), client.post(f"{url}?page=2", {"reason": "voir"})):
        assert refused.status_code == 200 and "file" not in refused.context
        assert "Martin" not in refused.content.decode() and "Événement" not in refused.content.decode()
    assert AccessLog.objects.filter(case=archived).count() == 3


def test_a_short_journal_has_no_pages(client, coordinator, archived):
    client.force_login(coordinator)
    response = client.post(reverse("privacy:archive_open", args=[archived.pk]), {"reason": REASON})
    page = response.context["file"].journal_page
    assert page.paginator.count == archived.journal.count() < JOURNAL_PAGE_SIZE
    assert len(response.context["file"].journal) == page.paginator.count
    assert "Page 1 sur" not in response.content.decode()
