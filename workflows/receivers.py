"""The parcours follows what casework services do outside it."""

import logging

from django.dispatch import receiver
from viewflow.workflow.exceptions import FlowLockFailed, FlowRuntimeError
from viewflow.workflow.status import PROCESS, STATUS

from casework.models import ReferentDesignation
from casework.services.deadlines import step_close
from casework.services.errors import ServiceError
from casework.signals import case_closed_outside_parcours, referent_withdrawn
from workflows.models import CaseProcess, CaseTask

# The référent's tasks of each branch: their answer to the designation, then the follow-up.
REFERENT_TASKS = {
    ReferentDesignation.Kind.PARCOURS: ("accept", "followup"),
    ReferentDesignation.Kind.RECIDIVE: ("accept_recidive", "followup_recidive"),
}
PARCOURS_BUSY = (
    "Le parcours de la situation {case} est en cours de modification par un autre utilisateur : "
    "rien n'a été enregistré. Réessayez dans un instant."
)

logger = logging.getLogger(__name__)


@receiver(case_closed_outside_parcours, dispatch_uid="workflows.cancel_parcours")
def cancel_parcours(sender, case, **kwargs) -> None:
    """Cancel the case's open processes and their tasks (timers included).

    A process that viewflow refuses to cancel is logged (ids only) and left:
    the closure, and the purge that follows it, must not depend on the
    workflow engine; the task lists no longer show a closed case's tasks anyway.
    """
    for process in CaseProcess.objects.filter(case=case).exclude(status__in=[PROCESS.DONE, PROCESS.CANCELED]):
        try:
            process.flow_class.instance.cancel(process)
        except FlowRuntimeError:
            logger.warning("Parcours %s of case id %s could not be cancelled", process.pk, case.pk)


@receiver(referent_withdrawn, dispatch_uid="workflows.referent_withdrawn")
def close_withdrawn_referents_task(sender, case, kind, referent, **kwargs) -> None:
    """Close the withdrawn référent's open task of the `kind` branch, without
    running its service: the flow's own routing (`accepted(kind)` after the
    acceptance or the follow-up) then opens the designation task for the
    coordinators, as after a refusal. The task's pending step closes with it.

    Runs in the withdrawing transaction: if the parcours is locked by someone
    else, nothing is withdrawn (ServiceError) and the coordinator tries again.
    """
    names = REFERENT_TASKS[kind]
    for process in CaseProcess.objects.filter(case=case).exclude(status__in=[PROCESS.DONE, PROCESS.CANCELED]):
        flow_class = process.flow_class
        try:
            with flow_class.lock(process.pk):
                tasks = CaseTask.objects.filter(
                    process=process, owner=referent, status__in=[STATUS.ASSIGNED, STATUS.STARTED]
                ).order_by("id")
                for task in tasks:
                    if task.flow_task.name not in names:
                        continue
                    activation = task.flow_task.activation_class(task)
                    if task.status == STATUS.ASSIGNED:
                        activation.start(None)
                    step_id = task.data.get("step_id")
                    if step_id:
                        step_close(step_id=step_id)
                    activation.execute()
        except FlowLockFailed as exc:
            raise ServiceError(PARCOURS_BUSY.format(case=case.reference)) from exc
