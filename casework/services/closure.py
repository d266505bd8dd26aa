"""Closing a case: the cell's decision at the examen du bilan."""

from datetime import date

from django.conf import settings
from django.db import transaction

from casework.models import Case, MeasureStatus
from casework.models.codes import ClosureReason
from casework.services.dates import check_date
from casework.services.errors import ServiceError
from casework.services.journal import journal_log
from casework.services.referents import release_referent_access
from casework.services.transitions import require_status, set_status
from casework.signals import case_closed

NO_CLOSURE_REASON = "Indiquez le motif de clôture."
AGE_LIMIT_NOT_REACHED = (
    "Le motif « {label} » ne s'applique qu'à un jeune de {max_age} ans ou plus : ce jeune a {age} ans "
    "le {date:%d/%m/%Y}. Choisissez un autre motif."
)


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

    `on` is today or earlier, not before the signalement nor the examen
    (casework.services.dates); "25 ans atteints" needs a youth aged 25 on `on`.
    Ends its measures and designations and revokes the référents' access;
    the `case_closed` receivers withdraw its pending agenda items.
    """
    require_status(case, Case.Status.ORIENTE, Case.Status.BILAN)
    if reason not in ClosureReason.values or reason == ClosureReason.CLASSEMENT:
        raise ServiceError(NO_CLOSURE_REASON)
    check_date(
        on,
        what="La date de clôture",
        not_before=[(case.signaled_on, "le signalement"), (case.examined_on, "l'examen en cellule")],
    )
    if reason == ClosureReason.AGE_LIMITE:
        # The retention job closes at the 25th birthday with its own service
        # (retention.case_close_at_age_limit); the cell cannot close a younger youth so.
        age = case.youth.age_on(on)
        if age < settings.YOUTH_MAX_AGE:
            raise ServiceError(
                AGE_LIMIT_NOT_REACHED.format(
                    label=ClosureReason.AGE_LIMITE.label, max_age=settings.YOUTH_MAX_AGE, age=age, date=on
                )
            )
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
    case_closed.send(sender=Case, case=case, by=by)
    return case
