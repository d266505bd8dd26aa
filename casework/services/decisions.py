"""Examen en cellule: the coordinator records the cell's decision."""

from datetime import date

from django.db import transaction

from casework.models import (
    Case,
    CddfReferral,
    Decision,
    Institution,
    RappelALOrdre,
    ReferentDesignation,
)
from casework.models.codes import ClassementReason, ClosureReason, Orientation
from casework.selectors import partnership_institutions
from casework.services.dates import check_date
from casework.services.errors import ServiceError
from casework.services.journal import journal_log
from casework.services.transitions import require_status, set_status
from casework.signals import case_closed

NO_ORIENTATION = "Choisissez au moins une orientation, ou classez la situation."
NO_CLASSEMENT_REASON = "Indiquez le motif du classement."
ORIENTATIONS_WITH_CLASSEMENT = "Un classement ne comporte pas d'orientation."
UNKNOWN_ORIENTATION = "Orientation inconnue : {code}."
PILOT_OUTSIDE_TERRITORY = "L'institution pilote doit relever du département du partenariat."


@transaction.atomic
def decision_record(
    *,
    case: Case,
    kind: str,
    decided_on: date,
    by,
    orientations: list[str] | None = None,
    classement_reason: str = "",
    pilot_institution: Institution | None = None,
) -> Decision:
    """Record the examen's decision on a case waiting for examen (status SIGNALE).

    - classement (with a coded reason): the case is closed at once (and the
      `case_closed` receivers withdraw its pending agenda items);
    - orientation (one or more of Orientation): the case becomes ORIENTE and
      one measure row is opened per orientation (rappel à l'ordre, CDDF
      saisine, référent de parcours designation, récidive designation).
    """
    require_status(case, Case.Status.SIGNALE)
    orientations = list(dict.fromkeys(orientations or []))
    check_date(decided_on, what="La date de décision", not_before=[(case.signaled_on, "le signalement")])
    for code in orientations:
        if code not in Orientation.values:
            raise ServiceError(UNKNOWN_ORIENTATION.format(code=code))
    if kind == Decision.Kind.CLASSEMENT:
        if orientations:
            raise ServiceError(ORIENTATIONS_WITH_CLASSEMENT)
        if classement_reason not in ClassementReason.values:
            raise ServiceError(NO_CLASSEMENT_REASON)
    elif not orientations:
        raise ServiceError(NO_ORIENTATION)
    if (
        pilot_institution is not None
        and not partnership_institutions(case.partnership_id).filter(pk=pilot_institution.pk).exists()
    ):
        # The forms offer only these; a caller that bypasses them is refused too.
        raise ServiceError(PILOT_OUTSIDE_TERRITORY)

    decision = Decision.objects.create(
        case=case,
        kind=kind,
        orientations=orientations,
        classement_reason=classement_reason if kind == Decision.Kind.CLASSEMENT else "",
        pilot_institution=pilot_institution,
        decided_on=decided_on,
        decided_by=by,
    )
    if case.examined_on is None:
        case.examined_on = decided_on
        case.save(update_fields=["examined_on", "updated_at"])

    if kind == Decision.Kind.CLASSEMENT:
        case.closed_on = decided_on
        case.closure_reason = ClosureReason.CLASSEMENT
        case.save(update_fields=["closed_on", "closure_reason", "updated_at"])
        previous = set_status(case, Case.Status.CLOS)
        journal_log(
            case=case,
            actor=by,
            kind="decision",
            summary=f"Classement : {ClassementReason(classement_reason).label}",
            from_status=previous,
            to_status=case.status,
            occurred_on=decided_on,
            data={"decision": decision.pk, "classement_reason": classement_reason},
        )
        case_closed.send(sender=Case, case=case, by=by)
        return decision

    for code in orientations:
        _open_measure(case, decision, code, decided_on)
    previous = set_status(case, Case.Status.ORIENTE)
    journal_log(
        case=case,
        actor=by,
        kind="decision",
        summary="Orientation : " + ", ".join(decision.orientation_labels()),
        from_status=previous,
        to_status=case.status,
        occurred_on=decided_on,
        data={"decision": decision.pk, "orientations": orientations},
    )
    return decision


def _open_measure(case: Case, decision: Decision, code: str, on: date) -> None:
    if code == Orientation.RAPPEL_ORDRE:
        RappelALOrdre.objects.create(case=case, decision=decision, opened_on=on)
    elif code == Orientation.CDDF:
        CddfReferral.objects.create(case=case, decision=decision, opened_on=on)
    elif code == Orientation.REFERENT:
        ReferentDesignation.objects.create(
            case=case, decision=decision, kind=ReferentDesignation.Kind.PARCOURS, opened_on=on
        )
    elif code == Orientation.RECIDIVE:
        ReferentDesignation.objects.create(
            case=case, decision=decision, kind=ReferentDesignation.Kind.RECIDIVE, opened_on=on
        )


def latest_decision(case: Case) -> Decision | None:
    return case.decisions.order_by("-id").first()
