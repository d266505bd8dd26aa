"""SQL building blocks for the indicators: median, day differences, age bands,
orientation tests. PostgreSQL is the production database; SQLite (the demo)
gets portable equivalents where PostgreSQL has a native one."""

from django.db import NotSupportedError
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Cast, Coalesce

from casework.models import Decision


class Median(Aggregate):
    """percentile_cont(0.5): PostgreSQL only (see `supports_median`)."""

    name = "Median"
    function = "percentile_cont"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            raise NotSupportedError("Median is computed in SQL on PostgreSQL only.")
        return super().as_sql(compiler, connection, **extra_context)


def supports_median(connection) -> bool:
    return connection.vendor == "postgresql"


class DaysBetween(Func):
    """Whole days from `start` to `end` (two date expressions): end − start."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, start, end):
        # Stored as (end, start) so that the SQL reads "end - start".
        super().__init__(end, start)

    def as_postgresql(self, compiler, connection, **extra_context):
        # date - date is an integer number of days in PostgreSQL.
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


AGE_BANDS = ("12-15", "16-17", "18-25")


def age_band_expression(field: str) -> CaseWhen:
    """SQL twin of casework.models.codes.age_band (tests check they agree)."""
    return CaseWhen(
        When(**{f"{field}__lt": 16}, then=Value(AGE_BANDS[0])),
        When(**{f"{field}__lt": 18}, then=Value(AGE_BANDS[1])),
        default=Value(AGE_BANDS[2]),
        output_field=TextField(),
    )


def youth_unit(prefix: str = "") -> Coalesce:
    """What a "distinct youth" is: the case's pseudonymous youth number (kept
    after a purge), else the case itself, negated so it cannot clash."""
    return Coalesce(F(f"{prefix}youth_number"), F(f"{prefix}id") * -1, output_field=BigIntegerField())


def has_orientation(code: str, case_ref: str, connection) -> Exists:
    """True when a decision of the case (OuterRef `case_ref`) includes orientation `code`."""
    decisions = Decision.objects.filter(case_id=OuterRef(case_ref))
    if connection.features.supports_json_field_contains:
        decisions = decisions.filter(orientations__contains=[code])
    else:
        # JSON text match: codes are distinct quoted words, so '"code"' is exact.
        decisions = decisions.annotate(_orientations_text=Cast("orientations", TextField())).filter(
            _orientations_text__contains=f'"{code}"'
        )
    return Exists(decisions)


def q_and(*conditions) -> Q | None:
    """AND of the non-None conditions, or None."""
    out = None
    for condition in conditions:
        if condition is None:
            continue
        out = condition if out is None else out & condition
    return out
