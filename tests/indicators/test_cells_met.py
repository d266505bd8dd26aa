"""'Cellules réunies': active cells that held at least one séance in the period (domain.md §5)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from indicators import compute
from meetings.models import Seance
from tests.factories import world

PARIS = ZoneInfo("Europe/Paris")


def seance(cell, when: date, status: str) -> Seance:
    return Seance.objects.create(
        cell=cell,
        starts_at=datetime(when.year, when.month, when.day, 14, tzinfo=PARIS),
        place="Mairie",
        status=status,
    )


def by_cell(period: str) -> dict[str, int]:
    rows = compute("departement:62", period, "cell", today=date(2026, 12, 31))
    return {row.group: row.value for row in rows if row.indicator == "cells_met" and row.group is not None}


def test_only_cells_that_held_a_seance_in_the_period_count_as_met():
    w = world()
    centre, ouest, lens = (
        w["cells"]["Arras – centre"],
        w["cells"]["Arras – quartiers ouest"],
        w["cells"]["Lens-Liévin"],
    )
    seance(centre, date(2026, 3, 5), Seance.Status.HELD)
    seance(centre, date(2026, 9, 5), Seance.Status.CLOSED)  # two séances: still one cell
    seance(ouest, date(2026, 4, 2), Seance.Status.PLANNED)  # planned only: not met
    seance(lens, date(2025, 11, 20), Seance.Status.HELD)  # held, but the year before

    totals = {
        row.indicator: row.value
        for row in compute("departement:62", "2026", today=date(2026, 12, 31))
        if row.group is None
    }
    assert totals["cells_met"] == 1
    assert by_cell("2026") == {str(centre.pk): 1, str(ouest.pk): 0, str(lens.pk): 0}
    assert by_cell("2026-S2")[str(centre.pk)] == 1
    assert by_cell("2026-02")[str(centre.pk)] == 0
