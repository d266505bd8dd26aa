"""The access log: one row per display of nominative case data (domain.md §4.10).

`log_access` is the single writer. Every screen, API endpoint, export and
print that shows case data calls it with the cases it displays, right after
choosing them with `visible_cases` (which annotates `representation`). Lists
write all their rows in one query.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from casework.models import Case
from permissions.models import AccessLog

Channel = AccessLog.Channel

# Reason recorded for every display of a case read through a break-the-glass grant.
BREAK_GLASS_REASON = "bris de glace"


def log_access(*, user, cases: Case | Iterable[Case], channel: str, reason: str = "") -> int:
    """Record that `user` was shown `cases` through `channel`; returns the rows written.

    Each case must carry the `representation` it was shown in (as annotated
    by `visible_cases`): logging a case without one is a programming error.
    A case read through break-the-glass (`break_glass` annotation) is logged
    with the reason "bris de glace" unless a reason is given.

    One INSERT of all the rows, at one instant, in the caller's transaction
    or on its own: a list logs 50 rows on every page, and `bulk_create` cost
    four round trips (its own transaction) and a model instance per row.
    """
    if isinstance(cases, Case):
        cases = [cases]
    channel = Channel(channel)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for case in cases:
        representation = getattr(case, "representation", None)
        if not representation:
            raise ValueError(f"Case {case.pk} has no representation: fetch it through visible_cases().")
        row_reason = reason or (BREAK_GLASS_REASON if getattr(case, "break_glass", False) else "")
        rows.append((user.pk, case.pk, case.reference, str(representation), channel.value, row_reason, at))
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(len(rows)), [value for row in rows for value in row])
    return len(rows)


def _insert_sql(count: int) -> str:
    columns = ", ".join(
        connection.ops.quote_name(AccessLog._meta.get_field(name).column) for name in _COLUMNS
    )
    values = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * count)
    return f"INSERT INTO {connection.ops.quote_name(AccessLog._meta.db_table)} ({columns}) VALUES {values}"


_COLUMNS = ("user", "case", "case_reference", "representation", "channel", "reason", "at")


def access_log_for_case(case: Case) -> QuerySet[AccessLog]:
    """The accesses to `case`, newest first. Callers check that the reader coordinates the case."""
    return AccessLog.objects.filter(case=case).select_related("user", "user__institution")
