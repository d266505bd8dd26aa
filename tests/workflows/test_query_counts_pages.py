"""Query-count guards of the parcours pages and of the indicators API.

As in tests/test_query_counts.py (which guards the case list, case file,
journal, queue, inbox and the API case list and detail): each page is
requested with 5 and with 30 rows (tasks, cases or tasks of one process) and
must run the same number of queries both times, under a ceiling just above
the count measured here, so that a query added per row, or a new walk of the
rows, fails CI.

viewflow's task pages keep the page's path in the session on every request
(its StoreRequestPathMixin): the session write (SAVEPOINT, UPDATE, RELEASE)
is part of their counts. The pages that do not write the session get 3 more
queries of room for the idle timeout's refresh (permissions.idle).
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from tests.test_query_counts import SIZES, token_client
from tests.workflows.helpers import the_task
from workflows.services import task_complete

TODAY = timezone.localdate()
CLASSEMENT = {"kind": "classement", "classement_reason": "droit_commun", "decided_on": TODAY}
REORIENTER = {"outcome": "reorienter", "examined_on": TODAY, "closure_reason": "", "next_due_on": None}


def measured(client, url, django_assert_max_num_queries, ceiling: int, *, status: int = 200, data=None):
    """The number of queries of a second request of `url` (the first fills the
    process-wide caches), under `ceiling`, and its response."""
    client.get(url, data)
    with django_assert_max_num_queries(ceiling) as captured:
        response = client.get(url, data)
    assert response.status_code == status, response.content[:300]
    return len(captured.captured_queries), response


def grow_cases(signal, cases: list, total: int) -> list:
    """Signal cases (each starts its parcours) until `cases` holds `total`; the new ones."""
    new = [signal(last_name=f"Compte{index}") for index in range(len(cases), total)]
    cases += new
    return new


def grow_process(case, coord, total: int) -> int:
    """Run rounds of the parcours (examen → rappel à l'ordre → examen du bilan →
    réorientation, back to examen) until its process holds at least `total`
    tasks; their number."""
    process = case.processes.get()
    while process.task_set.count() < total:
        task_complete(
            task=the_task(case, "examen"),
            user=coord,
            data={"kind": "orientation", "orientations": ["rappel_ordre"], "decided_on": TODAY},
        )
        task_complete(task=the_task(case, "rappel"), user=coord, data={"outcome": "abandonne"})
        task_complete(task=the_task(case, "examen_bilan"), user=coord, data=REORIENTER)
    return process.task_set.count()


# --- Task lists -------------------------------------------------------------


# 11 queries: session, user, seats, the page's count, its rows (task,
# process, case in one), the inbox and queue badges, the bell, the session
# write (3). The kinds of task come from the flow (TaskListFilter), not from
# a query over the listed tasks.
TASK_LIST_QUERIES = 11


def test_task_list_runs_the_same_queries_for_5_and_30_cases(
    client, signal, coord, django_assert_max_num_queries
):
    client.force_login(coord)
    cases, counts, rows = [], [], []
    for size in SIZES:
        grow_cases(signal, cases, size)
        count, response = measured(
            client, reverse("case:task_list"), django_assert_max_num_queries, TASK_LIST_QUERIES
        )
        counts.append(count)
        rows.append(len(response.context["page_obj"].object_list))
    assert rows[0] < rows[1] == 25, rows  # a full page at 30 cases
    assert counts[0] == counts[1], counts


def test_task_list_filters_on_the_kind_of_task_and_its_status(client, signal, coord):
    """The task list's filters, with the kinds of task from the flow (TaskListFilter):
    a filtered list shows the open tasks, the done ones on asking for their status."""
    from viewflow.workflow.fields import get_task_ref

    from workflows.flows import CaseFlow

    client.force_login(coord)
    classified, waiting = signal(last_name="Classée"), signal(last_name="Attente")
    task_complete(task=the_task(classified, "examen"), user=coord, data=CLASSEMENT)
    examen = get_task_ref(CaseFlow.examen)

    def listed(**params):
        response = client.get(reverse("case:task_list"), params)
        assert response.status_code == 200
        choices = dict(response.context["view"].filterset.filters["flow_task"].field.choices)
        assert choices[examen] == "Examen en cellule"
        return {(task.process.caseprocess.case, task.status) for task in response.context["page_obj"]}

    assert listed(flow_task=examen) == {(waiting, STATUS.NEW)}
    assert listed(flow_task=examen, status=STATUS.DONE) == {(classified, STATUS.DONE)}


def test_task_list_pages_list_the_same_tasks_with_or_without_a_query_string(client, signal, coord):
    """The first page (no query string) and the next ones list the open tasks alike."""
    client.force_login(coord)
    cases = [signal(last_name=f"Page{n}") for n in range(27)]
    for case in cases[:2]:
        task_complete(task=the_task(case, "examen"), user=coord, data=CLASSEMENT)

    first = client.get(reverse("case:task_list"))
    second = client.get(reverse("case:task_list"), {"page": 2})

    count = first.context["paginator"].count
    assert second.status_code == 200 and second.context["paginator"].count == count
    listed = [*first.context["page_obj"], *second.context["page_obj"]]
    assert len(listed) == count and not any(task.finished for task in listed)
    assert {task.process.caseprocess.case for task in listed if task.flow_task.name == "examen"} == set(
        cases[2:]
    )
    last = second.context["paginator"].num_pages
    assert client.get(reverse("case:task_list"), {"page": last + 1}).status_code == 404


# 11 queries: session, user, seats, the page's count, its rows, the inbox and
# queue badges, the bell, the session write (3).
ARCHIVE_QUERIES = 12


def test_archive_runs_the_same_queries_for_5_and_30_finished_tasks(
    client, signal, coord, django_assert_max_num_queries
):
    client.force_login(coord)
    cases, counts, rows = [], [], []
    for size in SIZES:
        for case in grow_cases(signal, cases, size):
            task_complete(task=the_task(case, "examen"), user=coord, data=CLASSEMENT)
        count, response = measured(
            client, reverse("case:archive"), django_assert_max_num_queries, ARCHIVE_QUERIES
        )
        counts.append(count)
        rows.append(len(response.context["page_obj"].object_list))
    assert rows == [5, 25], rows  # the coordinator's examens, 25 a page
    assert counts[0] == counts[1], counts


# The process list redirects to our case list by design (workflows.views.flow):
# 3 queries (session, user, seats), + 3 of room for the session refresh.
def test_process_list_redirects_with_the_same_queries_for_5_and_30_cases(
    client, signal, coord, django_assert_max_num_queries
):
    client.force_login(coord)
    cases, counts = [], []
    for size in SIZES:
        grow_cases(signal, cases, size)
        count, response = measured(
            client, reverse("case:process_list"), django_assert_max_num_queries, 6, status=302
        )
        assert response["Location"] == reverse("situations:index")
        counts.append(count)
    assert counts[0] == counts[1], counts


# --- Pages of one process ---------------------------------------------------


# process_detail (a redirect to the case file by design, workflows.views.flow):
# 5 queries, session, user, seats, the case's visibility, its id.
# process_chart (viewflow's SVG): 5 queries, session, user, seats, the case's
# visibility, the process's tasks (one query for all).
# The examen's detail: 18 queries, session, user, seats, the case's visibility,
# the task in its process, viewflow's activation (task, process twice), the
# inbox and queue badges, the bell, the case, the previous and next tasks, the
# process and case again, the user's and their groups' permissions on the case.
# Each + 3 of room for the session refresh (none of them writes the session).
@pytest.mark.parametrize(
    ("page", "status", "ceiling"),
    [("case:process_detail", 302, 8), ("case:process_chart", 200, 8), ("case:examen:detail", 200, 21)],
)
def test_process_pages_run_the_same_queries_for_few_and_many_tasks(
    client, signal, coord, page, status, ceiling, django_assert_max_num_queries
):
    case = signal()
    process = case.processes.get()
    client.force_login(coord)
    counts, tasks = [], []
    for size in SIZES:
        tasks.append(grow_process(case, coord, size))
        args = [process.pk, the_task(case, "examen").pk] if page == "case:examen:detail" else [process.pk]
        count, response = measured(
            client, reverse(page, args=args), django_assert_max_num_queries, ceiling, status=status
        )
        counts.append(count)
        if page == "case:process_detail":
            assert response["Location"] == reverse("situations:detail", args=[case.pk])
        elif page == "case:process_chart":
            assert response["Content-Type"] == "image/svg+xml"
        else:
            assert "Examen en cellule" in response.content.decode()
    assert SIZES[0] <= tasks[0] < SIZES[1] <= tasks[1], tasks
    assert counts[0] == counts[1], counts


# --- Indicators API ---------------------------------------------------------


# Computed (no cache), with a token (no session): 4 queries for the token and
# the reader's scope (token and user in one, institution, seats,
# partnerships), then 12 aggregates over the territory's cases: 16; with a
# breakdown, 10 more (one per indicator family): 26.
@pytest.mark.parametrize(("group_by", "ceiling"), [(None, 17), ("orientation", 27)])
def test_api_indicators_run_the_same_queries_for_5_and_30_cases(
    signal, coord, group_by, ceiling, settings, django_assert_max_num_queries
):
    settings.INDICATORS_CACHE_SECONDS = 0  # computed on each request, not read from the cache
    client = token_client(coord)
    params = {"group_by": group_by} if group_by else {}
    cases, counts = [], []
    for size in SIZES:
        grow_cases(signal, cases, size)
        count, response = measured(
            client, "/api/v1/indicators/", django_assert_max_num_queries, ceiling, data=params
        )
        results = {(r["indicator"], r["group"]): r for r in response.json()["results"]}
        assert results[("youths_signalled", None)]["value"] == size
        counts.append(count)
    assert counts[0] == counts[1], counts
