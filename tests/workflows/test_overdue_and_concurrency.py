"""Database timers flag overdue steps; the flow lock lets one completion win."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from casework.models import PendingStep
from casework.services.errors import ServiceError
from tests.workflows.helpers import active_tasks, journal_kinds, the_task
from workflows.models import CaseTask
from workflows.services import task_complete

TODAY = timezone.localdate()


def test_an_overdue_examen_is_flagged_by_the_timer_and_the_task_stays_open(signal, coord):
    case = signal(signaled_on=TODAY - timedelta(days=40))  # examen due 30 days after the signalement
    timer = CaseTask.objects.get(process__caseprocess__case=case, flow_task_type="TIMER")
    assert timer.status == STATUS.SCHEDULED
    assert fire_due_timers() == 1
    step = case.pending_steps.get()
    assert step.is_overdue
    assert journal_kinds(case) == ["signalement", "overdue"]
    assert list(active_tasks(case)) == ["examen"]  # non-interrupting
    assert fire_due_timers() == 0  # fired once

    task_complete(
        task=the_task(case, "examen"),
        user=coord,
        data={"kind": "orientation", "orientations": ["cddf"], "decided_on": TODAY},
    )
    step.refresh_from_db()
    assert step.closed_on == TODAY and not step.is_overdue


def test_a_step_not_yet_due_is_not_flagged(signal):
    case = signal()
    assert fire_due_timers() == 0
    assert not PendingStep.objects.filter(case=case).overdue().exists()


def test_a_done_task_disarms_its_timer(signal, coord):
    case = signal()
    task_complete(
        task=the_task(case, "examen"),
        user=coord,
        data={"kind": "classement", "classement_reason": "hors_champ", "decided_on": TODAY},
    )
    timer = CaseTask.objects.get(process__caseprocess__case=case, flow_task_type="TIMER")
    assert timer.status == STATUS.CANCELED


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_completions_leave_one_winner_and_a_french_error(signal, coord):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL (select_for_update).")
    case = signal()
    task = the_task(case, "examen")
    start = threading.Barrier(2)
    results: list[object] = []

    def complete():
        try:
            start.wait()
            task_complete(
                task=CaseTask.objects.get(pk=task.pk),
                user=coord,
                data={"kind": "orientation", "orientations": ["cddf"], "decided_on": TODAY},
            )
            results.append("ok")
        except ServiceError as exc:
            results.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results, key=lambda r: r != "ok")[0] == "ok"
    assert results.count("ok") == 1
    loser = next(r for r in results if r != "ok")
    assert "rien n'a été enregistré" in loser
    assert case.decisions.count() == 1
    assert list(active_tasks(case)) == ["cddf"]
