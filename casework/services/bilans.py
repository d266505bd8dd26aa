"""Examen du bilan en cellule: clore, prolonger or réorienter."""

from datetime import date

from django.db import transaction
from django.db.models import Max

from casework.models import Bilan, Case
from casework.services.closure import case_close, end_measures
from casework.services.dates import check_date
from casework.services.errors import ServiceError
from casework.services.journal import journal_log
from casework.services.referents import current_designations
from casework.services.transitions import require_status, set_status

NEW_DUE_REQUIRED = "Indiquez la nouvelle échéance du bilan."
NEW_DUE_IN_PAST = "La nouvelle échéance doit être postérieure à la date d'examen."
NOTHING_TO_PROLONG = (
    "Aucun suivi par un référent n'est en cours : la situation ne peut pas être prolongée. "
    "Choisissez la clôture ou la réorientation."
)
UNKNOWN_OUTCOME = "Décision inconnue."


@transaction.atomic
def case_await_bilan_examen(*, case: Case, by=None) -> Case:
    """Every measure ordered by the cell is done: the case waits for its examen du bilan."""
    require_status(case, Case.Status.ORIENTE)
    previous = set_status(case, Case.Status.BILAN)
    journal_log(
        case=case,
        actor=by,
        kind="status",
        summary="Mesures terminées : bilan à examiner en cellule",
        from_status=previous,
        to_status=case.status,
    )
    return case


@transaction.atomic
def bilan_examine(
    *,
    case: Case,
    outcome: str,
    by,
    on: date,
    closure_reason: str = "",
    next_due_on: date | None = None,
) -> Case:
    """Record the cell's decision on the bilans (case in status BILAN), examined on `on`:
    today or earlier, not before the signalement nor the bilans' remise.

    - clore: the case is closed with `closure_reason` (case_close);
    - prolonger: the current référents go on; the next bilan is due on
      `next_due_on`; status back to ORIENTE;
    - réorienter: every measure ends, référents lose access; the case goes
      back to examen (status SIGNALE) for a new decision.
    """
    require_status(case, Case.Status.BILAN)
    if outcome not in Bilan.CellDecision.values:
        raise ServiceError(UNKNOWN_OUTCOME)
    pending = case.bilans.filter(examined_on__isnull=True)
    check_date(
        on,
        what="La date de l'examen du bilan",
        not_before=[
            (case.signaled_on, "le signalement"),
            (pending.aggregate(last=Max("presented_on"))["last"], "la remise du bilan"),
        ],
    )
    designations = list(current_designations(case))
    if outcome == Bilan.CellDecision.PROLONGER:
        if next_due_on is None:
            raise ServiceError(NEW_DUE_REQUIRED)
        if next_due_on <= on:
            raise ServiceError(NEW_DUE_IN_PAST)
        if not designations:
            raise ServiceError(NOTHING_TO_PROLONG)
    pending.update(examined_on=on, cell_decision=outcome)

    if outcome == Bilan.CellDecision.CLORE:
        return case_close(case=case, reason=closure_reason, by=by, on=on)

    if outcome == Bilan.CellDecision.PROLONGER:
        for designation in designations:
            designation.next_bilan_due_on = next_due_on
            designation.save(update_fields=["next_bilan_due_on"])
        previous = set_status(case, Case.Status.ORIENTE)
        summary = f"Examen du bilan : suivi prolongé, prochain bilan le {next_due_on:%d/%m/%Y}"
    else:
        end_measures(case, on)
        previous = set_status(case, Case.Status.SIGNALE)
        summary = "Examen du bilan : réorientation, nouvel examen en cellule"
    journal_log(
        case=case,
        actor=by,
        kind="bilan_examen",
        summary=summary,
        from_status=previous,
        to_status=case.status,
        occurred_on=on,
        data={"outcome": outcome},
    )
    return case
