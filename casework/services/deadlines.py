from datetime import timedelta

from django.conf import settings

from casework.models import Partnership, StepDeadline


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
