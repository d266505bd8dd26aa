"""Query-count guards for the data-protection pages, the stall rules, the
need-to-know switch and the home redirect (pattern of tests/test_query_counts.py).

Pages that list rows are requested with 5 and with 30 of them and must run the
same number of queries both times; the paged ones are then requested at their
second page, with more rows than a page holds, and must run that number again.
Pages whose content does not grow with any rows are requested once. Every
ceiling is the count measured here plus 3: room for the idle timeout's session
refresh (SAVEPOINT, UPDATE, RELEASE), no more, so an added walk over the rows
fails CI.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case, PurgeReport
from casework.services.retention import retention_run
from meetings import services as meetings
from permissions.breakglass import breakglass_approve, breakglass_refuse, breakglass_request
from permissions.models import CaseUserObjectPermission
from privacy.views.archive import JOURNAL_PAGE_SIZE, LIST_PAGE_SIZE
from privacy.views.breakglass import DECIDED_PAGE_SIZE
from privacy.views.reports import PAGE_SIZE as REPORTS_PAGE_SIZE
from tests.factories import make_case, make_user
from tests.privacy.helpers import REASON, archive, archive_all, grow_journal
from tests.test_query_counts import SIZES, queries_for

BREAK_GLASS_REASON = "Le jeune a fugué, la famille est injoignable"


def counted(client, django_assert_max_num_queries, ceiling, url, *, post=None, status=200):
    """Queries of one request (a POST when `post` is given), under `ceiling`. The caller
    warms the process-wide caches first (same request, or one of the same kind)."""
    with django_assert_max_num_queries(ceiling) as captured:
        response = client.get(url) if post is None else client.post(url, post)
    assert response.status_code == status, response.content[:300]
    return response, len(captured.captured_queries)


# --- Break-the-glass review (coordinators and DPO) ----------------------------

# 9 queries: session, user, seats, overseen partnerships (exists), every
# pending request (with case, cell, asker, institution, decider and uses in
# one), the decided ones' count and their page (the same joins), the deciding
# partnerships, the bell. These three reads replace the one capped read of all
# the requests (+2).
BREAKGLASS_REVIEW_QUERIES = 12


def test_breakglass_review_runs_the_same_queries_for_5_and_30_requests(
    client, cell, coord, member, django_assert_max_num_queries
):
    client.force_login(coord)
    url = reverse("privacy:breakglass_review")
    counts = []
    done = 0
    for size in SIZES:
        for index in range(done, size):
            grant = breakglass_request(case=make_case(cell, by=coord), user=member, reason=BREAK_GLASS_REASON)
            if index % 2:  # every other request decided: both tables grow
                breakglass_approve(grant=grant, by=coord)
        done = size
        counts.append(queries_for(client, url, django_assert_max_num_queries, BREAKGLASS_REVIEW_QUERIES))
        page = client.get(url)
        assert (len(page.context["pending"]), len(page.context["decided"])) == (size - size // 2, size // 2)
    # More decided requests than a page: the second page runs the same queries.
    case = make_case(cell, by=coord)
    for _ in range(DECIDED_PAGE_SIZE + 5 - SIZES[-1] // 2):
        breakglass_refuse(
            grant=breakglass_request(case=case, user=member, reason=BREAK_GLASS_REASON), by=coord
        )
    counts.append(
        queries_for(client, f"{url}?page=2", django_assert_max_num_queries, BREAKGLASS_REVIEW_QUERIES)
    )
    page = client.get(url, {"page": 2})
    assert (len(page.context["pending"]), len(page.context["decided"])) == (SIZES[-1] - SIZES[-1] // 2, 5)
    assert counts[0] == counts[1] == counts[2], counts


# --- Purge reports --------------------------------------------------------------

# 7 queries: session, user, seats, overseen partnerships (exists), the
# reports' count, their page with the partnership, the bell. The count is the
# paging's (+1).
PURGE_REPORTS_QUERIES = 10


def test_purge_reports_run_the_same_queries_for_5_and_30_reports(
    client, w, coord, django_assert_max_num_queries
):
    client.force_login(coord)
    url = reverse("privacy:purge_reports")
    counts = []
    done = 0
    for size in SIZES:
        for _ in range(done, size):
            retention_run(today=timezone.localdate())  # one report per active partnership and run
        done = size
        counts.append(queries_for(client, url, django_assert_max_num_queries, PURGE_REPORTS_QUERIES))
        assert len(client.get(url).context["rows"]) == size  # the coordinator's partnership only
    # More reports than a page: the second page runs the same queries.
    PurgeReport.objects.bulk_create(
        PurgeReport(partnership=w["partnerships"]["arras"], run_on=timezone.localdate())
        for _ in range(REPORTS_PAGE_SIZE + 5 - SIZES[-1])
    )
    counts.append(queries_for(client, f"{url}?page=2", django_assert_max_num_queries, PURGE_REPORTS_QUERIES))
    assert len(client.get(url, {"page": 2}).context["rows"]) == 5
    assert counts[0] == counts[1] == counts[2], counts


# --- Archive list (metadata only) -----------------------------------------------

# 8 queries: session, user, seats, the coordinated partnerships twice (the
# page's gate, then permissions.archive.archived_cases' own), the archived
# cases' count, their page with the cell, the bell. The count is the paging's
# (+1).
ARCHIVE_LIST_QUERIES = 11


def test_archive_list_runs_the_same_queries_for_5_and_30_cases_and_a_second_page(
    client, cell, coord, django_assert_max_num_queries
):
    client.force_login(coord)
    url = reverse("privacy:archive_list")
    counts = []
    done = 0
    for size in (*SIZES, LIST_PAGE_SIZE + 5):
        archive_all([make_case(cell, by=coord) for _ in range(size - done)])
        done = size
        page_url = url if size in SIZES else f"{url}?page=2"
        counts.append(queries_for(client, page_url, django_assert_max_num_queries, ARCHIVE_LIST_QUERIES))
        assert len(client.get(page_url).context["rows"]) == (size if size in SIZES else 5)
    assert counts[0] == counts[1] == counts[2], counts


# --- Archived case, opened with a reason --------------------------------------


def _archived(cell, coord, journal_entries: int) -> Case:
    case = make_case(cell, by=coord)
    grow_journal(case, coord, journal_entries)
    return archive(case)


# The GET is the reason form, 6 queries: session, user, seats, coordinated
# partnerships, the case, the bell.
ARCHIVE_REASON_FORM_QUERIES = 9
# The POST with a reason is the page read: 24 queries. The form's 5 without
# the bell, the opening (savepoint, partnerships, case again, access-log
# insert, release), the file (motifs, decisions, rappels, CDDF, designations,
# bilans, informations, disclosures: one each; the journal's count and its
# page: +1 for the paging), the bell, then the youth, its commune and the
# source institution.
ARCHIVE_FILE_QUERIES = 27


def test_archived_case_file_runs_the_same_queries_for_5_and_30_journal_entries(
    client, cell, coord, django_assert_max_num_queries
):
    client.force_login(coord)
    counts = []
    for size in SIZES:
        archived = _archived(cell, coord, size)
        url = reverse("privacy:archive_open", args=[archived.pk])
        client.post(url, {"reason": REASON})  # process-wide caches; every opening is logged anyway
        response, count = counted(
            client, django_assert_max_num_queries, ARCHIVE_FILE_QUERIES, url, post={"reason": REASON}
        )
        assert len(response.context["file"].journal) == archived.journal.count() >= size
        counts.append(count)
    # A journal longer than a page: its second page runs the same queries.
    archived = _archived(cell, coord, 2 * JOURNAL_PAGE_SIZE + 5)
    url = reverse("privacy:archive_open", args=[archived.pk])
    client.post(f"{url}?page=2", {"reason": REASON})  # as above
    response, count = counted(
        client, django_assert_max_num_queries, ARCHIVE_FILE_QUERIES, f"{url}?page=2", post={"reason": REASON}
    )
    assert len(response.context["file"].journal) == JOURNAL_PAGE_SIZE
    counts.append(count)
    assert counts[0] == counts[1] == counts[2], counts
    # The reason form lists nothing: one request under its ceiling.
    client.get(url)
    response, _ = counted(client, django_assert_max_num_queries, ARCHIVE_REASON_FORM_QUERIES, url)
    assert "file" not in response.context and response.context["case"] == archived


# --- Right of access ---------------------------------------------------------------

# The GET page says what the PDF holds and lists the possible duplicates by
# reference. 7 queries: session, user, seats, coordinated partnerships, the
# case with youth and partnership, the possible duplicates, the bell.
SUBJECT_ACCESS_PAGE_QUERIES = 10
# The POST produces the PDF: 23 queries. The page's first 6, the youth rows
# (the case's and the ticked duplicates'), their cases, the access log, the
# nine relations of the case files (one each, for all the cases: nine per case
# before, see privacy.dossier.case_files), then the record (savepoint, the
# possible duplicates checked again, one journal insert and one access-log
# insert for all the cases, release).
SUBJECT_ACCESS_PDF_QUERIES = 26


@pytest.mark.parametrize("rows", ["journal entries", "cases of the person"])
def test_subject_access_pdf_runs_the_same_queries_for_5_and_30_rows(
    client, cell, coord, rows, django_assert_max_num_queries
):
    case = make_case(cell, by=coord, first_name="Léa", last_name="Martin")
    client.force_login(coord)
    url = reverse("privacy:subject_access", args=[case.pk])
    client.post(url)  # process-wide caches
    counts = []
    for size in SIZES:
        if rows == "journal entries":
            grow_journal(case, coord, size)
        else:  # each signalement of the same person is a case (and a youth row) of its own
            for _ in range(size - Case.objects.filter(youth__last_name="Martin").count()):
                make_case(cell, by=coord, first_name="Léa", last_name="Martin")
        # Every possible duplicate ticked: the file holds all the person's cases.
        ticked = {"duplicates": list(Case.objects.exclude(pk=case.pk).values_list("pk", flat=True))}
        response, count = counted(
            client, django_assert_max_num_queries, SUBJECT_ACCESS_PDF_QUERIES, url, post=ticked
        )
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
        counts.append(count)
    assert counts[0] == counts[1], counts
    client.get(url)
    response, _ = counted(client, django_assert_max_num_queries, SUBJECT_ACCESS_PAGE_QUERIES, url)
    assert response.context["case"] == case


# --- Stall rules (a fixed form per partnership) --------------------------------

# 6 queries: session, user, seats, the coordinated partnerships, the
# partnership's step delays, the bell.
RULES_QUERIES = 9


def test_stall_rules_page_stays_under_its_ceiling(client, coord, django_assert_max_num_queries):
    client.force_login(coord)
    queries_for(client, reverse("relances:rules"), django_assert_max_num_queries, RULES_QUERIES)


# --- Need-to-know switch (POST only: it redirects to the séance list) ----------

# Switching on, 26 queries: session, user, seats, partnerships, the cell (the
# service's coordinator check reads the seats already read), the cell locked
# and updated, the permission, the cell group,
# one DELETE of the group grants, the cell's case ids, then the séance rule in
# one pass (permission, agenda items, invitations, seats, charters,
# signatures, user grants held, one INSERT), and their savepoints.
NEED_TO_KNOW_ON_QUERIES = 29
# Switching off, 23 queries: the same up to the cell group, then the cases
# without the group grant and one INSERT of it, the case ids, the séance rule
# (permission, agenda items of strict cells: none, user grants held) and one
# DELETE of those grants (one per grant before: fixed in
# permissions.services.cases_sync_seance_grants).
NEED_TO_KNOW_OFF_QUERIES = 26


def test_need_to_know_switch_runs_the_same_queries_for_5_and_30_cases(
    client, cell, coord, member, django_assert_max_num_queries
):
    """Rows: cases of the cell on the agenda of a séance `member` is invited to, so
    that each switch adds or removes one grant per case."""
    seance = meetings.seance_plan(
        cell=cell, starts_at=timezone.now() + timedelta(days=1), place="Mairie d'Arras", by=coord
    )
    meetings.seance_invite(seance=seance, users=[member], by=coord)
    client.force_login(coord)
    url = reverse("seances:need-to-know", args=[cell.pk])
    client.post(url, {"strict": "1"})  # process-wide caches
    client.post(url, {"strict": "0"})

    def member_grants() -> int:
        return CaseUserObjectPermission.objects.filter(
            user=member, permission__codename="view_case_cell_summary"
        ).count()

    counts = []
    done = 0
    for size in SIZES:
        for _ in range(done, size):
            meetings.agenda_item_add(seance=seance, case=make_case(cell, by=coord), by=coord)
        done = size
        _, on = counted(
            client,
            django_assert_max_num_queries,
            NEED_TO_KNOW_ON_QUERIES,
            url,
            post={"strict": "1"},
            status=302,
        )
        assert member_grants() == size
        _, off = counted(
            client,
            django_assert_max_num_queries,
            NEED_TO_KNOW_OFF_QUERIES,
            url,
            post={"strict": "0"},
            status=302,
        )
        assert member_grants() == 0
        counts.append((on, off))
    assert counts[0] == counts[1], counts


# --- Home: a redirect by role ---------------------------------------------------


# Member, 3 queries: session, user, seats (a signed member's seat says they may
# signal). Coordinator, 4: the same and the cells they may signal in (exists).
# Préfecture agent, 3: no seat, no cell to ask for; the institution came with
# the user, it sends them to the indicators.
@pytest.mark.parametrize(
    ("who", "target", "ceiling"),
    [
        ("member", "situations:index", 6),
        ("coord", "situations:index", 7),
        ("prefecture", "indicators:dashboard", 6),
    ],
)
def test_home_redirect_stays_under_its_ceiling(
    client, request, w, who, target, ceiling, django_assert_max_num_queries
):
    user = (
        make_user(institution=w["institutions"]["prefecture"])
        if who == "prefecture"
        else request.getfixturevalue(who)
    )
    client.force_login(user)
    client.get("/")  # process-wide caches
    response, _ = counted(client, django_assert_max_num_queries, ceiling, "/", status=302)
    assert response["Location"] == reverse(target)
