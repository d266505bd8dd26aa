"""Closing a case: the cell's decision at the examen du bilan."""

from datetime import date

from django.db import transaction

from casework.models import Case, MeasureStatus
from casework.models.codes import ClosureReason
from casework.services.errors import ServiceError
from casework.services.journal import journal_log
from casework.services.referents import release_referent_access
from casework.services.transitions import require_status, set_status

NO_CLOSURE_REASON = "Indiquez le motif de clôture."


def end_measures(case: Case, on: date, *, status: str = MeasureStatus.TERMINEE) -> None:
    """End every running measure and designation; the référents lose the full file."""
    for designation in case.designations.filter(ended_on__isnull=True).select_related("referent"):
        designation.ended_on = on
        if designation.status == MeasureStatus.EN_COURS:
            designation.status = status
        designation.save(update_fields=["ended_on", "status"])
        release_referent_access(designation)
    case.rappels.filter(status=MeasureStatus.EN_COURS).update(status=MeasureStatus.ABANDONNEE)
    case.cddf_referrals.filter(status=MeasureStatus.EN_COURS).update(status=MeasureStatus.ABANDONNEE)


@transaction.atomic
def case_close(*, case: Case, reason: str, by, on: date) -> Case:
    """Close a case under follow-up (ORIENTE or BILAN) with a coded reason.

    Ends its measures and designations and revokes the référents' access.
    """
    require_status(case, Case.Status.ORIENTE, Case.Status.BILAN)
    if reason not in ClosureReason.values or reason == ClosureReason.CLASSEMENT:
        raise ServiceError(NO_CLOSURE_REASON)
    end_measures(case, on)
    case.closed_on = on
    case.closure_reason = reason
    case.save(update_fields=["closed_on", "closure_reason", "updated_at"])
    previous = set_status(case, Case.Status.CLOS)
    journal_log(
        case=case,
        actor=by,
        kind="closure",
        summary=f"Clôture : {ClosureReason(reason).label}",
        from_status=previous,
        to_status=case.status,
        occurred_on=on,
        data={"closure_reason": reason},
    )
    return case
