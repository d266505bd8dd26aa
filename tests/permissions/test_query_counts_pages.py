"""Query-count guards for the confidentiality pages: their SQL does not grow with their rows.

As in tests/test_query_counts.py, each page is requested with 5 and with 30
rows (access log entries, journal entries, disclosures, coordinated
partnerships, memberships and signatures) and must run the same number of
queries both times, under a ceiling just above the count measured here: a
query added per row, or a walk added to the page, fails CI. Every page is the
coordinator's.

The ceilings leave room for the idle timeout's session refresh (SAVEPOINT,
UPDATE, RELEASE in a test; not with a token): 3 above the count for the
session pages, 2 for the API endpoint.
"""

import pytest
from django.urls import reverse

from casework.models import Membership, Partnership
from casework.services.journal import journal_log_many
from permissions import charter as charter_services
from permissions.access_log import Channel, log_access
from permissions.disclosures import disclosure_create, disclosure_revoke
from permissions.models import AccessLog
from permissions.services import current_charter
from permissions.visibility import visible_cases
from tests.factories import make_case, make_user, sign_charter
from tests.test_query_counts import SIZES, queries_for, token_client

# The access log page: 7 queries (session, user, seats, the case, the
# paginator's count, bell, the page's rows with their user and institution
# joined); the coordinator check reads the seats.
ACCESS_LOG_QUERIES = 10
# The API access log: 5 queries (token with its user, seats, the case, the
# count, the rows with user and institution).
API_ACCESS_LOG_QUERIES = 7
# The API journal: 6 queries (token with its user, seats, the case, the
# count, the entries with their actor, the access log).
API_JOURNAL_QUERIES = 8
# The API case list, journals embedded: 15 queries (token with its user,
# seats, the page with its total, the rows, the access log, one query per
# kind of row the full representation reads, the latest journal entries of
# every case with their totals among them, and two for lateness).
API_LIST_QUERIES = 17
# The disclosures page: 8 queries (session, user, seats, the case, the
# commune's arrondissement for the competent institutions, bell, the
# disclosures with institution and author joined, the form's institutions).
DISCLOSURES_QUERIES = 11
# The partnerships index: 5 queries (session, user, seats, bell, the
# coordinated partnerships).
INDEX_QUERIES = 8
# The memberships page: 9 queries (session, user, the coordinated
# partnership, seats, bell, the memberships with user, cell and institution
# joined, then the form's accounts, cells and institutions).
MEMBERSHIPS_QUERIES = 12
# The charter page: 11 queries (session, user, the coordinated partnership,
# the current charter for the form then for the page, the signatures' user
# ids, the current memberships with user, cell and institution joined, seats,
# bell, the versions, the last 50 charter events with subject and actor).
CHARTER_QUERIES = 14


@pytest.fixture
def case(cell, coord):
    return make_case(cell, by=coord)


def _grow_access_log(case, readers, total: int) -> None:
    """Displays of `case` to `readers` in turn, through visible_cases and log_access, up to `total`."""
    for index in range(AccessLog.objects.filter(case=case).count(), total):
        reader = readers[index % len(readers)]
        log_access(user=reader, cases=visible_cases(reader).get(pk=case.pk), channel=Channel.UI_DETAIL)


def test_access_log_page_runs_the_same_queries_for_5_and_30_entries(
    client, case, coord, member, django_assert_max_num_queries
):
    client.force_login(coord)
    url = reverse("permissions:access_log", args=[case.pk])
    counts = []
    for size in SIZES:
        _grow_access_log(case, [coord, member], size)
        counts.append(queries_for(client, url, django_assert_max_num_queries, ACCESS_LOG_QUERIES))
    assert counts[0] == counts[1], counts
    page = client.get(url).content.decode()
    assert page.count("dossier complet") == page.count("synthèse de cellule") == 15


def test_api_access_log_runs_the_same_queries_for_5_and_30_entries(
    case, coord, member, django_assert_max_num_queries
):
    client = token_client(coord)
    url = reverse("api:case-access-log", args=[case.pk])
    counts = []
    for size in SIZES:
        _grow_access_log(case, [coord, member], size)
        counts.append(queries_for(client, url, django_assert_max_num_queries, API_ACCESS_LOG_QUERIES))
    assert counts[0] == counts[1], counts
    rows = client.get(url).json()["results"]
    assert len(rows) == 30
    assert {row["institution"] for row in rows} == {str(coord.institution), str(member.institution)}


def _grow_journal(cases, total: int) -> None:
    """Entries appended to each of `cases` (in one INSERT) until its journal holds `total`."""
    journal_log_many(
        entries=[
            {"case_id": case.pk, "kind": "other", "summary": f"Événement {index}"}
            for case in cases
            for index in range(case.journal.count(), total)
        ]
    )


def test_api_journal_runs_the_same_queries_for_5_and_30_entries(case, coord, django_assert_max_num_queries):
    client = token_client(coord)
    url = reverse("api:case-journal", args=[case.pk])
    counts = []
    for size in SIZES:
        _grow_journal([case], size)
        counts.append(queries_for(client, url, django_assert_max_num_queries, API_JOURNAL_QUERIES))
    assert counts[0] == counts[1], counts
    assert client.get(url).json()["count"] == 30


def test_api_case_list_runs_the_same_queries_for_5_and_30_entries_per_case(
    cell, coord, django_assert_max_num_queries
):
    cases = [make_case(cell, by=coord) for _ in range(3)]
    client = token_client(coord)
    url = reverse("api:case-list")
    counts = []
    for size in SIZES:
        _grow_journal(cases, size)
        counts.append(queries_for(client, url, django_assert_max_num_queries, API_LIST_QUERIES))
    assert counts[0] == counts[1], counts
    rows = client.get(url).json()["results"]
    assert [(len(row["journal"]), row["journal_total"]) for row in rows] == [(5, 30)] * 3


def test_disclosures_page_runs_the_same_queries_for_5_and_30_disclosures(
    client, case, coord, w, django_assert_max_num_queries
):
    client.force_login(coord)
    url = reverse("permissions:disclosures", args=[case.pk])
    institutions = [w["institutions"]["parquet_arras"], w["institutions"]["pjj"]]
    counts = []
    for size in SIZES:
        for index in range(case.disclosures.count(), size):
            disclosure = disclosure_create(
                case=case, institution=institutions[index % 2], reason=f"Protocole {index}", by=coord
            )
            if index % 3 == 0:  # a revoked row shows its date and no revoke button
                disclosure_revoke(disclosure=disclosure, by=coord)
        counts.append(queries_for(client, url, django_assert_max_num_queries, DISCLOSURES_QUERIES))
    assert counts[0] == counts[1], counts
    page = client.get(url).content.decode()
    assert (page.count("révoqué le"), page.count(">Révoquer</button>")) == (10, 20)


def test_partnership_index_runs_the_same_queries_for_5_and_30_partnerships(
    client, coord, django_assert_max_num_queries
):
    client.force_login(coord)
    url = reverse("permissions:index")
    counts = []
    for size in SIZES:
        for index in range(Partnership.objects.filter(memberships__user=coord).count(), size):
            # A coordinator's seat and signature, as tests.factories.make_coordinator gives them.
            partnership = Partnership.objects.create(
                name=f"CLSPD de test n° {index}", kind=Partnership.Kind.CLSPD, code=f"QC{index}"
            )
            Membership.objects.create(
                user=coord,
                partnership=partnership,
                institution=coord.institution,
                role=Membership.Role.COORDONNATEUR,
            )
            sign_charter(coord, partnership)
        counts.append(queries_for(client, url, django_assert_max_num_queries, INDEX_QUERIES))
    assert counts[0] == counts[1], counts
    assert client.get(url).content.decode().count("/membres/") == 30


def _grow_members(partnership, cell, coord, w, total: int) -> None:
    """Seats given by the coordinator (membership_start), two in three signed (charter_sign), one in
    five ended (membership_end), up to `total` memberships besides the coordinator's."""
    charter = current_charter(partnership)
    institutions = [w["institutions"]["college"], w["institutions"]["police"], w["institutions"]["prev_spe"]]
    for index in range(partnership.memberships.exclude(user=coord).count(), total):
        institution = institutions[index % len(institutions)]
        membership = charter_services.membership_start(
            partnership=partnership,
            user=make_user(institution=institution, first_name="Membre", last_name=f"N{index}"),
            role=Membership.Role.MEMBRE,
            institution=institution,
            cell=cell,
            by=coord,
        )
        if index % 3:
            charter_services.charter_sign(user=membership.user, charter=charter)
        if index % 5 == 4:
            charter_services.membership_end(membership=membership, by=coord)


@pytest.mark.parametrize(
    ("page", "ceiling"),
    [("permissions:memberships", MEMBERSHIPS_QUERIES), ("permissions:charter_manage", CHARTER_QUERIES)],
)
def test_membership_and_charter_pages_run_the_same_queries_for_5_and_30_members(
    client, coord, cell, w, page, ceiling, django_assert_max_num_queries
):
    partnership = w["partnerships"]["arras"]
    client.force_login(coord)
    url = reverse(page, args=[partnership.pk])
    counts = []
    for size in SIZES:
        _grow_members(partnership, cell, coord, w, size)
        counts.append(queries_for(client, url, django_assert_max_num_queries, ceiling))
    assert counts[0] == counts[1], counts
    content = client.get(url).content.decode()
    # 30 members besides the coordinator: 6 ended, 24 current of whom 16 signed (and the coordinator).
    if page == "permissions:memberships":
        assert content.count("<tr><td>Membre N") == 30
        assert content.count("Mettre fin") == 24 + 1
    else:
        assert content.count("<tr><td>Membre N") == 24
        assert content.count(">signée</span>") == 16 + 1
        assert content.count(">non signée : aucun accès</span>") == 8
