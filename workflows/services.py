"""Driving CaseFlow from code: start a parcours, complete a task.

The HTTP task views and these functions share `complete_started`, so a task
does exactly the same thing from a browser, the demo seeding and the tests.
"""

from django.db import transaction
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from casework.models import Case
from casework.services.cases import case_signal
from casework.services.deadlines import step_close
from casework.services.errors import ServiceError
from workflows.handlers import HANDLERS

TASK_DONE = "Cette tâche a déjà été traitée, peut-être par un autre utilisateur : rien n'a été enregistré."
TASK_BUSY = (
    "Cette tâche est en cours de traitement par un autre utilisateur : rien n'a été enregistré. "
    "Réessayez dans un instant."
)
NOT_ALLOWED = "Vous n'êtes pas habilité à traiter cette tâche."


def case_flow_start(*, case: Case):
    """Start the parcours of a case signalled by a service (API, import, demo)."""
    from workflows.flows import CaseFlow

    return CaseFlow.start_api.run(case=case)


def case_signal_and_start(**signal_kwargs) -> Case:
    """`casework.services.cases.case_signal` followed by the start of its parcours."""
    with transaction.atomic():
        case = case_signal(**signal_kwargs)
        case_flow_start(case=case)
    return case


def complete_started(activation, user, data: dict) -> None:
    """Run the task's casework service, close its pending step and move the flow on.

    Call under the flow lock with the task STARTED. A ServiceError leaves
    nothing written (the service runs in a savepoint).
    """
    with transaction.atomic():
        HANDLERS[activation.flow_task.name](activation.process.case, user, data)
    step_id = activation.task.data.get("step_id")
    if step_id:
        step_close(step_id=step_id)
    activation.execute()


def task_complete(*, task, user, data: dict):
    """Assign (when still in the queue) and complete a human task as `user`.

    Raises ServiceError with a French message when the user may not, when the
    task was already done (two concurrent completions: one wins), or when
    another user holds the flow lock.
    """
    flow_class = task.flow_task.flow_class
    try:
        with flow_class.lock(task.process_id):
            task.refresh_from_db()
            activation = task.flow_task.activation_class(task)
            if task.status == STATUS.NEW:
                if not task.flow_task.can_assign(user, task):
                    raise ServiceError(NOT_ALLOWED)
                activation.assign(user)
            if task.status != STATUS.ASSIGNED:
                raise ServiceError(TASK_DONE)
            if not task.flow_task.can_execute(user, task):
                raise ServiceError(NOT_ALLOWED)
            activation.start(None)
            complete_started(activation, user, data)
    except FlowLockFailed as exc:
        raise ServiceError(TASK_BUSY) from exc
    return task
