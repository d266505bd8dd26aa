"""Step deadlines (settings defaults, per-partnership overrides) and pending steps."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casework.models import Case, Partnership, PendingStep, StepDeadline
from casework.services.errors import ServiceError
from casework.services.journal import journal_log

NON_POSITIVE_DELAY = "Un délai se compte en jours : indiquez un nombre au moins égal à 1."


def deadline_days(partnership: Partnership | None, step: str) -> int:
    """Days allowed for `step`: the partnership's override, else the settings default."""
    if partnership is not None:
        override = StepDeadline.objects.filter(partnership=partnership, step=step).values_list(
            "days", flat=True
        )
        if override:
            return override[0]
    return settings.CASEWORK_DEFAULT_DEADLINES[step]


def deadline_delta(partnership: Partnership | None, step: str) -> timedelta:
    return timedelta(days=deadline_days(partnership, step))


@transaction.atomic
def step_open(
    *, case: Case, step: str, due_on: date | None = None, deadline: str | None = None
) -> PendingStep:
    """Open a pending step of `case`: due on `due_on`, else today plus the
    `deadline` setting (named after the step by default)."""
    today = timezone.localdate()
    if due_on is None:
        due_on = today + deadline_delta(case.partnership, deadline or step)
    return PendingStep.objects.create(case=case, step=step, due_on=due_on, opened_on=today)


@transaction.atomic
def step_close(*, step_id: int) -> None:
    """Close a pending step (its task is done or canceled). Idempotent."""
    PendingStep.objects.filter(pk=step_id, closed_on__isnull=True).update(closed_on=timezone.localdate())


@transaction.atomic
def step_flag_overdue(*, step_id: int, by=None) -> PendingStep | None:
    """Flag a still-open step as overdue and journal it.

    Idempotent: a closed or already flagged step is left alone (returns None).
    """
    step = PendingStep.objects.select_for_update().filter(pk=step_id).first()
    if step is None or step.closed_on is not None or step.overdue_on is not None:
        return None
    step.overdue_on = timezone.localdate()
    step.save(update_fields=["overdue_on"])
    journal_log(
        case=step.case,
        actor=by,
        kind="overdue",
        summary=f"Échéance dépassée : {step.get_step_display()} (prévue le {step.due_on:%d/%m/%Y})",
        data={"step": step.step, "due_on": step.due_on.isoformat()},
    )
    return step


@transaction.atomic
def step_deadlines_set(*, partnership: Partnership, days_by_step: dict[str, int | None]) -> None:
    """Set (int) or drop (None, back to the default) the partnership's override of each step.

    Callers check who may do it (the partnership's coordinators) and that the
    values make sense together; this refuses only non-positive delays.
    """
    for step, days in days_by_step.items():
        if days is None:
            StepDeadline.objects.filter(partnership=partnership, step=step).delete()
            continue
        if days < 1:
            raise ServiceError(NON_POSITIVE_DELAY)
        StepDeadline.objects.update_or_create(partnership=partnership, step=step, defaults={"days": days})
