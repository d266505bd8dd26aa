"""Statistical disclosure control: masking small counts (domain.md §5).

Rules, in plain language:

1. **Primary suppression.** Below partnership level (a cell as territory, or
   the cells a partnership is split into), every count of youths or of their
   measures that is below `settings.INDICATORS_SUPPRESSION_THRESHOLD`
   (default 5), zero included, is shown as "< 5". Partnership, arrondissement
   and département figures are published as they are. Counts of cells and of
   members (charter indicators) are not about youths and are never masked.
2. **Secondary suppression.** A table must never let a masked figure be
   worked out by subtraction. Every additive relation in a report is a *line*
   (a total and its parts: the groups of a breakdown, the months of a series,
   the cells of a partnership, the closure reasons of all closures). Whenever
   exactly one figure of a line is masked, the smallest unmasked *part* of
   that line is masked too (ties: the first in display order); the total is
   masked only when the line has no other maskable part. This repeats until
   no line has exactly one masked figure, so masking in one line that creates
   a lone mask in another is caught as well.
3. **Medians** are masked when the count they are computed on is masked (a
   median of three delays is nearly a list of them).

A report is suppressed as a whole (`suppress` over every row it shows), so
figures shared by several lines — the total of a breakdown and of a monthly
series — are masked consistently.
"""

from dataclasses import dataclass

from django.conf import settings

from indicators.definitions import CLOSURE_CODES, INDICATORS
from indicators.engine import Row
from indicators.territories import Territory

Key = tuple[str, str | None, str | None]  # (indicator, dimension, group); dimension None: total


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


def _maskable(key: Key, territory: Territory) -> bool:
    indicator, dimension, _ = key
    if not INDICATORS[indicator].suppressible or INDICATORS[indicator].kind != "count":
        return False
    return territory.below_partnership or dimension == "cell"


def _lines(keys: list[Key]) -> list[tuple[Key, list[Key]]]:
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


def suppress(rows: list[tuple[str | None, Row]], territory: Territory) -> list[Figure]:
    """Mask `rows` — (dimension, Row) pairs of one report — for publication.

    Rows with group None are totals (their dimension is ignored and they are
    merged across breakdowns). Returns figures in the order rows came.
    """
    limit = threshold()
    values: dict[Key, int | float | None] = {}
    for dimension, row in rows:
        key = (row.indicator, None, None) if row.group is None else (row.indicator, dimension, row.group)
        values.setdefault(key, row.value)
    keys = list(values)
    masked = {k for k in keys if _maskable(k, territory) and (values[k] or 0) < limit}
    order = {k: i for i, k in enumerate(keys)}
    lines = _lines(keys)
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            if sum(k in masked for k in (total, *parts)) != 1:
                continue
            candidates = [k for k in parts if k not in masked and _maskable(k, territory)]
            if candidates:
                masked.add(min(candidates, key=lambda k: (values[k] or 0, order[k])))
            elif total not in masked and _maskable(total, territory):
                masked.add(total)
            else:
                continue  # nothing maskable left: every other figure is public anyway
            changed = True
    figures = []
    for key in keys:
        indicator, dimension, group = key
        population = INDICATORS[indicator].population
        hidden = key in masked or (population is not None and (population, dimension, group) in masked)
        figures.append(Figure(indicator, dimension, group, None if hidden else values[key], hidden))
    return figures
