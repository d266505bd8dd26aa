"""Rappel à l'ordre (CSI L132-7) and CDDF saisine (CASF L141-1/2)."""

from datetime import date

from django.db import transaction

from casework.models import Case, CddfReferral, MeasureStatus, RappelALOrdre
from casework.services.cases import age_on
from casework.services.dates import BEFORE, check_date
from casework.services.errors import ServiceError, TransitionNotAllowed
from casework.services.journal import journal_log
from casework.services.transitions import require_status

MEASURE_CLOSED = "Cette mesure est déjà terminée."
NO_OUTCOME = "Indiquez l'issue du rappel à l'ordre."
HELD_REQUIRED = "Indiquez la date à laquelle le rappel à l'ordre a été prononcé."
ELU_REQUIRED = "Indiquez l'élu qui a prononcé le rappel à l'ordre."
NOT_COVERED = (
    "Un rappel à l'ordre ne peut être prononcé que pour des faits couverts par le protocole conclu avec "
    "le parquet et ne constituant pas une infraction pénale (art. L132-7 du code de la sécurité "
    "intérieure) : confirmez-le, ou choisissez une autre issue."
)
PARENTS_REQUIRED = (
    "Le jeune était mineur le {date:%d/%m/%Y} : ses parents ou représentants légaux doivent être "
    "présents, sauf impossibilité dont le motif doit être indiqué."
)
HEARING_BEFORE_SAISINE = "L'audition de la famille ne peut pas précéder la saisine du CDDF."
SAISINE_REQUIRED = "Indiquez la date de saisine du CDDF."


def _require_open(measure) -> None:
    require_status(measure.case, Case.Status.ORIENTE)
    if measure.status != MeasureStatus.EN_COURS:
        raise TransitionNotAllowed(MEASURE_CLOSED)


@transaction.atomic
def rappel_record(
    *,
    rappel: RappelALOrdre,
    by,
    outcome: str,
    planned_on: date | None = None,
    held_on: date | None = None,
    elu: str = "",
    covered_by_protocol: bool = False,
    parents_present: bool | None = None,
    parents_absence_reason: str = "",
) -> RappelALOrdre:
    """Record the rappel à l'ordre and its outcome; the measure ends.

    When it was held (outcome réalisé): on a day between the cell's decision
    and today; for facts covered by the parquet protocol and not a criminal
    offence (CSI L132-7); and for a minor, the parents or legal representative
    must have been present, or the reason why not is required ("sauf
    impossibilité").
    """
    _require_open(rappel)
    if outcome not in RappelALOrdre.Outcome.values:
        raise ServiceError(NO_OUTCOME)
    if planned_on is not None and planned_on < rappel.decision.decided_on:
        # A convocation may be planned ahead (no bound in the future), never before the decision.
        raise ServiceError(
            BEFORE.format(
                what="La date prévue", event="la décision de la cellule", date=rappel.decision.decided_on
            )
        )
    if outcome == RappelALOrdre.Outcome.REALISE:
        if held_on is None:
            raise ServiceError(HELD_REQUIRED)
        check_date(
            held_on,
            what="La date du rappel à l'ordre",
            not_before=[(rappel.decision.decided_on, "la décision de la cellule")],
        )
        if not covered_by_protocol:
            raise ServiceError(NOT_COVERED)
        if not elu.strip():
            raise ServiceError(ELU_REQUIRED)
        youth = rappel.case.youth
        is_minor = youth is not None and age_on(youth.birth_date, held_on) < 18
        if is_minor and not parents_present and not parents_absence_reason.strip():
            raise ServiceError(PARENTS_REQUIRED.format(date=held_on))
    rappel.outcome = outcome
    rappel.planned_on = planned_on
    rappel.held_on = held_on if outcome == RappelALOrdre.Outcome.REALISE else None
    rappel.elu = elu.strip()
    rappel.covered_by_protocol = covered_by_protocol
    rappel.parents_present = parents_present
    rappel.parents_absence_reason = "" if parents_present else parents_absence_reason.strip()
    rappel.status = (
        MeasureStatus.ABANDONNEE if outcome == RappelALOrdre.Outcome.ABANDONNE else MeasureStatus.TERMINEE
    )
    rappel.full_clean()
    rappel.save()
    journal_log(
        case=rappel.case,
        actor=by,
        kind="measure",
        summary=f"Rappel à l'ordre : {rappel.get_outcome_display().lower()}",
        occurred_on=held_on or planned_on,
        data={"rappel": rappel.pk, "outcome": outcome},
    )
    return rappel


@transaction.atomic
def cddf_record(
    *,
    cddf: CddfReferral,
    by,
    saisine_on: date | None,
    hearing_on: date | None = None,
    recommendations: bool | None = None,
    accompagnement: str = CddfReferral.Accompagnement.NON_PROPOSE,
    attestation_on: date | None = None,
    aesf_proposed: bool = False,
) -> CddfReferral:
    """Record the CDDF saisine and its result; the measure ends.

    Every date is a day already lived, in order: the cell's decision, the
    saisine, the hearing of the family, the attestation.
    """
    _require_open(cddf)
    if saisine_on is None:
        raise ServiceError(SAISINE_REQUIRED)
    check_date(
        saisine_on,
        what="La date de saisine du CDDF",
        not_before=[(cddf.decision.decided_on, "la décision de la cellule")],
    )
    if hearing_on is not None and hearing_on < saisine_on:
        raise ServiceError(HEARING_BEFORE_SAISINE)
    if hearing_on is not None:
        check_date(hearing_on, what="La date d'audition de la famille")
    if attestation_on is not None:
        check_date(
            attestation_on,
            what="La date de l'attestation",
            not_before=[(hearing_on or saisine_on, "l'audition ou la saisine du CDDF")],
        )
    cddf.saisine_on = saisine_on
    cddf.hearing_on = hearing_on
    cddf.recommendations = recommendations
    cddf.accompagnement = accompagnement
    cddf.attestation_on = attestation_on
    cddf.aesf_proposed = aesf_proposed
    cddf.status = MeasureStatus.TERMINEE
    cddf.full_clean()
    cddf.save()
    journal_log(
        case=cddf.case,
        actor=by,
        kind="measure",
        summary=f"CDDF : accompagnement parental {cddf.get_accompagnement_display().lower()}",
        occurred_on=hearing_on or saisine_on,
        data={"cddf": cddf.pk, "accompagnement": accompagnement},
    )
    return cddf
