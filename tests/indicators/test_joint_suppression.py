"""Attacks on the published indicators, and why they now fail.

Hole 1: a partnership covering one commune (or with one active cell)
published its small counts as they are, though they are commune-level (or
cell-level) figures. Hole 2: reports were masked one at a time, so a figure
masked in one report could be worked out from others: the year minus its
first semester, a partnership minus the one cell shown plainly on its own
page, the year minus the months shown on their own pages. The mask of a
partnership, its cells and a year is now decided jointly
(`indicators.suppression`, rule 4).
"""

from datetime import date
from unittest import mock

import pytest
from django.urls import reverse

from casework.models import Cell, Commune, Membership, Partnership
from indicators.engine import GROUP_BY, compute, compute_cube
from indicators.periods import parse_period
from indicators.report import build_report, joint_figures, published_report
from indicators.suppression import joint_suppress
from indicators.territories import parse_territory
from tests.factories import make_case, make_user, world
from tests.indicators.conftest import TODAY
from tests.indicators.test_publication import csv_rows

DASHBOARD = reverse("indicators:dashboard")
CSV = reverse("indicators:export-csv")
API = "/api/v1/indicators/"
YEAR = "2025"  # over whatever day the tests run: figures do not depend on it
PERIODS = [YEAR, f"{YEAR}-S1", f"{YEAR}-S2", *(f"{YEAR}-{m:02d}" for m in range(1, 13))]
PERIODS_2026 = [p.replace(YEAR, "2026") for p in PERIODS]


def signal(cell, *days, sex="M"):
    for day in days:
        make_case(cell, signaled_on=day, sex=sex)


def api_figures(client, spec: str, period: str, group_by: str | None = None) -> dict:
    params = {"territory": spec, "period": period}
    if group_by:
        params["group_by"] = group_by
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return {(r["indicator"], r["dimension"], r["group"]): r for r in response.json()["results"]}


@pytest.fixture
def arras():
    """The CLSPD d'Arras (three communes, two active cells): in 2025, "centre"
    signals 5 youths in the first semester and 2 in the second; "ouest" 3 in
    March and 9 in October (girls and boys mixed)."""
    w = world()
    centre, ouest = w["cells"]["Arras – centre"], w["cells"]["Arras – quartiers ouest"]
    signal(centre, date(2025, 1, 10), date(2025, 1, 20), date(2025, 2, 3), date(2025, 4, 7), date(2025, 6, 2))
    signal(centre, date(2025, 9, 8), date(2025, 11, 4))
    signal(ouest, date(2025, 3, 3), date(2025, 3, 4), sex="F")
    signal(ouest, date(2025, 3, 5))
    signal(ouest, *(date(2025, 10, d) for d in range(1, 6)), sex="F")
    signal(ouest, *(date(2025, 10, d) for d in range(6, 10)))
    return w


@pytest.fixture
def prefecture(arras):
    return make_user(institution=arras["institutions"]["prefecture"])


# --- Hole 2: differencing across reports ---------------------------------------


def test_the_year_minus_its_first_semester_does_not_give_the_second(client, arras, prefecture):
    client.force_login(prefecture)
    centre = f"cell:{arras['cells']['Arras – centre'].pk}"
    year, s1, s2 = (api_figures(client, centre, p)[("youths_signalled", None, None)] for p in PERIODS[:3])
    # Raw: 7 = 5 + 2. Masked one report at a time, the year (7) and the first
    # semester (5) were shown and the second worked out as 7 - 5 = 2.
    assert s2["suppressed"] and s2["display"] == "< 5"
    assert year["suppressed"] or s1["suppressed"]
    assert s1["value"] is None or year["value"] is None


def test_a_cell_on_its_own_reads_as_in_its_partnership_split(client, plan):
    """In 2026 the CLSPD d'Arras held 6 rappels: 1 in "centre", 5 in "ouest".
    Its split masks both cells (the 5 to protect the 1); "ouest" on its own
    page showed 5, and 6 - 5 gave "centre"'s 1 away."""
    client.force_login(make_user(institution=plan.world["institutions"]["prefecture"]))
    split = api_figures(client, f"partnership:{plan.arras.pk}", "2026", "cell")
    assert split[("rappels_held", None, None)]["value"] == 6
    assert split[("rappels_held", "cell", str(plan.centre.pk))]["suppressed"]
    assert split[("rappels_held", "cell", str(plan.ouest.pk))]["suppressed"]
    ouest = api_figures(client, f"cell:{plan.ouest.pk}", "2026")[("rappels_held", None, None)]
    assert (ouest["value"], ouest["suppressed"]) == (None, True)
    # The dashboard's split and the cell's own dashboard agree as well.
    page = client.get(DASHBOARD, {"territory": f"cell:{plan.ouest.pk}", "period": "2026"})
    assert page.context["report"].figure("rappels_held").suppressed


def test_a_month_on_its_own_reads_as_in_the_monthly_series(arras):
    """On 20 March 2025, a cell has signalled 6 youths in January, 7 in
    February and 2 in March. The year's monthly series masks March (2) and, to
    protect it, January (6); January's own report showed 6, and 15 - 7 - 6 = 2."""
    w = arras
    cell = Cell.objects.create(partnership=w["partnerships"]["arras"], name="Arras – sud", kind="quartier")
    cell.communes.add(w["communes"]["Arras"])
    signal(cell, *(date(2025, 1, d) for d in range(6, 12)))
    signal(cell, *(date(2025, 2, d) for d in range(2, 9)))
    signal(cell, date(2025, 3, 5), date(2025, 3, 6))
    today = date(2025, 3, 20)
    territory = parse_territory(f"cell:{cell.pk}")
    year = build_report(territory, parse_period(YEAR), today=today)
    assert year.figure("youths_signalled").value == 15
    series = {m: year.figure("youths_signalled", "month", m) for m in ("2025-01", "2025-02", "2025-03")}
    assert series["2025-03"].suppressed and series["2025-01"].suppressed
    for month, in_series in series.items():
        alone = build_report(territory, parse_period(month), today=today).figure("youths_signalled")
        assert (alone.value, alone.suppressed) == (in_series.value, in_series.suppressed), month
    # year - February - January is no longer computable: two months stay masked.
    assert sum(f.suppressed for f in series.values()) >= 2


def _lines(cells: list[str], partnership: str) -> list[tuple[tuple, list[tuple]]]:
    """What an attacker subtracts: (territory, period, group) totals and parts."""
    months = PERIODS[3:]
    lines = []
    for spec in [partnership, *cells]:
        for group in (None, "F", "M"):
            lines.append(((spec, YEAR, group), [(spec, PERIODS[1], group), (spec, PERIODS[2], group)]))
            lines.append(((spec, YEAR, group), [(spec, m, group) for m in months]))
            lines.append(((spec, PERIODS[1], group), [(spec, m, group) for m in months[:6]]))
            lines.append(((spec, PERIODS[2], group), [(spec, m, group) for m in months[6:]]))
        for period in PERIODS:
            lines.append(((spec, period, None), [(spec, period, "F"), (spec, period, "M")]))
    for period in PERIODS:
        for group in (None, "F", "M"):
            lines.append(((partnership, period, group), [(cell, period, group) for cell in cells]))
    return lines


def test_no_figure_masked_anywhere_can_be_worked_out_from_all_the_reports(client, arras, prefecture):
    """Every report of the partnership and of its cells, for the year, its
    semesters and its months, by sex: no sum has exactly one unknown figure."""
    client.force_login(prefecture)
    partnership = f"partnership:{arras['partnerships']['arras'].pk}"
    cells = [f"cell:{c.pk}" for c in arras["partnerships"]["arras"].cells.filter(is_active=True)]
    known: dict[tuple, dict] = {}
    for spec in [partnership, *cells]:
        for period in PERIODS:
            for (indicator, _, group), record in api_figures(client, spec, period, "sex").items():
                if indicator == "youths_signalled":
                    known[(spec, period, group)] = record
    masked = {key for key, record in known.items() if record["suppressed"]}
    assert masked, "the scenario has small counts"
    for total, parts in _lines(cells, partnership):
        line = [total, *parts]
        assert all(key in known for key in line)
        unknown = [key for key in line if key in masked]
        assert len(unknown) != 1, f"{unknown[0]} = difference of {line}"
    # The partnership's own figures are published as they are.
    assert not any(known[(partnership, period, None)]["suppressed"] for period in PERIODS[:3])


# --- Hole 1: a partnership of one commune, or of one cell -----------------------


@pytest.fixture
def beaurains(arras):
    """A CLSPD covering one commune, with two cells: 3 + 1 youths in 2025."""
    commune = Commune.objects.create(
        insee_code="62099",
        name="Beaurains",
        arrondissement=arras["communes"]["Arras"].arrondissement,
        tribunal=arras["communes"]["Arras"].tribunal,
    )
    partnership = Partnership.objects.create(
        kind=Partnership.Kind.CLSPD, name="CLSPD de Beaurains", code="BEA"
    )
    partnership.communes.add(commune)
    for name, days in (("Beaurains – nord", 3), ("Beaurains – sud", 1)):
        cell = Cell.objects.create(partnership=partnership, name=name, kind="quartier")
        cell.communes.add(commune)
        signal(cell, *(date(2025, 5, d) for d in range(1, days + 1)))
    return partnership


def test_which_territories_mask_small_counts(plan, beaurains, django_assert_num_queries):
    with django_assert_num_queries(1):
        one_commune = parse_territory(f"partnership:{beaurains.pk}")
    assert (one_commune.communes, one_commune.active_cells) == (1, 2)
    assert one_commune.small_count_level  # one commune
    assert parse_territory(f"partnership:{plan.lens_partnership.pk}").small_count_level  # one cell
    assert not parse_territory(f"partnership:{plan.arras.pk}").small_count_level
    assert parse_territory(f"cell:{plan.centre.pk}").small_count_level
    assert not parse_territory("departement:62").small_count_level
    # Deactivating a cell of Arras leaves it with one: its figures are that cell's.
    plan.ouest.is_active = False
    plan.ouest.save()
    assert parse_territory(f"partnership:{plan.arras.pk}").small_count_level


def test_a_one_commune_clspd_masks_its_small_counts_everywhere(client, beaurains, prefecture):
    client.force_login(prefecture)
    params = {"territory": f"partnership:{beaurains.pk}", "period": YEAR}
    youths = api_figures(client, params["territory"], YEAR)[("youths_signalled", None, None)]
    assert (youths["value"], youths["suppressed"], youths["display"]) == (None, True, "< 5")

    page = client.get(DASHBOARD, params)
    report = page.context["report"]
    assert report.figure("youths_signalled").suppressed
    headline = next(h for h in page.context["headline"] if h["indicator"].code == "youths_signalled")
    assert (headline["display"], headline["masked"]) == ("< 5", True)

    rows = csv_rows(client.get(CSV, params).content)
    total = next(r for r in rows if r["Code"] == "youths_signalled" and r["Ventilation"] == "Total")
    assert (total["Valeur"], total["Masqué"]) == ("< 5", "oui")
    # The split by cell (3 and 1) is masked too, and nothing in the export reads 4, 3 or 1.
    by_cell = [r for r in rows if r["Code"] == "youths_signalled" and r["Ventilation"] == "Cellule"]
    assert [r["Valeur"] for r in by_cell] == ["< 5", "< 5"]


def test_a_one_cell_partnership_masks_its_small_counts(client, plan):
    """The CISPD de Lens-Liévin covers three communes but has one cell: its 1 youth is that cell's."""
    client.force_login(make_user(institution=plan.world["institutions"]["prefecture"]))
    for spec in (f"partnership:{plan.lens_partnership.pk}", f"cell:{plan.lens.pk}"):
        youths = api_figures(client, spec, "2026")[("youths_signalled", None, None)]
        assert (youths["value"], youths["suppressed"]) == (None, True), spec
    # A partnership of several communes and cells publishes its totals.
    arras = api_figures(client, f"partnership:{plan.arras.pk}", "2026")
    assert arras[("youths_signalled", None, None)]["value"] == 11


# --- The joint computation ------------------------------------------------------


RUNNING = date(2026, 9, 15)  # the year 2026 still running: October to December not begun


@pytest.mark.parametrize(
    "group_by, today",
    [(None, TODAY), ("sex", TODAY), ("orientation", TODAY), ("profil", RUNNING), ("age_band", RUNNING)],
)
def test_the_cube_holds_what_compute_gives_each_report(plan, group_by, today):
    """One query per family for the whole year, yet the same figures as
    `compute` for every territory, period and group: counts and medians."""
    assert set(GROUP_BY) == {"profil", "age_band", "sex", "orientation"}
    for partnership in (plan.arras, plan.lens_partnership):
        territory = parse_territory(f"partnership:{partnership.pk}")
        cube = compute_cube(territory, parse_period("2026-03"), group_by, today=today)
        codes = {key[0] for key in cube.values}
        assert "youths_signalled" in codes and "median_days_to_examen" in codes
        assert "cells_active" not in codes  # never masked: not in the joint table
        assert [p.code for p in cube.periods] == PERIODS_2026[: 15 if today == TODAY else 3 + 9]
        assert cube.territories[1:] == [f"cell:{c.pk}" for c in partnership.cells.filter(is_active=True)]
        checked = 0
        for spec in cube.territories:
            for period in cube.periods:
                for row in compute(parse_territory(spec), period, group_by, today=today):
                    if row.indicator in codes:
                        assert cube.values[(row.indicator, spec, period.code, row.group)] == row.value
                        checked += 1
        assert checked == len(cube.values)


def test_the_joint_mask_is_computed_once_for_every_report_of_the_year(client, plan, settings):
    client.force_login(make_user(institution=plan.world["institutions"]["prefecture"]))
    with mock.patch("indicators.report.compute_cube", wraps=compute_cube) as cube:
        for spec, period in (
            (f"partnership:{plan.arras.pk}", "2026"),
            (f"cell:{plan.centre.pk}", "2026-S1"),
            (f"cell:{plan.ouest.pk}", "2026-03"),
        ):
            assert client.get(DASHBOARD, {"territory": spec, "period": period}).status_code == 200
        assert cube.call_count == 1
        client.get(DASHBOARD, {"territory": f"cell:{plan.centre.pk}", "period": "2026", "group_by": "sex"})
        assert cube.call_count == 2  # another breakdown, another table
        client.get(DASHBOARD, {"territory": "departement:62", "period": "2026"})
        assert cube.call_count == 2  # a département masks nothing of its own


def test_the_cached_joint_mask_holds_masked_figures_only(plan):
    cell = parse_territory(f"cell:{plan.centre.pk}")
    first = joint_figures(cell, parse_period("2026"), "sex", TODAY)
    again = joint_figures(cell, parse_period("2026"), "sex", TODAY)
    assert again == first and again.masked
    assert all(again.values[key] is None for key in again.masked)
    raw = compute_cube(
        parse_territory(f"partnership:{plan.arras.pk}"), parse_period("2026"), "sex", today=TODAY
    )
    assert again.values == joint_suppress(raw, parse_territory(f"partnership:{plan.arras.pk}")).values
    assert any(raw.values[key] for key in again.masked)  # masked values were not all zeros


def test_a_cached_joint_mask_is_still_refused_out_of_scope(client, plan):
    client.force_login(make_user(institution=plan.world["institutions"]["prefecture"]))
    assert client.get(DASHBOARD, {"territory": f"cell:{plan.lens.pk}", "period": "2026"}).status_code == 200
    mairie = plan.world["institutions"]["mairie_arras"]
    coordinator = make_user(institution=mairie)
    Membership.objects.create(
        user=coordinator, partnership=plan.arras, institution=mairie, role=Membership.Role.COORDONNATEUR
    )
    client.force_login(coordinator)
    with mock.patch("indicators.report.joint_figures") as joint:
        for spec in (f"partnership:{plan.lens_partnership.pk}", f"cell:{plan.lens.pk}"):
            assert client.get(DASHBOARD, {"territory": spec, "period": "2026-S1"}).status_code == 404
            assert client.get(API, {"territory": spec, "period": "2026"}).status_code == 404
        assert not joint.called


def test_a_report_is_reused_only_with_its_joint_mask(plan):
    """Once the joint mask is recomputed (it expired), no report cut from the
    old one is served any more: two reports read together share one mask."""
    from django.core.cache import cache

    cell, period = parse_territory(f"cell:{plan.centre.pk}"), parse_period("2026")
    first = published_report(cell, period)
    assert published_report(cell, period).computed_at == first.computed_at
    real_get = cache.get

    def joint_expired(key, *args, **kwargs):
        return None if ":joint:" in key else real_get(key, *args, **kwargs)

    with mock.patch("indicators.report.cache.get", side_effect=joint_expired):
        again = published_report(cell, period)
    assert again.computed_at > first.computed_at
    assert again.figures == first.figures  # same data, same mask


def test_a_departement_split_masks_commune_level_partnerships(beaurains):
    """In 2025, the département's split by partnership: CLSPD de Beaurains (one commune)
    4 youths, CISPD de Lens-Liévin (one cell) none, CLSPD d'Arras 19."""
    w = world()
    arras, lens = w["partnerships"]["arras"], w["partnerships"]["lens"]
    report = build_report(parse_territory("departement:62"), parse_period(YEAR), today=TODAY)
    split = {
        f.group: f
        for f in report.figures
        if f.indicator == "youths_signalled" and f.dimension == "partnership"
    }

    assert split[str(beaurains.pk)].suppressed and split[str(beaurains.pk)].value is None
    assert split[str(lens.pk)].suppressed
    assert split[str(arras.pk)].value == 19  # a partnership of several communes and cells
    assert report.figure("youths_signalled").value == 23  # the département publishes its total


def test_a_lone_small_partnership_takes_another_with_it_in_a_split():
    """Département total 23 = a wide partnership's 19 + a one-commune CLSPD's 4: masking the
    4 alone would leave it as 23 - 19."""
    from indicators.engine import Row
    from indicators.suppression import suppress

    rows = [
        (None, Row("youths_signalled", None, 23)),
        ("partnership", Row("youths_signalled", "1", 19)),
        ("partnership", Row("youths_signalled", "2", 4)),
    ]
    world()
    departement = parse_territory("departement:62")
    figures = {f.group: f for f in suppress(rows, departement, frozenset({"2"}))}

    assert figures["2"].suppressed and figures["1"].suppressed
    assert figures[None].value == 23
    # Without a small partnership in it, a split publishes everything.
    assert not any(f.suppressed for f in suppress(rows, departement))
