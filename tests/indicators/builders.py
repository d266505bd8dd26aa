"""Test-setup builders for the indicators: decisions, measures, bilans and
closures written directly with the ORM (the step services are another issue's;
indicators only read these rows)."""

from datetime import date

from casework.models import (
    Bilan,
    Case,
    CddfReferral,
    Decision,
    RappelALOrdre,
    ReferentDesignation,
)
from casework.models.codes import Adhesion, Situation


def examine(case: Case, on: date, orientations=(), kind=Decision.Kind.ORIENTATION) -> Decision:
    Case.objects.filter(pk=case.pk).update(examined_on=on, status=Case.Status.ORIENTE)
    return Decision.objects.create(case=case, kind=kind, orientations=list(orientations), decided_on=on)


def rappel(case: Case, decision: Decision, *, held_on: date, outcome=RappelALOrdre.Outcome.REALISE):
    return RappelALOrdre.objects.create(
        case=case, decision=decision, held_on=held_on, outcome=outcome, opened_on=decision.decided_on
    )


def cddf(case: Case, decision: Decision, *, saisine_on: date, hearing_on=None, accompagnement="non_propose"):
    return CddfReferral.objects.create(
        case=case,
        decision=decision,
        saisine_on=saisine_on,
        hearing_on=hearing_on,
        accompagnement=accompagnement,
        opened_on=decision.decided_on,
    )


def designate(case: Case, decision: Decision, *, kind, designated_on, accepted_on=None, ended_on=None):
    return ReferentDesignation.objects.create(
        case=case,
        decision=decision,
        kind=kind,
        designated_on=designated_on,
        accepted_on=accepted_on,
        ended_on=ended_on,
        opened_on=decision.decided_on,
    )


def bilan(case: Case, *, presented_on: date, designation=None) -> Bilan:
    return Bilan.objects.create(
        case=case,
        designation=designation,
        period_start=presented_on,
        period_end=presented_on,
        adhesion=Adhesion.BONNE,
        situation=Situation.SCOLARISE,
        recommendation=Bilan.Recommendation.PROLONGER,
        presented_on=presented_on,
    )


def close(case: Case, *, on: date, reason: str) -> None:
    Case.objects.filter(pk=case.pk).update(closed_on=on, closure_reason=reason, status=Case.Status.CLOS)


def purge(case: Case) -> None:
    """What retention does to a case: identity gone, facts kept."""
    youth = case.youth
    Case.objects.filter(pk=case.pk).update(youth=None, status=Case.Status.PURGE, purged_on=date(2026, 12, 1))
    youth.delete()


def share_youth(case: Case, with_case: Case) -> None:
    """Link `case` to the youth of `with_case` (a youth signalled twice)."""
    orphan = case.youth
    Case.objects.filter(pk=case.pk).update(youth=with_case.youth_id, youth_number=with_case.youth_number)
    orphan.delete()
