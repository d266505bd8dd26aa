"""Indicators for the evaluation of the departmental plan (domain.md §5).

Aggregated and non-nominative: every figure is a SQL aggregate over cases,
measures, bilans, cells and memberships of one territory and one period.

Public entry point, for the dashboard, the API, the exports and the benchmark:

    indicators.compute(territory, period, group_by=None) -> list[Row]

`territory` is a `Territory` or a spec string ("departement:62",
"arrondissement:<id>", "partnership:<id>", "cell:<id>"); `period` a `Period`
or a code ("2026", "2026-S1", "2026-03"); `group_by` None or one of
"profil", "age_band", "sex", "orientation" (plus "month", "cell",
"partnership", used by the dashboard). Each `Row` is a named tuple
(indicator, group, value): group None is the total. Values are *raw*: small
counts are masked afterwards by `indicators.suppression` (see `report`).
"""


def compute(territory, period, group_by=None, *, today=None):
    """Raw indicator rows for `territory` × `period` (see module docstring).

    `today` (default: the local date) is the day state indicators are read on
    when the period is still running.
    """
    from indicators.engine import compute as _compute

    return _compute(territory, period, group_by, today=today)
