"""Statistical disclosure control: masking small counts (domain.md §5).

Rules, in plain language:

1. **Primary suppression.** At commune and cell level, every count of youths
   or of their measures that is below `settings.INDICATORS_SUPPRESSION_THRESHOLD`
   (default 5), zero included, is shown as "< 5". Commune and cell level means
   a cell, or a partnership whose figures are a commune's or a cell's: one
   covering a single commune (a CLSPD) or having a single active cell
   (`Territory.small_count_level`); the cells a partnership is split into as
   well. Other partnerships, arrondissements and départements publish their
   own figures as they are. In the split of an arrondissement or a
   département by partnership, the figures of the commune- or cell-level
   partnerships are masked as in their own reports (and, by rule 2, another
   partnership's when one would be alone). Counts of cells and of members
   (charter indicators) are not about youths and are never masked.
2. **Secondary suppression.** No masked figure may be worked out by
   subtraction. Every additive relation is a *line* (a total and its parts):
   the groups of a breakdown, the cells of a partnership, the closure reasons
   of all closures, and, for events (not for stocks such as youths followed),
   the two semesters of a year, the six months of a semester and the twelve
   months of a year. Whenever exactly one figure of a line is masked, the
   smallest unmasked *part* of that line is masked too (ties: the first in
   display order); the total is masked only when the line has no other
   maskable part. This repeats until no line has exactly one masked figure,
   so masking in one line that creates a lone mask in another is caught too.
3. **Medians** are masked when the count they are computed on is masked (a
   median of three delays is nearly a list of them).
4. **One mask for every report.** Reports are asked for one at a time, but a
   reader can put several side by side: a year and its first semester, a
   partnership's split by cell and one cell on its own. So for a partnership
   and its cells the mask is decided once, jointly, over everything any of
   their reports of a calendar year can show (`joint_suppress`: the
   partnership and each cell × the year, its semesters and its months begun
   × the total and the groups of the breakdown asked for), and every report
   publishes its slice of it (`JointFigures.publish`): a figure reads the
   same, masked or not, in whichever report it appears. Arrondissement and
   département reports, which mask nothing of their own, are suppressed one
   at a time (`suppress`).

Within one report (`suppress`), figures shared by several lines — the total
of a breakdown and of a monthly series — are masked consistently too.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from indicators.definitions import CLOSURE_CODES, INDICATORS
from indicators.engine import GROUP_BY, Cube, CubeKey, Row
from indicators.periods import Period
from indicators.territories import Territory

Key = tuple[str, str | None, str | None]  # (indicator, dimension, group); dimension None: total
Line = tuple[Hashable, list[Hashable]]  # (total, parts)


def threshold() -> int:
    return settings.INDICATORS_SUPPRESSION_THRESHOLD


@dataclass(frozen=True)
class Figure:
    """One published figure: the raw value is dropped when it is masked."""

    indicator: str
    dimension: str | None
    group: str | None
    value: int | float | None  # None when masked (or undefined)
    suppressed: bool

    @property
    def key(self) -> Key:
        return (self.indicator, self.dimension, self.group)


def _is_count(indicator: str) -> bool:
    """A count of youths or of their measures: the only figures masked by their value."""
    return INDICATORS[indicator].suppressible and INDICATORS[indicator].kind == "count"


def _maskable(key: Key, territory: Territory, small_partnerships: frozenset[str] = frozenset()) -> bool:
    """Whether `key` is masked when small (rule 1)."""
    indicator, dimension, group = key
    if not _is_count(indicator):
        return False
    if dimension == "partnership":
        return group in small_partnerships
    return territory.small_count_level or dimension == "cell"


def _hideable(key: Key, territory: Territory, small_partnerships: frozenset[str]) -> bool:
    """Whether `key` may be masked to protect another figure (rule 2): what
    rule 1 masks, and any partnership of a split that holds a small one (a
    lone masked partnership would be its territory's total minus the others)."""
    if _maskable(key, territory, small_partnerships):
        return True
    indicator, dimension, _ = key
    return bool(small_partnerships) and dimension == "partnership" and _is_count(indicator)


def _lines(keys: list[Key]) -> list[Line]:
    """Additive lines among `keys`: (total, parts), parts in display order."""
    present = set(keys)
    # Each breakdown of an indicator is a line under its total. Orientation
    # groups overlap and do not add up, but a lone masked one next to its
    # total still narrows it down: they are treated as a line too.
    parts_of: dict[tuple[Key, str], list[Key]] = {}
    for key in keys:
        indicator, dimension, _ = key
        if dimension is not None:
            parts_of.setdefault(((indicator, None, None), dimension), []).append(key)
    lines = [(total, parts) for (total, _), parts in parts_of.items() if total in present]
    # Closures: all reasons add up to all closures, for the total and each group.
    seen = set()
    for _, dimension, group in keys:
        if (dimension, group) in seen:
            continue
        seen.add((dimension, group))
        total = ("closures", dimension, group)
        parts = [(code, dimension, group) for code in CLOSURE_CODES if (code, dimension, group) in present]
        if total in present and parts:
            lines.append((total, parts))
    return lines


def _solve(
    values: dict,
    maskable: Callable[[Hashable], bool],
    lines: list[Line],
    hideable: Callable[[Hashable], bool] | None = None,
) -> set:
    """Primary then secondary suppression (rules 1 and 2) of `values` (keys in
    display order) along `lines`: the set of masked keys. `maskable` says
    which figures are masked when small; `hideable` (default: the same) which
    may be masked to protect another."""
    hideable = hideable or maskable
    limit = threshold()
    masked = {k for k, v in values.items() if maskable(k) and (v or 0) < limit}
    order = {k: i for i, k in enumerate(values)}
    lines_of: dict[Hashable, list[int]] = {}
    for index, (total, parts) in enumerate(lines):
        for key in (total, *parts):
            lines_of.setdefault(key, []).append(index)
    # Sweeps over the lines in order until nothing changes. A line none of
    # whose figures changed since it was last looked at would do nothing
    # again: it is skipped (same result, fewer looks on a year's thousands).
    pending = set(range(len(lines)))
    changed = True
    while changed:
        changed = False
        for index, (total, parts) in enumerate(lines):
            if index not in pending:
                continue
            pending.discard(index)
            if sum(k in masked for k in (total, *parts)) != 1:
                continue
            candidates = [k for k in parts if k not in masked and hideable(k)]
            if candidates:
                new = min(candidates, key=lambda k: (values[k] or 0, order[k]))
            elif total not in masked and hideable(total):
                new = total
            else:
                continue  # nothing maskable left: every other figure is public anyway
            masked.add(new)
            pending.update(lines_of[new])
            changed = True
    return masked


def _report_values(rows: list[tuple[str | None, Row]]) -> dict[Key, int | float | None]:
    values: dict[Key, int | float | None] = {}
    for dimension, row in rows:
        key = (row.indicator, None, None) if row.group is None else (row.indicator, dimension, row.group)
        values.setdefault(key, row.value)
    return values


def suppress(
    rows: list[tuple[str | None, Row]],
    territory: Territory,
    small_partnerships: frozenset[str] = frozenset(),
) -> list[Figure]:
    """Mask `rows` — (dimension, Row) pairs of one report — for publication.

    Rows with group None are totals (their dimension is ignored and they are
    merged across breakdowns). `small_partnerships`: the group keys of the
    commune- or cell-level partnerships in a split by partnership
    (`territories.small_partnership_keys`). Returns figures in the order rows
    came.
    """
    values = _report_values(rows)
    keys = list(values)
    masked = _solve(
        values,
        lambda k: _maskable(k, territory, small_partnerships),
        _lines(keys),
        lambda k: _hideable(k, territory, small_partnerships),
    )
    figures = []
    for key in keys:
        indicator, dimension, group = key
        population = INDICATORS[indicator].population
        hidden = key in masked or (population is not None and (population, dimension, group) in masked)
        figures.append(Figure(indicator, dimension, group, None if hidden else values[key], hidden))
    return figures


# --- One mask for a partnership, its cells and a year (rule 4) ----------------


def cube_group_by(group_by: str | None) -> str | None:
    """The breakdown a joint mask is computed for: month, cell and partnership
    "breakdowns" are the cube's own periods and territories."""
    return group_by if group_by in GROUP_BY else None


def _cube_lines(cube: Cube) -> list[Line]:
    """Every additive line of `cube` (rule 2), for the counts it holds."""
    partnership, cells = cube.territories[0], cube.territories[1:]
    codes = list(dict.fromkeys(key[0] for key in cube.values))
    counts = [code for code in codes if _is_count(code)]
    groups: list[str | None] = [None, *cube.groups]
    years = [p for p in cube.periods if p.kind == "year"]
    semesters = [p for p in cube.periods if p.kind == "semester"]
    months = [p for p in cube.periods if p.kind == "month"]
    spans = [(year, semesters) for year in years] + [(year, months) for year in years]
    spans += [(s, [m for m in months if s.start <= m.start < s.end]) for s in semesters]
    lines: list[Line] = []
    for code in counts:
        for spec in cube.territories:
            for p in cube.periods:
                if cube.groups:
                    lines.append(((code, spec, p.code, None), [(code, spec, p.code, g) for g in cube.groups]))
        if cells:
            for p in cube.periods:
                for g in groups:
                    lines.append(
                        ((code, partnership, p.code, g), [(code, cell, p.code, g) for cell in cells])
                    )
        if code in cube.additive:
            for spec in cube.territories:
                for g in groups:
                    for whole, parts in spans:
                        if parts:
                            lines.append(
                                ((code, spec, whole.code, g), [(code, spec, p.code, g) for p in parts])
                            )
    if "closures" in codes:
        reasons = [code for code in CLOSURE_CODES if code in codes]
        for spec in cube.territories:
            for p in cube.periods:
                for g in groups:
                    lines.append((("closures", spec, p.code, g), [(r, spec, p.code, g) for r in reasons]))
    return lines


@dataclass(frozen=True)
class JointFigures:
    """The joint mask of a partnership, its cells and a year (rule 4): every
    figure any of their reports can show, masked. Holds no masked value, so
    it can be cached and shared by every reader of the partnership."""

    partnership: str  # spec
    dimension: str | None
    territories: tuple[str, ...]
    periods: tuple[str, ...]
    groups: tuple[str, ...]
    values: dict[CubeKey, int | float | None]  # None when masked (or undefined)
    masked: frozenset[CubeKey]
    computed_at: datetime = field(default_factory=timezone.now)

    @property
    def codes(self) -> frozenset[str]:
        """The indicators it holds (`compute`'s `known`)."""
        return frozenset(key[0] for key in self.values)

    def covers(self, period: Period) -> bool:
        return period.code in self.periods

    def _key(self, territory: Territory, period: Period, dimension: str | None, key: Key) -> CubeKey:
        indicator, _, group = key
        if group is None:
            return (indicator, territory.spec, period.code, None)
        if dimension == "month":
            return (indicator, territory.spec, group, None)
        if dimension == "cell":
            return (indicator, f"cell:{group}", period.code, None)
        if dimension == "partnership":  # a partnership's or a cell's rows are all of one partnership
            return (indicator, territory.spec, period.code, None)
        return (indicator, territory.spec, period.code, group)

    def _conform(self, rows: list[tuple[str | None, Row]], territory: Territory, period: Period):
        """`rows` with the groups this mask was decided on: the cube's groups,
        months and cells, in its order. A group the report's data lacks reads
        0; one the cube lacks (data entered since it was computed) is left
        out, so that the report stays a slice of the cube."""
        targets: dict[str, list[str]] = {"month": [m for m in period.months if m in self.periods]}
        if self.dimension is not None:
            targets[self.dimension] = list(self.groups)
        if territory.kind == "partnership":
            targets["cell"] = [spec.partition(":")[2] for spec in self.territories[1:]]
        present: dict[tuple[str, str], dict[str, Row]] = {}
        for dimension, row in rows:
            if row.group is not None and dimension in targets:
                present.setdefault((dimension, row.indicator), {})[row.group] = row
        out, done = [], set()
        for dimension, row in rows:
            if row.group is None or dimension not in targets:
                out.append((dimension, row))
                continue
            line = (dimension, row.indicator)
            if line in done:
                continue
            done.add(line)
            empty = 0 if INDICATORS[row.indicator].kind == "count" else None
            for group in targets[dimension]:
                out.append((dimension, present[line].get(group) or Row(row.indicator, group, empty)))
        return out

    def publish(
        self, rows: list[tuple[str | None, Row]], territory: Territory, period: Period
    ) -> list[Figure]:
        """The figures of one report (rows as `suppress` takes them) of a
        territory of this partnership and a period this mask covers: its
        slice of the joint result. Counts and medians read the joint values;
        cell and member figures, never masked, the report's own."""
        values = _report_values(self._conform(rows, territory, period))
        figures = []
        for key, own in values.items():
            indicator, dimension, group = key
            cube_key = self._key(territory, period, dimension, key)
            if cube_key in self.values:
                hidden = cube_key in self.masked
                value = self.values[cube_key]
            elif _is_count(indicator) or INDICATORS[indicator].population is not None:
                # Not in the joint result: masked whenever it could be.
                population = INDICATORS[indicator].population
                hidden = _maskable(key, territory) or (
                    population is not None and _maskable((population, dimension, group), territory)
                )
                value = None if hidden else own
            else:
                hidden, value = False, own
            figures.append(Figure(indicator, dimension, group, value, hidden))
        return figures


def joint_suppress(cube: Cube, partnership: Territory) -> JointFigures:
    """Mask `cube` (`indicators.engine.compute_cube` of `partnership`) as one table (rule 4)."""
    small = partnership.small_count_level

    def maskable(key: CubeKey) -> bool:
        return _is_count(key[0]) and (small or key[1] != partnership.spec)

    counts = {key: value for key, value in cube.values.items() if _is_count(key[0])}
    masked = _solve(counts, maskable, _cube_lines(cube))
    for key in cube.values:
        population = INDICATORS[key[0]].population
        if population is not None and (population, *key[1:]) in masked:
            masked.add(key)
    return JointFigures(
        partnership=partnership.spec,
        dimension=cube.dimension,
        territories=tuple(cube.territories),
        periods=tuple(p.code for p in cube.periods),
        groups=tuple(cube.groups),
        values={key: None if key in masked else value for key, value in cube.values.items()},
        masked=frozenset(masked),
    )
