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
        rows.append((case.pk, case.reference, str(representation), row_reason))
    if rows:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One array per column: 4 parameters instead of 7 per row (a
                # list page's 350 cost psycopg ~4 ms to adapt, see bench/).
                # Columns in _COLUMNS order, as the SQL below selects them.
                columns = [[row[index] for row in rows] for index in range(4)]
                cursor.execute(_insert_arrays_sql(), [user.pk, channel.value, at, *columns])
            else:
                cursor.execute(
                    _insert_values_sql(len(rows)),
                    [value for row in rows for value in (user.pk, *row[:3], channel.value, row[3], at)],
                )
    return len(rows)


def _table_and_columns() -> tuple[str, str]:
    columns = ", ".join(
        connection.ops.quote_name(AccessLog._meta.get_field(name).column) for name in _COLUMNS
    )
    return connection.ops.quote_name(AccessLog._meta.db_table), columns


def _insert_values_sql(count: int) -> str:
    table, columns = _table_and_columns()
    values = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * count)
    return f"INSERT INTO {table} ({columns}) VALUES {values}"


def _insert_arrays_sql() -> str:
    """PostgreSQL: the per-row columns (case, reference, representation, reason)
    as arrays unnested in step; user, channel and instant once."""
    table, columns = _table_and_columns()
    return (
        f"INSERT INTO {table} ({columns}) SELECT %s, r.case_id, r.reference, r.representation, %s, r.reason, %s"
        " FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], %s::varchar[])"
        " AS r(case_id, reference, representation, reason)"
    )


_COLUMNS = ("user", "case", "case_reference", "representation", "channel", "reason", "at")


def access_log_for_case(case: Case) -> QuerySet[AccessLog]:
    """The accesses to `case`, newest first. Callers check that the reader coordinates the case."""
    return AccessLog.objects.filter(case=case).select_related("user", "user__institution")
