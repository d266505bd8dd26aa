from datetime import date

import pytest

from indicators.periods import PeriodError, parse_period, period_choices


@pytest.mark.parametrize(
    "code, start, end, label",
    [
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "Année 2026"),
        ("2026-S1", date(2026, 1, 1), date(2026, 7, 1), "1er semestre 2026"),
        ("2026-S2", date(2026, 7, 1), date(2027, 1, 1), "2d semestre 2026"),
        ("2026-03", date(2026, 3, 1), date(2026, 4, 1), "Mars 2026"),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1), "Décembre 2026"),
    ],
)
def test_periods_are_half_open_month_aligned_intervals(code, start, end, label):
    period = parse_period(code)
    assert (period.start, period.end, period.label, period.code) == (start, end, label, code)


@pytest.mark.parametrize("code", ["", "26", "2026-S3", "2026-13", "2026-00", "2026-3", "S1-2026", "2026-Q1"])
def test_malformed_periods_are_refused_in_french(code):
    with pytest.raises(PeriodError, match="Période invalide"):
        parse_period(code)


def test_months_and_reference_date():
    period = parse_period("2026-S2")
    assert period.months == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
    assert period.reference_date(date(2026, 11, 22)) == date(2026, 11, 22)
    assert period.reference_date(date(2027, 3, 1)) == date(2026, 12, 31)


def test_choices_offer_begun_periods_only():
    codes = [code for code, _ in period_choices(date(2026, 3, 10))]
    assert codes[:2] == ["2026", "2026-S1"]
    assert "2026-S2" not in codes
    assert "2024-S2" in codes
