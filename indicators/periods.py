"""Reporting periods: a year ("2026"), a semester ("2026-S1") or a month ("2026-03")."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

MONTH_ABBREVIATIONS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-S(?P<semester>[12])|-(?P<month>0[1-9]|1[0-2]))?$")

INVALID_PERIOD = (
    "Période invalide « {code} » : attendu une année (2026), un semestre (2026-S1) ou un mois (2026-03)."
)


# Years an indicator may be asked for: the plans go back to the 2000s; year 0
# or 9999 would not even make a date.
MIN_YEAR, MAX_YEAR = 1900, 2999
YEAR_OUT_OF_RANGE = "Période invalide « {code} » : l'année doit être comprise entre {low} et {high}."


class PeriodError(ValueError):
    """A malformed period code. The message is French."""


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A half-open date interval [start, end) aligned on calendar months."""

    code: str
    kind: str  # "year" | "semester" | "month"
    start: date
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def months(self) -> list[str]:
        """The "YYYY-MM" codes of the months the period covers, in order."""
        out, day = [], self.start
        while day < self.end:
            out.append(f"{day:%Y-%m}")
            day = _add_months(day, 1)
        return out

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"Année {self.start.year}"
        if self.kind == "semester":
            half = "1er" if self.start.month == 1 else "2d"
            return f"{half} semestre {self.start.year}"
        return f"{MONTH_NAMES[self.start.month - 1].capitalize()} {self.start.year}"

    def reference_date(self, today: date) -> date:
        """The day state indicators (charters, memberships) are read on: the
        period's last day, or today for a period still running."""
        return min(self.last_day, today)


def parse_period(code: str) -> Period:
    match = _PATTERN.match((code or "").strip())
    if not match:
        raise PeriodError(INVALID_PERIOD.format(code=code))
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(YEAR_OUT_OF_RANGE.format(code=code, low=MIN_YEAR, high=MAX_YEAR))
    if match["semester"]:
        start = date(year, 1 if match["semester"] == "1" else 7, 1)
        return Period(
            code=f"{year}-S{match['semester']}", kind="semester", start=start, end=_add_months(start, 6)
        )
    if match["month"]:
        start = date(year, int(match["month"]), 1)
        return Period(code=f"{start:%Y-%m}", kind="month", start=start, end=_add_months(start, 1))
    return Period(code=str(year), kind="year", start=date(year, 1, 1), end=date(year + 1, 1, 1))


def month_label(code: str) -> str:
    """ "2026-03" → "mars 2026"."""
    year, month = code.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year}"


def period_choices(today: date, years: int = 3) -> list[tuple[str, str]]:
    """Recent periods for the dashboard's selector, newest first."""
    choices = []
    for year in range(today.year, today.year - years, -1):
        for code in (str(year), f"{year}-S2", f"{year}-S1"):
            period = parse_period(code)
            if period.start <= today:
                choices.append((period.code, period.label))
    return choices
