"""A report: what the dashboard, the API and the exports publish for one
territory and period — totals, one breakdown, the monthly series and the
split by sub-territory — masked by `indicators.suppression`: for a
partnership or a cell, as its slice of the partnership's joint mask for the
year (`joint_figures`, cached), elsewhere as a whole."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from casework.models import Partnership
from casework.models.codes import Orientation, Profil
from casework.models.youth import Youth
from indicators.definitions import INDICATORS
from indicators.engine import GROUP_LABELS, compute, compute_cube
from indicators.periods import Period, month_label
from indicators.suppression import (
    Figure,
    JointFigures,
    cube_group_by,
    joint_suppress,
    suppress,
    threshold,
)
from indicators.territories import Territory, parse_territory, small_partnership_keys


def format_number(value: float) -> str:
    """French formatting: narrow no-break space between thousands, decimal comma."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")


def display(figure: Figure) -> str:
    """How a figure reads on screen and in exports."""
    if figure.suppressed:
        if INDICATORS[figure.indicator].kind == "median":
            # "< 5" next to a delay would read as "under five days".
            return f"effectif < {threshold()}"
        return f"< {threshold()}"
    if figure.value is None:
        return "—"
    indicator = INDICATORS[figure.indicator]
    if indicator.kind == "percent":
        return f"{format_number(figure.value)}\u202f%"
    if indicator.kind == "median":
        return f"{format_number(figure.value)}\u202fj"
    return format_number(figure.value)


def _static_group_labels(dimension: str) -> dict[str, str]:
    if dimension == "profil":
        return {p.value: p.label for p in Profil}
    if dimension == "sex":
        return {s.value: s.label for s in Youth.Sex}
    if dimension == "orientation":
        return {o.value: o.label for o in Orientation}
    return {}


@dataclass
class Report:
    territory: Territory
    period: Period
    group_by: str | None
    figures: list[Figure]
    group_names: dict[tuple[str, str], str]
    generated_on: date
    computed_at: datetime = field(default_factory=timezone.now)

    def __post_init__(self):
        self._by_key = {f.key: f for f in self.figures}

    @property
    def threshold(self) -> int:
        return threshold()

    def figure(self, code: str, dimension: str | None = None, group: str | None = None) -> Figure | None:
        return self._by_key.get((code, dimension, group))

    def groups(self, dimension: str | None) -> list[str]:
        seen: dict[str, None] = {}
        for f in self.figures:
            if dimension is not None and f.dimension == dimension:
                seen.setdefault(f.group)
        return list(seen)

    def group_label(self, dimension: str | None, group: str | None) -> str:
        if dimension is None:
            return "Total"
        if dimension == "month":
            return month_label(group)
        if dimension == "age_band":
            return f"{group} ans"
        return self.group_names.get((dimension, group), group)

    def records(self) -> list[dict]:
        """Flat, JSON/CSV-ready figures (never a raw masked value)."""
        out = []
        for f in self.figures:
            indicator = INDICATORS[f.indicator]
            out.append(
                {
                    "indicator": f.indicator,
                    "label": indicator.label,
                    "kind": indicator.kind,
                    "unit": indicator.unit,
                    "dimension": f.dimension,
                    "dimension_label": GROUP_LABELS.get(f.dimension, "") if f.dimension else "",
                    "group": f.group,
                    "group_label": self.group_label(f.dimension, f.group),
                    "value": f.value,
                    "suppressed": f.suppressed,
                    "display": display(f),
                }
            )
        return out


def _group_names(territory: Territory, dimensions: set[str]) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    for dimension in dimensions:
        for group, label in _static_group_labels(dimension).items():
            names[(dimension, group)] = label
    if "cell" in dimensions:
        for pk, name in territory.cells().values_list("pk", "name"):
            names[("cell", str(pk))] = name
    if "partnership" in dimensions:
        for pk, name in Partnership.objects.filter(pk__in=territory.partnerships()).values_list("pk", "name"):
            names[("partnership", str(pk))] = name
    return names


def _cache_seconds() -> int:
    return settings.INDICATORS_CACHE_SECONDS


def joint_figures(
    territory: Territory, period: Period, group_by: str | None, today: date
) -> JointFigures | None:
    """The joint mask (`indicators.suppression`, rule 4) that a report of
    `territory` (a partnership or a cell; None elsewhere) for `period` and
    `group_by` is a slice of: its partnership and cells × the calendar year.

    Reused for `INDICATORS_CACHE_SECONDS` by every report of the partnership,
    its cells and the year, whoever reads it: callers check the reader's scope
    first, as for `published_report`, and it holds masked figures only.
    """
    if territory.kind not in ("partnership", "cell"):
        return None
    spec = f"partnership:{territory.partnership_id}"
    dimension = cube_group_by(group_by)
    key = ":".join(
        (
            "indicators",
            "joint",
            spec,
            str(period.start.year),
            dimension or "-",
            today.isoformat(),
            str(threshold()),
        )
    )
    seconds = _cache_seconds()
    if seconds > 0:
        cached = cache.get(key)
        if cached is not None:
            return cached
    partnership = territory if territory.kind == "partnership" else parse_territory(spec)
    joint = joint_suppress(compute_cube(partnership, period, dimension, today=today), partnership)
    if seconds > 0:
        cache.set(key, joint, seconds)
    return joint


_JOINT = object()  # build_report: "look the joint mask up"


def build_report(
    territory: Territory,
    period: Period,
    group_by: str | None = None,
    *,
    series: bool = True,
    split: bool = True,
    today: date | None = None,
    joint: JointFigures | None | object = _JOINT,
) -> Report:
    """Compute and mask everything one page or export shows (bounded queries).

    A partnership's or a cell's figures are read from `joint` (default: the
    `joint_figures` of the territory, period and breakdown)."""
    today = today or timezone.localdate()
    if joint is _JOINT:
        joint = joint_figures(territory, period, group_by, today)
    if joint is not None and not joint.covers(period):
        joint = None  # a period not begun: nothing to mask jointly
    # What the joint mask holds is not computed again.
    known = joint.codes if joint is not None else frozenset()
    rows = [(group_by, row) for row in compute(territory, period, group_by, today=today, known=known)]
    dimensions = {group_by} if group_by else set()
    if series and period.kind != "month":
        rows += [
            ("month", r) for r in compute(territory, period, "month", today=today, totals=False, known=known)
        ]
        dimensions.add("month")
    child = territory.child_dimension if split else None
    if child:
        rows += [
            (child, r) for r in compute(territory, period, child, today=today, totals=False, known=known)
        ]
        dimensions.add(child)
    if joint is not None:
        # Counts and medians are the joint mask's, computed then.
        figures, computed_at = joint.publish(rows, territory, period), joint.computed_at
    else:
        small = small_partnership_keys(territory) if child == "partnership" else frozenset()
        figures, computed_at = suppress(rows, territory, small), timezone.now()
    return Report(
        territory=territory,
        period=period,
        group_by=group_by,
        figures=figures,
        group_names=_group_names(territory, dimensions),
        generated_on=today,
        computed_at=computed_at,
    )


def published_report(
    territory: Territory,
    period: Period,
    group_by: str | None = None,
    *,
    series: bool = True,
    split: bool = True,
) -> Report:
    """`build_report` for today, reused for `INDICATORS_CACHE_SECONDS`.

    A département's report takes seconds of aggregate queries, and is the same
    for everyone allowed to read it: callers check the reader's scope first
    (`indicators.access`), so the cache never widens access. It holds the
    masked figures only, never a count below the threshold. Reports show when
    they were computed (`computed_at`). 0 seconds: no cache.

    A partnership's or a cell's report is a slice of a joint mask, itself
    reused (`joint_figures`): the report is reused only with the joint mask it
    was cut from, so that two reports read at the same time never come from
    two different computations.
    """
    today = timezone.localdate()
    seconds = _cache_seconds()
    joint = joint_figures(territory, period, group_by, today)
    if seconds <= 0:
        return build_report(territory, period, group_by, series=series, split=split, today=today, joint=joint)
    # Everything the figures depend on: the threshold may change with a setting.
    key = ":".join(
        ("indicators", "report", territory.spec, period.code, group_by or "-")
        + (f"{series:d}{split:d}", today.isoformat(), str(threshold()))
        + (joint.computed_at.isoformat() if joint is not None else "-",)
    )
    cached = cache.get(key)
    if cached is not None:
        figures, group_names, computed_at = cached
        return Report(territory, period, group_by, figures, group_names, today, computed_at)
    report = build_report(territory, period, group_by, series=series, split=split, today=today, joint=joint)
    cache.set(key, (report.figures, report.group_names, report.computed_at), seconds)
    return report
