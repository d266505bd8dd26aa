"""One signal per lateness: overdue steps and stall flags merged for display.

Two mechanisms watch the same deadlines: the workflow's timer marks a pending
step overdue (casework.PendingStep, when its task is late), and the stall scan
opens a flag per rule (notifications.StallFlag), which also escalates. Both
read the same delays (casework.StepDeadline), so a late examen used to show
twice, "en retard" and "bloqué : signalement non examiné". Screens show the
flag, which carries the escalation level, and an overdue step only when no
open flag of its rule covers it (the rappel à l'ordre and the CDDF have no
stall rule: their overdue steps always show).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from casework.models import PendingStep
from notifications.models import StallFlag, StallLevel
from notifications.rules import rule_label

# The stall rule watching the same deadline as a pending step.
RULE_FOR_STEP = {
    PendingStep.Step.EXAMEN: "examen",
    PendingStep.Step.DESIGNATION: "referent_designation",
    PendingStep.Step.ACCEPTATION: "referent_acceptance",
    PendingStep.Step.SUIVI: "bilan_due",
    PendingStep.Step.EXAMEN_BILAN: "bilan_examen",
}
STEP_LABELS = dict(PendingStep.Step.choices)
LEVEL_LABELS = dict(StallLevel.choices)


@dataclass(frozen=True)
class Late:
    """A lateness as shown on screen (no nominative data: labels and dates)."""

    label: str  # "bloqué : …" or "en retard : …"
    since: date
    detail: str  # the escalation level, or "échéance dépassée"

    @property
    def title(self) -> str:
        return f"Depuis le {self.since:%d/%m/%Y} – {self.detail}"


class OpenFlag(NamedTuple):
    """What `late_items` reads of an open flag: a list page reads these
    tuples (`workflows.list_rows`), the case file the flags."""

    rule: str
    since: date
    level: int


def late_items(
    overdue_steps: Iterable[tuple[str, date]], open_flags: Iterable[StallFlag | OpenFlag]
) -> list[Late]:
    """The open flags (oldest first), then each overdue step `(step, due_on)`
    that no open flag of its rule covers."""
    flags = sorted(open_flags, key=lambda flag: (flag.since, flag.rule))
    covered = {flag.rule for flag in flags}
    items = [
        Late(
            label=f"bloqué : {rule_label(flag.rule).lower()}",
            since=flag.since,
            detail=LEVEL_LABELS.get(flag.level, ""),
        )
        for flag in flags
    ]
    items += [
        Late(
            label=f"en retard : {STEP_LABELS.get(step, step).lower()}",
            since=due_on,
            detail="échéance dépassée",
        )
        for step, due_on in sorted(overdue_steps, key=lambda pair: pair[1])
        if RULE_FOR_STEP.get(step) not in covered
    ]
    return items
