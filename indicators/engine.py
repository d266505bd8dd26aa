"""Computing the raw indicator rows: one SQL aggregate query per family of
indicators (and per breakdown), never a Python loop over cases (but see
`compute_cube` below).

`compute(territory, period, group_by)` returns, for every indicator, a total
row (group None) and, when `group_by` is given, one row per group, zero-filled
so that every table has the same shape whatever the data. Values are raw:
masking small counts is `indicators.suppression`'s job.

Breakdowns follow the case: profil, sex and age band (age at signalement) are
the case's facts; "orientation" counts a row under each orientation decided
for its case at any examen (a case oriented to a rappel and a référent counts
under both, so these groups do not add up to the total). "month" groups event
indicators by the month of their date (state indicators, whose value is a
stock over the period, have no monthly rows). "cell" and "partnership" split
the territory into its sub-territories.

For a period still running, events dated after today (a data-entry slip, a
date planned ahead) are not counted, so that totals and monthly series agree.

`compute_cube(partnership, period, group_by)` is the input of the joint mask
(`indicators.suppression`, rule 4): the figures that may be masked, for the
partnership and each cell × the year, its semesters and months × the groups.
It runs one query per family, listing the year's rows (not aggregates), and
counts them in Python into every sub-period by the family's period rule
(`_Dated`, the same statement as the SQL filter): a partnership's year is a
few thousand rows, and fourteen more rounds of aggregates would cost more.
Its values equal `compute`'s, territory by territory and period by period.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Least, TruncMonth
from django.utils import timezone

from casework.models import (
    Bilan,
    Case,
    CddfReferral,
    Decision,
    Membership,
    RappelALOrdre,
    ReferentDesignation,
)
from casework.models.codes import ClosureReason, Orientation, Profil
from casework.models.youth import Youth
from indicators.definitions import CLOSURE_PREFIX, INDICATORS
from indicators.periods import Period, parse_period
from indicators.sql import (
    AGE_BANDS,
    DaysBetween,
    Median,
    age_band_expression,
    has_orientation,
    q_and,
    youth_unit,
)
from indicators.sql import supports_median as _supports_median
from indicators.territories import Territory, parse_territory
from meetings.models import Seance
from notifications.models import StallFlag
from permissions.models import Charter, CharterSignature

GROUP_BY = ("profil", "age_band", "sex", "orientation")
# Extra dimensions the dashboard uses (monthly series, split by sub-territory).
DASHBOARD_GROUP_BY = ("month", "cell", "partnership")
GROUP_LABELS = {
    "profil": "Profil",
    "age_band": "Tranche d'âge",
    "sex": "Sexe",
    "orientation": "Orientation",
    "month": "Mois",
    "cell": "Cellule",
    "partnership": "CLSPD / CISPD",
}

INVALID_GROUP_BY = "Ventilation invalide « {group_by} » : attendu profil, age_band, sex ou orientation."

# A date after every period: "no such bilan" in _first_bilan_delay.
NEVER = date.max


class Row(NamedTuple):
    indicator: str
    group: str | None  # None: the total for the territory and period
    value: int | float | None  # None: undefined (a median or a percentage of nothing)


@dataclass
class _Context:
    territory: Territory
    period: Period
    dimension: str | None
    today: date
    connection: object
    totals: bool = True
    groups: list[str] = field(default_factory=list)

    @property
    def end(self) -> date:
        """Exclusive end of the events counted: the period's, or tomorrow for a
        period still running (a date in the future is not an event yet)."""
        return min(self.period.end, self.today + timedelta(days=1))


@dataclass(frozen=True)
class _Measure:
    """An aggregate over a family's rows: called with an extra filter (or None)
    it is the SQL aggregate; its parts let `compute_cube` count the same rows."""

    kind: str  # "count" | "median"
    expression: object  # what is counted (a field name or an expression), or the delay
    distinct: bool = False
    where: Q | None = None

    def __call__(self, extra: Q | None):
        condition = q_and(self.where, extra)
        if self.kind == "median":
            return Median(self.expression, filter=condition)
        return Count(self.expression, distinct=self.distinct, filter=condition)


@dataclass(frozen=True)
class _Dated:
    """When a family's row counts in a period [start, end): the period rule of
    the family, stated once for the SQL filter (`q`) and for `compute_cube`
    (`holds`). An event counts when `on` falls in the period; a state (with
    `until`) when it began before the period ended and had not ended (`until`,
    last day, None: still on) before the period began. `fresh`: a youth counts
    only in the period of their first signalement in the partnership: `q`
    leaves that to the family's own `earlier` test, `holds` to the caller."""

    on: str
    until: str | None = None
    fresh: bool = False

    def q(self, start: date, end: date) -> Q:
        if self.until is None:
            return Q(**{f"{self.on}__gte": start, f"{self.on}__lt": end})
        return Q(**{f"{self.on}__lt": end}) & (
            Q(**{f"{self.until}__isnull": True}) | Q(**{f"{self.until}__gte": start})
        )

    def holds(self, on: date, until: date | None, start: date, end: date) -> bool:
        if self.until is None:
            return start <= on < end
        return on < end and (until is None or until >= start)


@dataclass(frozen=True)
class _Source:
    """A filtered queryset, its measures, and how its rows group by dimension."""

    queryset: QuerySet
    measures: dict[str, _Measure]
    groupers: dict[str, object]
    orientation_ref: str | None = None  # OuterRef to the case, when orientations apply
    dated: _Dated | None = None  # how rows fall in periods (None: cells and members)


def _case_groupers(prefix: str, event_date=None) -> dict[str, object]:
    groupers = {
        "profil": F(f"{prefix}profil"),
        "sex": F(f"{prefix}sex"),
        "age_band": age_band_expression(f"{prefix}age_at_signalement"),
        "cell": F(f"{prefix}cell_id"),
        "partnership": F(f"{prefix}partnership_id"),
    }
    if event_date is not None:
        groupers["month"] = TruncMonth(event_date)
    return groupers


def _count(expression="pk", *, distinct=False, where: Q | None = None) -> _Measure:
    return _Measure("count", expression, distinct, where)


def _group_key(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return f"{value:%Y-%m}"
    return str(value)


def _normalise(code: str, value):
    if INDICATORS[code].kind == "median":
        return None if value is None else round(float(value), 1)
    return int(value or 0)


def _orientation_conditions(ctx: _Context, case_ref: str) -> list[tuple[str, Q]]:
    return [(o.value, Q(has_orientation(o.value, case_ref, ctx.connection))) for o in Orientation]


def _rows_for(source: _Source, ctx: _Context) -> list[Row]:
    """Total rows, then (zero-filled) group rows, for every measure of `source`."""
    codes = list(source.measures)
    aliases = {f"m{i}": code for i, code in enumerate(codes)}
    rows = []
    if ctx.totals:
        totals = source.queryset.aggregate(**{a: source.measures[c](None) for a, c in aliases.items()})
        rows = [Row(code, None, _normalise(code, totals[alias])) for alias, code in aliases.items()]
    dimension = ctx.dimension
    if dimension is None:
        return rows
    found: dict[str, dict] = {}
    if dimension == "orientation":
        if source.orientation_ref is None:
            return rows
        conditions = _orientation_conditions(ctx, source.orientation_ref)
        # The tests are selected as columns, not written into each FILTER: when
        # Django wraps the aggregate in a subquery (annotations that are
        # subqueries themselves), the outer query can only see columns.
        flags = {
            f"_o{j}": ExpressionWrapper(c, output_field=BooleanField()) for j, (_, c) in enumerate(conditions)
        }
        result = source.queryset.annotate(**flags).aggregate(
            **{
                f"{alias}_{j}": source.measures[code](Q(**{f"_o{j}": True}))
                for alias, code in aliases.items()
                for j in range(len(conditions))
            }
        )
        for j, (group, _) in enumerate(conditions):
            found[group] = {alias: result[f"{alias}_{j}"] for alias in aliases}
    else:
        grouper = source.groupers.get(dimension)
        if grouper is None:
            return rows  # this family has no such breakdown (e.g. a stock by month)
        grouped = (
            source.queryset.annotate(_group=grouper)
            .values("_group")
            .annotate(**{a: source.measures[c](None) for a, c in aliases.items()})
            .order_by()
        )
        found = {_group_key(row["_group"]): row for row in grouped}
    for group in _ordered_groups(ctx.groups, found):
        values = found.get(group, {})
        rows.extend(Row(code, group, _normalise(code, values.get(alias))) for alias, code in aliases.items())
    return rows


def _ordered_groups(expected: list[str], found) -> list[str]:
    extra = sorted(g for g in found if g is not None and g not in expected)
    return [*expected, *extra]


# --- Families of indicators -------------------------------------------------


def _youths_signalled(ctx: _Context) -> _Source:
    period = ctx.period
    earlier = Case.objects.filter(
        youth_number=OuterRef("youth_number"),
        partnership_id=OuterRef("partnership_id"),
        signaled_on__lt=period.start,
    )
    queryset = Case.objects.filter(
        ctx.territory.case_q(), signaled_on__gte=period.start, signaled_on__lt=ctx.end
    ).filter(~Exists(earlier))
    return _Source(
        queryset,
        {"youths_signalled": _count(youth_unit(), distinct=True)},
        _case_groupers("", "signaled_on"),
        orientation_ref="pk",
        # The `earlier` test, restated for a sub-period of the period: its
        # rows hold every signalement of their youth since the period began.
        dated=_Dated("signaled_on", fresh=True),
    )


def _rappels(ctx: _Context) -> _Source:
    dated = _Dated("held_on")
    queryset = RappelALOrdre.objects.filter(
        ctx.territory.case_q("case__"),
        dated.q(ctx.period.start, ctx.end),
        outcome=RappelALOrdre.Outcome.REALISE,
    )
    return _Source(
        queryset, {"rappels_held": _count()}, _case_groupers("case__", "held_on"), "case_id", dated
    )


def _cddf_referrals(ctx: _Context) -> _Source:
    dated = _Dated("saisine_on")
    queryset = CddfReferral.objects.filter(ctx.territory.case_q("case__"), dated.q(ctx.period.start, ctx.end))
    return _Source(
        queryset, {"cddf_referrals": _count()}, _case_groupers("case__", "saisine_on"), "case_id", dated
    )


def _parental_support(ctx: _Context) -> _Source:
    dated = _Dated("_dated_on")
    queryset = (
        CddfReferral.objects.filter(
            ctx.territory.case_q("case__"), accompagnement=CddfReferral.Accompagnement.ACCEPTE
        )
        .annotate(_dated_on=Coalesce("hearing_on", "saisine_on", "opened_on"))
        .filter(dated.q(ctx.period.start, ctx.end))
    )
    return _Source(
        queryset,
        {"parental_support_accepted": _count()},
        _case_groupers("case__", F("_dated_on")),
        "case_id",
        dated,
    )


def _followups(ctx: _Context) -> _Source:
    """Designations accepted before the period ends and not ended before it starts."""
    dated = _Dated("accepted_on", until="ended_on")
    queryset = ReferentDesignation.objects.filter(
        ctx.territory.case_q("case__"), dated.q(ctx.period.start, ctx.end), accepted_on__isnull=False
    )
    unit = youth_unit("case__")
    kinds = ReferentDesignation.Kind
    return _Source(
        queryset,
        {
            "followups_referent": _count(unit, distinct=True, where=Q(kind=kinds.PARCOURS)),
            "followups_recidive": _count(unit, distinct=True, where=Q(kind=kinds.RECIDIVE)),
        },
        _case_groupers("case__"),  # a stock: no monthly rows
        "case_id",
        dated,
    )


def _bilans(ctx: _Context) -> _Source:
    dated = _Dated("presented_on")
    queryset = Bilan.objects.filter(ctx.territory.case_q("case__"), dated.q(ctx.period.start, ctx.end))
    return _Source(
        queryset, {"bilans_presented": _count()}, _case_groupers("case__", "presented_on"), "case_id", dated
    )


def _closures(ctx: _Context) -> _Source:
    dated = _Dated("closed_on")
    queryset = Case.objects.filter(ctx.territory.case_q(), dated.q(ctx.period.start, ctx.end))
    measures = {"closures": _count()}
    for reason in ClosureReason:
        measures[f"{CLOSURE_PREFIX}{reason.value}"] = _count(where=Q(closure_reason=reason.value))
    return _Source(queryset, measures, _case_groupers("", "closed_on"), "pk", dated)


def _stalled(ctx: _Context) -> _Source:
    """Cases with a stall flag open on at least one day of the period."""
    dated = _Dated("since", until="cleared_at__date")
    queryset = StallFlag.objects.filter(ctx.territory.case_q("case__"), dated.q(ctx.period.start, ctx.end))
    return _Source(
        queryset,
        {"stalled_cases": _count("case_id", distinct=True)},
        _case_groupers("case__"),
        "case_id",
        dated,
    )


def _median(delay, where: Q | None = None) -> _Measure:
    return _Measure("median", delay, where=where)


def _examen_delay(ctx: _Context) -> tuple[_Source, object]:
    dated = _Dated("examined_on")
    queryset = Case.objects.filter(ctx.territory.case_q(), dated.q(ctx.period.start, ctx.end))
    delay = DaysBetween(F("signaled_on"), F("examined_on"))
    source = _Source(
        queryset,
        {"cases_examined": _count(), "median_days_to_examen": _median(delay)},
        _case_groupers("", "examined_on"),
        "pk",
        dated,
    )
    return source, delay


def _first_bilan_delay(ctx: _Context) -> tuple[_Source, object]:
    # A designation's bilans are its own, and those of its case not linked to
    # any designation and presented after it. Its first bilan falls in the
    # period exactly when one of them does and none came before the period:
    # EXISTS tests (index lookups, by designation and by case) select the
    # designations, and the first bilan's date is computed only for those,
    # once, in the select list. Filtering on the computed date instead made
    # PostgreSQL compute it three times per designation.
    own = Bilan.objects.filter(designation_id=OuterRef("pk"))
    unlinked = Bilan.objects.filter(
        designation__isnull=True, case_id=OuterRef("case_id"), presented_on__gte=OuterRef("designated_on")
    )

    def any_bilan(**dates) -> Q:
        return Q(Exists(own.filter(**dates))) | Q(Exists(unlinked.filter(**dates)))

    # `NEVER` stands for "no such bilan" (LEAST of NULLs differs between
    # PostgreSQL and SQLite); the filters above guarantee one exists.
    first_bilan = Least(
        *(
            Coalesce(Subquery(bilans.order_by("presented_on").values("presented_on")[:1]), Value(NEVER))
            for bilans in (own, unlinked)
        )
    )
    # Only designations whose case had a bilan presented in the period can have
    # their first one in it: a semi-join that drives the query.
    bilan_in_period = Exists(
        Bilan.objects.filter(
            case_id=OuterRef("case_id"), presented_on__gte=ctx.period.start, presented_on__lt=ctx.end
        )
    )
    queryset = (
        ReferentDesignation.objects.filter(
            ctx.territory.case_q("case__"), bilan_in_period, designated_on__isnull=False
        )
        .filter(any_bilan(presented_on__gte=ctx.period.start, presented_on__lt=ctx.end))
        .exclude(any_bilan(presented_on__lt=ctx.period.start))
        .annotate(_first_bilan_on=first_bilan)
    )
    delay = DaysBetween(F("designated_on"), F("_first_bilan_on"))
    source = _Source(
        queryset,
        {"designations_first_bilan": _count(), "median_days_to_first_bilan": _median(delay)},
        _case_groupers("case__", F("_first_bilan_on")),
        "case_id",
        # The EXISTS tests above select exactly the designations whose first
        # bilan falls in the period.
        _Dated("_first_bilan_on"),
    )
    return source, delay


def _cells(ctx: _Context) -> _Source:
    """Active cells, and those whose partnership has a charter adopted on the reference day."""
    reference = ctx.period.reference_date(ctx.today)
    in_force = Exists(
        Charter.objects.filter(partnership_id=OuterRef("partnership_id"), adopted_on__lte=reference)
    )
    # domain.md §5: a cell "meets" when it held at least one séance in the period.
    met = Exists(
        Seance.objects.filter(
            cell_id=OuterRef("pk"),
            starts_at__date__gte=ctx.period.start,
            starts_at__date__lt=ctx.end,
            status__in=[Seance.Status.HELD, Seance.Status.CLOSED],
        )
    )
    queryset = ctx.territory.cells().filter(is_active=True)
    return _Source(
        queryset,
        {
            "cells_active": _count(),
            "cells_with_charter": _count(where=Q(in_force)),
            "cells_met": _count(where=Q(met)),
        },
        {"cell": F("pk"), "partnership": F("partnership_id")},
    )


def _members(ctx: _Context) -> _Source:
    """Current cell memberships on the reference day, and those whose holder signed
    the latest charter version the partnership had adopted by then."""
    reference = ctx.period.reference_date(ctx.today)
    latest_charter = (
        Charter.objects.filter(partnership_id=OuterRef(OuterRef("partnership_id")), adopted_on__lte=reference)
        .order_by("-version")
        .values("pk")[:1]
    )
    signed = Exists(
        CharterSignature.objects.filter(
            user_id=OuterRef("user_id"), charter_id=Subquery(latest_charter), signed_at__date__lte=reference
        )
    )
    queryset = Membership.objects.current(reference).filter(
        cell__isnull=False, cell__in=ctx.territory.cells().filter(is_active=True)
    )
    return _Source(
        queryset,
        {"members_current": _count(), "members_signed": _count(where=Q(signed))},
        {"cell": F("cell_id"), "partnership": F("partnership_id")},
    )


# --- Medians without percentile_cont (SQLite demo) ---------------------------


def _median_rows_portable(
    source: _Source, delay, count_code: str, median_code: str, ctx: _Context
) -> list[Row]:
    """Same rows as `_rows_for`, with the median taken in Python over the list of
    delays (one query; only the demo's SQLite needs it)."""
    queryset = source.queryset.annotate(_delay=delay)
    series: dict[str | None, list[int]] = {None: []}
    if ctx.dimension == "orientation":
        conditions = _orientation_conditions(ctx, source.orientation_ref)
        flags = {
            f"_o{j}": ExpressionWrapper(c, output_field=BooleanField()) for j, (_, c) in enumerate(conditions)
        }
        for delay_value, *marks in queryset.annotate(**flags).values_list("_delay", *flags):
            series[None].append(delay_value)
            for (group, _), mark in zip(conditions, marks, strict=True):
                if mark:
                    series.setdefault(group, []).append(delay_value)
    elif ctx.dimension in source.groupers:
        for group, delay_value in queryset.annotate(_group=source.groupers[ctx.dimension]).values_list(
            "_group", "_delay"
        ):
            series[None].append(delay_value)
            series.setdefault(_group_key(group), []).append(delay_value)
    else:
        series[None] = list(queryset.values_list("_delay", flat=True))

    def pair(group, delays):
        median = round(float(statistics.median(delays)), 1) if delays else None
        return [Row(count_code, group, len(delays)), Row(median_code, group, median)]

    rows = pair(None, series[None]) if ctx.totals else []
    if ctx.dimension is not None and (ctx.dimension != "orientation" or source.orientation_ref):
        if ctx.dimension == "orientation" or ctx.dimension in source.groupers:
            for group in _ordered_groups(ctx.groups, series):
                rows.extend(pair(group, series.get(group, [])))
    return rows


# --- Entry point ----------------------------------------------------------------


def _expected_groups(dimension: str | None, territory: Territory, period: Period, today: date) -> list[str]:
    """The groups every table lists, data or not. Groups known in advance to be
    empty (months not begun, inactive cells) are left out: a masked figure
    whose value anyone can guess would defeat secondary suppression."""
    if dimension is None:
        return []
    if dimension == "profil":
        return [p.value for p in Profil]
    if dimension == "sex":
        return [s.value for s in Youth.Sex]
    if dimension == "age_band":
        return list(AGE_BANDS)
    if dimension == "orientation":
        return [o.value for o in Orientation]
    if dimension == "month":
        return [month for month in period.months if month <= f"{today:%Y-%m}"]
    if dimension == "cell":
        cells = territory.cells().filter(is_active=True).order_by("name")
        return [str(pk) for pk in cells.values_list("pk", flat=True)]
    if dimension == "partnership":
        return [str(pk) for pk in territory.partnerships().order_by("name").values_list("pk", flat=True)]
    raise ValueError(INVALID_GROUP_BY.format(group_by=dimension))


def _align_groups(rows: list[Row]) -> list[Row]:
    """Give every indicator that has groups the same groups (a group that only
    one family's data showed, e.g. an inactive cell that still has cases): a
    missing count is 0, a missing median undefined."""
    groups = list(dict.fromkeys(r.group for r in rows if r.group is not None))
    grouped = list(dict.fromkeys(r.indicator for r in rows if r.group is not None))
    present = {(r.indicator, r.group) for r in rows}
    missing = [
        Row(code, group, 0 if INDICATORS[code].kind == "count" else None)
        for code in grouped
        for group in groups
        if (code, group) not in present
    ]
    return rows + missing


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def _add_percentages(rows: list[Row]) -> list[Row]:
    by_key = {(r.indicator, r.group): r.value for r in rows}
    out = list(rows)
    for pct, numerator, denominator in (
        ("cells_with_charter_pct", "cells_with_charter", "cells_active"),
        ("members_signed_pct", "members_signed", "members_current"),
    ):
        for (code, group), value in list(by_key.items()):
            if code == denominator:
                out.append(Row(pct, group, _percent(by_key.get((numerator, group), 0), value)))
    return out


def compute(
    territory: Territory | str,
    period: Period | str,
    group_by: str | None = None,
    *,
    today: date | None = None,
    totals: bool = True,
    known: frozenset[str] = frozenset(),
) -> list[Row]:
    """Raw rows for every indicator: totals, and per group when `group_by` is set.

    `territory` and `period` may be given as specs ("departement:62", "2026-S1").
    Runs a bounded number of aggregate queries (about 12, twice that with a
    breakdown), whatever the number of cases. Performs no access check: callers
    resolve the territory through `indicators.access` first. `totals=False`
    skips the total rows (a report that already has them asks for more groups).
    `known`: indicators whose values the caller already holds (a joint mask):
    families made only of those run no query, and their rows, with the
    expected groups, carry no value (None).
    """
    if isinstance(territory, str):
        territory = parse_territory(territory)
    if isinstance(period, str):
        period = parse_period(period)
    if group_by is not None and group_by not in GROUP_BY + DASHBOARD_GROUP_BY:
        raise ValueError(INVALID_GROUP_BY.format(group_by=group_by))
    ctx = _Context(
        territory=territory,
        period=period,
        dimension=group_by,
        today=today or timezone.localdate(),
        connection=connections[Case.objects.db],
        totals=totals,
    )
    ctx.groups = _expected_groups(group_by, territory, period, ctx.today)
    rows: list[Row] = []
    for family in (
        _youths_signalled,
        _rappels,
        _cddf_referrals,
        _parental_support,
        _followups,
        _bilans,
        _closures,
        _stalled,
        _cells,
        _members,
    ):
        source = family(ctx)
        rows.extend(_known_rows(source, ctx) if set(source.measures) <= known else _rows_for(source, ctx))
    for family, count_code, median_code in (
        (_examen_delay, "cases_examined", "median_days_to_examen"),
        (_first_bilan_delay, "designations_first_bilan", "median_days_to_first_bilan"),
    ):
        source, delay = family(ctx)
        if set(source.measures) <= known:
            rows.extend(_known_rows(source, ctx))
        elif _supports_median(ctx.connection):
            rows.extend(_rows_for(source, ctx))
        else:
            rows.extend(_median_rows_portable(source, delay, count_code, median_code, ctx))
    return _add_percentages(_align_groups(rows))


def _known_rows(source: _Source, ctx: _Context) -> list[Row]:
    """The rows `_rows_for` would return, without their values (see `compute`'s `known`)."""
    codes = list(source.measures)
    rows = [Row(code, None, None) for code in codes] if ctx.totals else []
    if ctx.dimension == "orientation":
        groups = [o.value for o in Orientation] if source.orientation_ref is not None else []
    elif ctx.dimension is not None and ctx.dimension in source.groupers:
        groups = ctx.groups
    else:
        groups = []
    for group in groups:
        rows.extend(Row(code, group, None) for code in codes)
    return rows


# --- A partnership's year at once (for indicators.suppression) ----------------

# Families whose figures may be masked (cells and members never are).
_CUBE_FAMILIES = (
    _youths_signalled,
    _rappels,
    _cddf_referrals,
    _parental_support,
    _followups,
    _bilans,
    _closures,
    _stalled,
    _examen_delay,
    _first_bilan_delay,
)

CubeKey = tuple[str, str, str, str | None]  # (indicator, territory spec, period code, group)


@dataclass
class Cube:
    """Raw figures of a partnership and of each of its cells, for a calendar
    year and each of its semesters and months (see `compute_cube`)."""

    territories: list[str]  # specs: the partnership's, then its cells'
    periods: list[Period]  # the year, its semesters, its months: begun ones only
    dimension: str | None
    groups: list[str]  # the groups of `dimension`, in display order
    additive: frozenset[str]  # indicators that add up over time (events, not stocks)
    values: dict[CubeKey, int | float | None]


def cube_periods(period: Period, today: date) -> list[Period]:
    """The calendar year of `period`, its semesters and its months: those begun
    by `today` (a period not begun is empty, as anyone can tell)."""
    year = period.start.year
    codes = [str(year), f"{year}-S1", f"{year}-S2", *parse_period(str(year)).months]
    return [p for p in map(parse_period, codes) if p.start <= today]


def compute_cube(
    territory: Territory, period: Period, group_by: str | None = None, *, today: date | None = None
) -> Cube:
    """Raw values of every count and median that may be masked, for partnership
    `territory` and each of its cells × every period of `cube_periods(period)`
    × the total and each `group_by` group: what any report of that
    partnership, of its cells and of that year can show.

    One query per family, over the same queryset as `compute` for the year,
    lists its rows with what its measures read (counted value, condition,
    delay), its cell and group, and its dates; each row is then counted in
    every sub-period, territory and group it falls in, by the family's period
    rule (`_Dated.holds`, the twin of the SQL filter) — twelve months and two
    semesters in Python rather than fourteen more rounds of queries. The
    values equal `compute`'s for each territory and period (tested).
    """
    if territory.kind != "partnership":
        raise ValueError("compute_cube expects a partnership.")
    if group_by is not None and group_by not in GROUP_BY:
        raise ValueError(INVALID_GROUP_BY.format(group_by=group_by))
    today = today or timezone.localdate()
    year = parse_period(str(period.start.year))
    periods = cube_periods(period, today)
    ctx = _Context(
        territory=territory,
        period=year,
        dimension=group_by,
        today=today,
        connection=connections[Case.objects.db],
    )
    ctx.groups = _expected_groups(group_by, territory, year, today)
    tally = _Tally(territory.spec)
    if group_by == "orientation" and periods:
        tally.orientations = _orientations_by_case(territory)
    codes: list[str] = []
    additive: set[str] = set()
    for family in _CUBE_FAMILIES:
        source = family(ctx)
        if isinstance(source, tuple):
            source = source[0]
        codes += list(source.measures)
        if "month" in source.groupers:
            additive.update(code for code, m in source.measures.items() if m.kind == "count")
        if periods:
            _tally_family(source, ctx, periods, tally)
    cells = _ordered_groups(_expected_groups("cell", territory, year, today), tally.cells)
    groups = _ordered_groups(ctx.groups, tally.groups) if group_by else []
    territories = [territory.spec, *(f"cell:{pk}" for pk in cells)]
    values: dict[CubeKey, int | float | None] = {}
    for spec in territories:
        for p in periods:
            for code in codes:
                for group in (None, *groups):
                    values[(code, spec, p.code, group)] = tally.value(code, (code, spec, p.code, group))
    return Cube(territories, periods, group_by, groups, frozenset(additive), values)


_COUNT, _DISTINCT, _DELAYS = 0, 1, 2  # how a cube key's rows are tallied


class _Tally:
    """Rows tallied per cube key: a number (counts), a set (distinct counts)
    or a list of delays (medians)."""

    def __init__(self, spec: str):
        self.spec = spec
        self.kinds: dict[str, int] = {}
        self.buckets: dict[CubeKey, object] = {}
        self.cells: set[str] = set()
        self.groups: set[str] = set()
        self.orientations: dict[int, list[str]] = {}  # case id -> orientations, in display order

    def value(self, code: str, key: CubeKey) -> int | float | None:
        bucket = self.buckets.get(key)
        kind = self.kinds[code]
        if kind == _DELAYS:
            return round(float(statistics.median(bucket)), 1) if bucket else None
        if kind == _DISTINCT:
            return len(bucket) if bucket else 0
        return bucket or 0


def _orientations_by_case(territory: Territory) -> dict[int, list[str]]:
    """Every orientation decided for each case of `territory` at any examen
    (`sql.has_orientation`, read once for all rows rather than tested per row)."""
    decided: dict[int, set[str]] = {}
    decisions = Decision.objects.filter(territory.case_q("case__")).values_list("case_id", "orientations")
    for case_id, orientations in decisions:
        decided.setdefault(case_id, set()).update(orientations or ())
    return {case_id: [o.value for o in Orientation if o.value in codes] for case_id, codes in decided.items()}


def _tally_family(source: _Source, ctx: _Context, periods: list[Period], tally: _Tally) -> None:
    """Count `source`'s rows of the year into `tally` (see `compute_cube`)."""
    dated = source.dated
    tomorrow = ctx.today + timedelta(days=1)
    windows = [(p.code, p.start, min(p.end, tomorrow)) for p in periods]
    # Columns: cell, group (or case, for orientations), dates, then per
    # measure the value it counts and, when it has one, its condition.
    columns: dict[str, object] = {"_cell": source.groupers["cell"]}
    if ctx.dimension == "orientation" and source.orientation_ref is not None:
        columns["_case"] = F(source.orientation_ref)
    elif ctx.dimension is not None and ctx.dimension in source.groupers:
        columns["_group"] = source.groupers[ctx.dimension]
    columns["_on"] = F(dated.on)
    if dated.until is not None:
        columns["_until"] = F(dated.until)
    measures = []  # (code, kind, value column, condition column or None)
    for i, (code, measure) in enumerate(source.measures.items()):
        kind = _DELAYS if measure.kind == "median" else _DISTINCT if measure.distinct else _COUNT
        tally.kinds[code] = kind
        expression = measure.expression
        columns[f"_v{i}"] = F(expression) if isinstance(expression, str) else expression
        condition = None
        if measure.where is not None:
            condition = f"_w{i}"
            columns[condition] = ExpressionWrapper(measure.where, output_field=BooleanField())
        measures.append((code, kind, f"_v{i}", condition))
    names = list(columns)
    at = {name: index for index, name in enumerate(names)}
    rows = list(source.queryset.annotate(**columns).values_list(*names))
    cell_at, case_at, group_at = at["_cell"], at.get("_case"), at.get("_group")
    on, until = at["_on"], at.get("_until")
    measures = [(code, kind, at[value], at.get(condition)) for code, kind, value, condition in measures]
    first: dict[object, date] = {}
    if dated.fresh:
        # A youth (the unit the family's one measure counts) counts in a
        # sub-period when not signalled before it: the year's rows hold all
        # their signalements since the year began.
        unit = measures[0][2]
        for row in rows:
            if row[unit] not in first or row[on] < first[row[unit]]:
                first[row[unit]] = row[on]
    buckets = tally.buckets
    for row in rows:
        cell = _group_key(row[cell_at])
        tally.cells.add(cell)
        groups: list[str | None] = [None]
        if case_at is not None:
            groups += tally.orientations.get(row[case_at], [])
        elif group_at is not None:
            group = _group_key(row[group_at])
            if group is not None:
                tally.groups.add(group)
                groups.append(group)
        # As in SQL: NULL is not counted, a NULL condition is false.
        counted = [
            (code, kind, row[value])
            for code, kind, value, condition in measures
            if row[value] is not None and (condition is None or row[condition])
        ]
        row_until = row[until] if until is not None else None
        for period_code, start, end in windows:
            if not dated.holds(row[on], row_until, start, end):
                continue
            if dated.fresh and first[row[measures[0][2]]] < start:
                continue
            for spec in (tally.spec, f"cell:{cell}"):
                for group in groups:
                    for code, kind, value in counted:
                        key = (code, spec, period_code, group)
                        if kind == _COUNT:
                            buckets[key] = buckets.get(key, 0) + 1
                        elif kind == _DISTINCT:
                            buckets.setdefault(key, set()).add(value)
                        else:
                            buckets.setdefault(key, []).append(value)
