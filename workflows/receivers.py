"""The parcours follows what casework services do outside it."""

import logging

from django.dispatch import receiver
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.status import PROCESS

from casework.signals import case_closed_outside_parcours
from workflows.models import CaseProcess

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
