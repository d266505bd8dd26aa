from viewflow.workflow.status import STATUS

from workflows.models import CaseTask


def active_tasks(case):
    """Open human tasks of the case's parcours, by node name."""
    tasks = CaseTask.objects.filter(
        process__caseprocess__case=case,
        flow_task_type="HUMAN",
        status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
    ).order_by("id")
    return {task.flow_task.name: task for task in tasks}


def the_task(case, name):
    tasks = active_tasks(case)
    assert name in tasks, f"{name} not in {sorted(tasks)}"
    return tasks[name]


def journal_kinds(case):
    return list(case.journal.order_by("at", "id").values_list("kind", flat=True))
