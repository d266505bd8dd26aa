"""The access log: one row per display of nominative case data (domain.md §4.10).

`log_access` is the single writer. Every screen, API endpoint, export and
print that shows case data calls it with the cases it displays, right after
choosing them with `visible_cases` (which annotates `representation`). Lists
write all their rows in one query.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from casework.models import Case
from permissions.models import AccessLog

Channel = AccessLog.Channel

# Reason recorded for every display of a case read through a break-the-glass grant.
BREAK_GLASS_REASON = "bris de glace"


def log_access(*, user, cases: Case | Iterable[Case], channel: str, reason: str = "") -> list[AccessLog]:
    """Record that `user` was shown `cases` through `channel`.

    Each case must carry the `representation` it was shown in (as annotated
    by `visible_cases`): logging a case without one is a programming error.
    A case read through break-the-glass (`break_glass` annotation) is logged
    with the reason "bris de glace" unless a reason is given.
    """
    if isinstance(cases, Case):
        cases = [cases]
    channel = Channel(channel)
    rows = []
    for case in cases:
        representation = getattr(case, "representation", None)
        if not representation:
            raise ValueError(f"Case {case.pk} has no representation: fetch it through visible_cases().")
        rows.append(
            AccessLog(
                user_id=user.pk,  # ids, not instances: a list logs 50 rows per page
                case_id=case.pk,
                case_reference=case.reference,
                representation=str(representation),
                channel=channel,
                reason=reason or (BREAK_GLASS_REASON if getattr(case, "break_glass", False) else ""),
            )
        )
    return AccessLog.objects.bulk_create(rows)


def access_log_for_case(case: Case) -> QuerySet[AccessLog]:
    """The accesses to `case`, newest first. Callers check that the reader coordinates the case."""
    return AccessLog.objects.filter(case=case).select_related("user", "user__institution")
