"""What each human task of CaseFlow does: call one casework service.

A handler takes the case, the acting user and the task form's cleaned data.
The HTTP task views and `workflows.services.task_complete` both go through
`HANDLERS`, so a step behaves the same from the browser, the demo and tests.
"""

from collections.abc import Callable

from django.utils import timezone

from casework.models import Case, ReferentDesignation
from casework.services import bilans, decisions, information, measures, referents
from casework.services.errors import TransitionNotAllowed

NO_MEASURE = "Aucune mesure en cours de ce type pour cette situation."


def _designation(case: Case, kind: str) -> ReferentDesignation:
    designation = referents.designation_of(case, kind)
    if designation is None:
        raise TransitionNotAllowed(NO_MEASURE)
    return designation


def examen(case, user, data):
    decisions.decision_record(
        case=case,
        kind=data["kind"],
        orientations=data.get("orientations") or [],
        classement_reason=data.get("classement_reason") or "",
        pilot_institution=data.get("pilot_institution"),
        decided_on=data["decided_on"],
        by=user,
    )


def rappel(case, user, data):
    measure = case.rappels.filter(status="en_cours").order_by("-id").first()
    if measure is None:
        raise TransitionNotAllowed(NO_MEASURE)
    measures.rappel_record(rappel=measure, by=user, **data)


def cddf(case, user, data):
    measure = case.cddf_referrals.filter(status="en_cours").order_by("-id").first()
    if measure is None:
        raise TransitionNotAllowed(NO_MEASURE)
    measures.cddf_record(cddf=measure, by=user, **data)


def _designate(kind):
    def handler(case, user, data):
        referents.referent_designate(
            designation=_designation(case, kind), referent=data["referent"], by=user, on=data["designated_on"]
        )

    return handler


def _accept(kind):
    def handler(case, user, data):
        if data.get("decision") == "refuser":
            referents.referent_decline(
                designation=_designation(case, kind),
                by=user,
                on=timezone.localdate(),
                reason=data.get("decline_reason") or "",
            )
            return
        # Who cannot be informed first: the date below then covers the others.
        if data.get("not_informed_addressee"):
            information.information_not_given(
                case=case,
                addressee=data["not_informed_addressee"],
                reason=data["not_informed_reason"],
                by=user,
            )
        if data.get("informed_on"):
            for addressee in information.missing_information(case, data["informed_on"]):
                information.information_record(
                    case=case,
                    addressee=addressee,
                    informed_on=data["informed_on"],
                    channel=data["information_channel"],
                    adhesion=data["information_adhesion"],
                    by=user,
                )
        referents.referent_accept(designation=_designation(case, kind), by=user, on=data["accepted_on"])

    return handler


def _bilan(kind):
    def handler(case, user, data):
        referents.bilan_submit(designation=_designation(case, kind), by=user, **data)

    return handler


def examen_bilan(case, user, data):
    bilans.bilan_examine(
        case=case,
        outcome=data["outcome"],
        by=user,
        on=data["examined_on"],
        closure_reason=data.get("closure_reason") or "",
        next_due_on=data.get("next_due_on"),
    )


PARCOURS, RECIDIVE = ReferentDesignation.Kind.PARCOURS, ReferentDesignation.Kind.RECIDIVE

HANDLERS: dict[str, Callable] = {
    "examen": examen,
    "rappel": rappel,
    "cddf": cddf,
    "designate": _designate(PARCOURS),
    "accept": _accept(PARCOURS),
    "followup": _bilan(PARCOURS),
    "designate_recidive": _designate(RECIDIVE),
    "accept_recidive": _accept(RECIDIVE),
    "followup_recidive": _bilan(RECIDIVE),
    "examen_bilan": examen_bilan,
}
