"""The journal in the read API: bounded where it is embedded, paged at its own endpoint.

A case embeds its latest entries only (LIST_JOURNAL_PREVIEW in the list,
DETAIL_JOURNAL_PREVIEW in the detail) with `journal_total` and `journal_url`;
`/api/v1/cases/<pk>/journal/` pages the whole journal, newest first, for the
readers whose representation shows it, and answers everyone else the 404 of a
case that does not exist.
"""

import pytest
from django.urls import reverse

from casework.models import Case, JournalEntry
from casework.services.journal import journal_log_many
from permissions.api.presentation import DETAIL_JOURNAL_PREVIEW, JOURNAL_PAGE_SIZE, LIST_JOURNAL_PREVIEW
from permissions.models import AccessLog
from tests.permissions.test_matrix import api_client


def grow_journal(case: Case, total: int, *, kind: str = JournalEntry.Kind.OTHER) -> None:
    """Entries appended to `case` (in one INSERT) until its journal holds `total`."""
    journal_log_many(
        entries=[
            {"case_id": case.pk, "kind": kind, "summary": f"Événement {index}"}
            for index in range(case.journal.count(), total)
        ]
    )


def newest_first(case: Case) -> list[str]:
    """The summaries of `case`'s journal, newest first (the order the endpoint pages)."""
    return list(case.journal.order_by("-at", "-id").values_list("summary", flat=True))


def journal_url(case: Case) -> str:
    return reverse("api:case-journal", args=[case.pk])


@pytest.fixture
def coord(cast):
    return cast.users["coord_arras"]


@pytest.fixture
def case(cast):
    """A case the Arras coordinator reads in full; the member, as a cell summary; the magistrate, scoped."""
    return cast.cases["shared_parquet"]


class TestEmbeddedJournal:
    def test_the_list_embeds_the_latest_entries_oldest_first_with_the_total(self, cast, coord, case):
        grow_journal(case, 12)
        rows = {
            row["id"]: row
            for row in api_client(coord).get("/api/v1/cases/", {"page_size": 100}).json()["results"]
        }
        row = rows[case.pk]
        assert LIST_JOURNAL_PREVIEW == 5
        assert [e["summary"] for e in row["journal"]] == newest_first(case)[:LIST_JOURNAL_PREVIEW][::-1]
        assert row["journal_total"] == 12
        assert row["journal_url"] == f"http://testserver{journal_url(case)}"
        # A short journal comes whole, and its total is its length.
        short = rows[cast.cases["own_cell"].pk]
        assert 0 < len(short["journal"]) == short["journal_total"] < LIST_JOURNAL_PREVIEW

    def test_the_detail_embeds_the_latest_50(self, coord, case):
        grow_journal(case, 60)
        row = api_client(coord).get(f"/api/v1/cases/{case.pk}/").json()
        assert DETAIL_JOURNAL_PREVIEW == 50
        assert [e["summary"] for e in row["journal"]] == newest_first(case)[:50][::-1]
        assert row["journal_total"] == 60

    def test_the_total_counts_only_the_entries_the_reader_reads(self, cast, coord):
        """The "doublon possible" note is for the coordinators alone (permissions.access.journal_filter)."""
        case = cast.cases["referent_case"]
        grow_journal(case, case.journal.count() + 1, kind=JournalEntry.Kind.DUPLICATE)
        total = case.journal.count()
        by_coordinator = api_client(coord).get(f"/api/v1/cases/{case.pk}/").json()
        by_referent = api_client(cast.users["referent"]).get(f"/api/v1/cases/{case.pk}/").json()
        assert by_coordinator["journal_total"] == total
        assert by_referent["journal_total"] == total - 1
        assert JournalEntry.Kind.DUPLICATE not in {e["kind"] for e in by_referent["journal"]}

    @pytest.mark.parametrize(
        ("account", "representation"), [("membre", "cell_summary"), ("magistrat", "scoped_summary")]
    )
    def test_a_summary_carries_no_journal_key(self, cast, case, account, representation):
        grow_journal(case, 12)
        client = api_client(cast.users[account])
        rows = [
            client.get(f"/api/v1/cases/{case.pk}/").json(),
            *client.get("/api/v1/cases/").json()["results"],
        ]
        assert {row["representation"] for row in rows} == {representation}
        for row in rows:
            assert not {"journal", "journal_total", "journal_url"} & set(row)


class TestJournalEndpoint:
    def test_it_pages_the_journal_newest_first(self, coord, case):
        grow_journal(case, 60)
        client = api_client(coord)
        first = client.get(journal_url(case)).json()
        assert first["count"] == 60
        assert first["previous"] is None
        assert "page=2" in first["next"]
        second = client.get(first["next"]).json()
        assert second["next"] is None
        assert [len(first["results"]), len(second["results"])] == [JOURNAL_PAGE_SIZE, 10]
        summaries = [e["summary"] for page in (first, second) for e in page["results"]]
        assert summaries == newest_first(case)

    def test_entries_have_the_embedded_shape(self, coord, case):
        client = api_client(coord)
        [paged, *_] = client.get(journal_url(case)).json()["results"]
        embedded = client.get(f"/api/v1/cases/{case.pk}/").json()["journal"][-1]
        assert paged == embedded
        assert "note" in paged  # the full representation shows free text

    def test_each_read_is_logged_like_the_detail(self, coord, case):
        client = api_client(coord)
        for expected in (1, 2):
            assert client.get(journal_url(case)).status_code == 200
            rows = AccessLog.objects.filter(user=coord, case=case)
            assert rows.count() == expected
        assert set(rows.values_list("channel", "representation")) == {("api_detail", "full")}

    def test_a_page_past_the_end_answers_404_and_logs_nothing(self, coord, case):
        response = api_client(coord).get(journal_url(case), {"page": 2})
        assert response.status_code == 404
        assert not AccessLog.objects.filter(case=case).exists()

    @pytest.mark.parametrize(
        "account",
        [
            "coord_lens",  # another partnership
            "prefecture",  # aggregates only
            "membre",  # cell summary: no journal
            "magistrat",  # scoped summary: no journal
        ],
    )
    def test_readers_without_the_journal_get_the_404_of_a_missing_case(self, cast, case, account):
        grow_journal(case, 12)
        client = api_client(cast.users[account])
        missing = max(Case.objects.values_list("pk", flat=True)) + 1
        hidden = client.get(journal_url(case))
        absent = client.get(reverse("api:case-journal", args=[missing]))
        assert hidden.status_code == absent.status_code == 404
        assert hidden.content == absent.content
        assert not AccessLog.objects.filter(case=case).exists()

    def test_an_unsigned_member_gets_403_naming_the_charter(self, cast, case):
        response = api_client(cast.users["nonsigne"]).get(journal_url(case))
        assert response.status_code == 403
        assert "charte de confidentialité" in response.json()["detail"]
