"""Query-count guards of the séance pages.

As in tests/test_query_counts.py: each page is requested at a small and at a
large size and must run the same number of queries both times, under a
ceiling just above the count measured here (with 3 queries of room for the
idle timeout's session refresh, permissions.idle), so that a query added per
row, or a new walk of the rows, fails CI. Both sizes hold every kind of row
(an empty list skips or adds a query: see WindowCountPaginator), and the
large one more than a page of each paged list.
"""

from django.urls import reverse

from casework.services.deadlines import step_flag_overdue
from meetings import services
from meetings.models import Attendance, Seance
from meetings.selectors import LONG_RUNNING_SHOWN
from meetings.views.seances import SEANCES_PER_PAGE
from notifications.models import StallFlag, StallLevel
from tests.factories import make_case
from tests.meetings.conftest import DAY, TODAY, at
from tests.workflows.helpers import the_task
from workflows.services import task_complete


def measured(client, url, django_assert_max_num_queries, ceiling: int) -> tuple[int, str]:
    """The number of queries of a second request of `url` (the first fills the
    process-wide caches), under `ceiling`, and the page."""
    client.get(url)
    with django_assert_max_num_queries(ceiling) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries), response.content.decode()


# --- The séance page ----------------------------------------------------------------

# 21 queries for the coordinator: session, user, seats, partnerships, the
# séance, its agenda items, their cases (visible_cases); invitations: members,
# charter, signatures, attendances; proposals: overdue steps, escalated
# stalls and their flags (prefetch), postponed items, the due cases, the page
# of long-running ones with their total (COUNT(*) OVER ()); the access log
# (one INSERT), the next séance, the bell, the attendance sheet.
SEANCE_PAGE_QUERIES = 21 + 3

# (due cases awaiting their examen, long-running cases, agenda items)
SEANCE_SIZES = ((2, 5, 1), (8, 30, 6))


def test_the_seance_page_runs_the_same_queries_whatever_the_cell_holds(
    client, coord, member, member2, plan, signal, django_assert_max_num_queries
):
    seance = plan(TODAY + 7 * DAY)
    services.seance_invite(seance=seance, users=[member], by=coord)
    # Both sizes propose an overdue case and a case escalated to the séance.
    overdue, escalated = signal(last_name="Retard"), signal(last_name="Bloque")
    for case in (overdue, escalated):
        task_complete(
            task=the_task(case, "examen"),
            user=coord,
            data={"kind": "orientation", "orientations": ["rappel_ordre"], "decided_on": TODAY},
        )
    step_flag_overdue(step_id=overdue.pending_steps.open().get().pk)
    # Test setup: the stall scan (notifications.services) writes these flags.
    StallFlag.objects.create(
        case=escalated,
        rule="referent_designation",
        since=TODAY - 20 * DAY,
        level=StallLevel.SEANCE,
        escalated_on=TODAY,
    )
    client.force_login(coord)
    url = reverse("seances:detail", args=[seance.pk])
    counts, done = [], (0, 0, 0)
    for index, sizes in enumerate(SEANCE_SIZES):
        (due, old, items), done = (new - had for new, had in zip(sizes, done, strict=True)), sizes
        for _ in range(due):
            signal(last_name="Examen")
        for _ in range(old):
            make_case(seance.cell, by=coord, signaled_on=TODAY - 400 * DAY)
        for _ in range(items):
            services.agenda_item_add(seance=seance, case=signal(last_name="Inscrite"), by=coord)
        if index:
            services.seance_invite(seance=seance, users=[member2], by=coord)
        count, page = measured(client, url, django_assert_max_num_queries, SEANCE_PAGE_QUERIES)
        counts.append(count)
    assert counts[0] == counts[1], counts
    # The large size did cap the long-running cases.
    others = SEANCE_SIZES[-1][1] - LONG_RUNNING_SHOWN
    assert f"{others} autres situations ouvertes depuis plus de 12 mois" in page


# --- The séance list ----------------------------------------------------------------

# 11 queries for the coordinator: session, user, seats, the partnerships of
# the coordinated cells, the cells, the partnerships of the séances (again:
# the séances of a cell since deactivated are listed too), the séances to
# come, the page of past séances with their total, the page of attended ones
# (none: then their count too), the bell.
LIST_QUERIES = 11 + 3
# 5 for a member: session, user, seats, the page of attended séances with
# their total, the bell (coordinating nothing, the member gets no other list).
MEMBER_LIST_QUERIES = 5 + 3

# (past séances, séances to come)
LIST_SIZES = ((3, 1), (SEANCES_PER_PAGE + 5, 5))


def seances(cell, coord, *, past: int, upcoming: int, offset: int = 0) -> list[Seance]:
    """Test setup: closed séances a week apart before today, planned ones after
    (the list only reads them; planning and closing are tested elsewhere)."""
    return Seance.objects.bulk_create(
        [
            Seance(
                cell=cell,
                starts_at=at(TODAY - 7 * (offset + index + 1) * DAY),
                place="Mairie",
                status=Seance.Status.CLOSED,
                created_by=coord,
            )
            for index in range(past)
        ]
        + [
            Seance(
                cell=cell, starts_at=at(TODAY + 7 * (offset + index) * DAY), place="Mairie", created_by=coord
            )
            for index in range(upcoming)
        ]
    )


def test_the_seance_list_runs_the_same_queries_for_3_and_30_past_seances(
    client, cell, coord, django_assert_max_num_queries
):
    client.force_login(coord)
    counts, past, upcoming = [], 0, 0
    for past_size, upcoming_size in LIST_SIZES:
        seances(cell, coord, past=past_size - past, upcoming=upcoming_size - upcoming, offset=past)
        past, upcoming = past_size, upcoming_size
        count, page = measured(client, reverse("seances:index"), django_assert_max_num_queries, LIST_QUERIES)
        counts.append(count)
    assert counts[0] == counts[1], counts
    assert "Page 1 sur 2" in page


def test_the_attended_list_runs_the_same_queries_for_3_and_30_seances(
    client, cell, coord, member, django_assert_max_num_queries
):
    client.force_login(member)
    counts, done = [], 0
    for size, _ in LIST_SIZES:
        new = seances(cell, coord, past=size - done, upcoming=0, offset=done)
        done = size
        # Test setup: `member` recorded present (attendance_record is tested elsewhere).
        Attendance.objects.bulk_create(
            Attendance(seance=s, user=member, institution=member.institution, present=True) for s in new
        )
        count, page = measured(
            client, reverse("seances:index"), django_assert_max_num_queries, MEMBER_LIST_QUERIES
        )
        counts.append(count)
    assert counts[0] == counts[1], counts
    assert "Page 1 sur 2" in page
