"""Small counts are masked at commune and cell level, and no masked figure can be
worked out by subtraction within a report (indicators.suppression; across
reports: test_joint_suppression)."""

import pytest

from indicators.engine import GROUP_BY, Row
from indicators.periods import parse_period
from indicators.report import build_report, display
from indicators.suppression import _lines, _maskable, suppress
from indicators.territories import Territory, territory_of
from tests.indicators.conftest import TODAY

CELL = Territory("cell", 1, "Cellule", partnership_id=1)
PARTNERSHIP = Territory("partnership", 1, "CLSPD", partnership_id=1, communes=3, active_cells=2)


def masked(figures) -> dict:
    return {(f.indicator, f.group): f.suppressed for f in figures}


def test_a_lone_masked_group_masks_the_next_smallest_one_not_the_total():
    rows = [("sex", Row("youths_signalled", None, 11)), ("sex", Row("youths_signalled", "F", 2))]
    rows += [("sex", Row("youths_signalled", "M", 9))]
    got = masked(suppress(rows, CELL))
    assert got == {
        ("youths_signalled", None): False,
        ("youths_signalled", "F"): True,
        ("youths_signalled", "M"): True,
    }


def test_two_masked_groups_need_nothing_more():
    rows = [("profil", Row("rappels_held", None, 16))]
    rows += [("profil", Row("rappels_held", g, v)) for g, v in (("a", 3), ("b", 0), ("c", 6), ("d", 7))]
    got = masked(suppress(rows, CELL))
    assert [got[("rappels_held", g)] for g in (None, "a", "b", "c", "d")] == [False, True, True, False, False]


def test_the_next_smallest_is_chosen_by_value_then_display_order():
    rows = [("month", Row("bilans_presented", None, 23))]
    rows += [
        ("month", Row("bilans_presented", g, v)) for g, v in (("01", 9), ("02", 1), ("03", 6), ("04", 7))
    ]
    got = masked(suppress(rows, CELL))
    assert [got[("bilans_presented", g)] for g in ("01", "02", "03", "04")] == [False, True, True, False]


def test_a_total_below_the_threshold_is_masked_with_its_groups():
    rows = [("sex", Row("youths_signalled", None, 3))]
    rows += [("sex", Row("youths_signalled", "F", 3)), ("sex", Row("youths_signalled", "M", 0))]
    assert all(masked(suppress(rows, CELL)).values())


def test_nothing_is_masked_for_a_partnership_of_several_communes_and_cells():
    rows = [("sex", Row("youths_signalled", None, 3)), ("sex", Row("youths_signalled", "F", 1))]
    rows += [("sex", Row("youths_signalled", "M", 2))]
    assert not any(masked(suppress(rows, PARTNERSHIP)).values())


def test_cells_of_a_partnership_are_masked_and_protected_from_the_public_total():
    rows = [("cell", Row("closures", None, 20))]
    rows += [("cell", Row("closures", g, v)) for g, v in (("1", 2), ("2", 8), ("3", 10))]
    got = masked(suppress(rows, PARTNERSHIP))
    assert [got[("closures", g)] for g in (None, "1", "2", "3")] == [False, True, True, False]


def test_closure_reasons_are_a_line_under_all_closures():
    rows = [(None, Row("closures", None, 14))]
    rows += [
        (None, Row(f"closures.{r}", None, v)) for r, v in (("objectifs_atteints", 7), ("refus_adhesion", 5))
    ]
    rows += [
        (None, Row(f"closures.{r}", None, 2 if r == "demenagement" else 0))
        for r in ("classement", "demenagement", "prise_en_charge_exclusive", "perdu_de_vue", "25_ans")
    ]
    got = masked(suppress(rows, CELL))
    assert got[("closures.demenagement", None)] and got[("closures.classement", None)]
    assert not got[("closures", None)] and not got[("closures.refus_adhesion", None)]
    # With every zero shown as well (threshold 1: only zeros masked), one masked
    # reason alone would be given away by 14 - 7 - 5: the next smallest goes too.
    rows = [(None, Row("closures", None, 14))]
    rows += [
        (None, Row(f"closures.{r}", None, v)) for r, v in (("objectifs_atteints", 9), ("refus_adhesion", 5))
    ]
    rows += [(None, Row("closures.demenagement", None, 0))]
    got = masked(suppress(rows, CELL))
    assert got[("closures.demenagement", None)] and got[("closures.refus_adhesion", None)]


def test_masking_cascades_across_lines():
    # Closures by reason × sex is a two-dimensional table: "refus / F" (4) is
    # masked; protecting the F column masks "objectifs / F"; that leaves each
    # reason's row with one masked figure, which masks the M column too.
    reasons = ("objectifs_atteints", "refus_adhesion")
    rows = [
        (None, Row("closures", None, 30)),
        ("sex", Row("closures", "F", 12)),
        ("sex", Row("closures", "M", 18)),
    ]
    rows += [(None, Row(f"closures.{reasons[0]}", None, 21)), (None, Row(f"closures.{reasons[1]}", None, 9))]
    rows += [("sex", Row(f"closures.{reasons[0]}", "F", 8)), ("sex", Row(f"closures.{reasons[1]}", "F", 4))]
    rows += [("sex", Row(f"closures.{reasons[0]}", "M", 13)), ("sex", Row(f"closures.{reasons[1]}", "M", 5))]
    got = masked(suppress(rows, CELL))
    assert got[(f"closures.{reasons[1]}", "F")]  # primary (4)
    assert got[(f"closures.{reasons[0]}", "F")]  # protects the F column
    assert got[(f"closures.{reasons[1]}", "M")]  # protects the refus row
    assert got[(f"closures.{reasons[0]}", "M")]  # protects the M column
    assert not got[("closures", "F")] and not got[("closures", None)]


def test_a_median_is_masked_with_the_count_it_is_computed_on():
    rows = [(None, Row("cases_examined", None, 3)), (None, Row("median_days_to_examen", None, 12.0))]
    figures = suppress(rows, CELL)
    assert [f.suppressed for f in figures] == [True, True]
    assert [f.value for f in figures] == [None, None]
    # "< 5" next to a delay would read as days.
    assert [display(f) for f in figures] == ["< 5", "effectif < 5"]


def test_charter_figures_are_never_masked():
    rows = [(None, Row("cells_active", None, 1)), (None, Row("members_signed_pct", None, 50.0))]
    assert not any(f.suppressed for f in suppress(rows, CELL))


def test_masked_figures_carry_no_value_and_read_below_the_threshold(settings):
    settings.INDICATORS_SUPPRESSION_THRESHOLD = 3
    figures = suppress([(None, Row("rappels_held", None, 2)), (None, Row("bilans_presented", None, 3))], CELL)
    assert [(f.value, f.suppressed, display(f)) for f in figures] == [(None, True, "< 3"), (3, False, "3")]


@pytest.mark.parametrize("group_by", [*GROUP_BY, None])
def test_no_masked_figure_of_a_real_report_can_be_worked_out(plan, group_by):
    """The complement: in every additive line of a cell's or partnership's report,
    zero or at least two figures are masked (unless nothing else is maskable)."""
    for territory in (territory_of(plan.centre), territory_of(plan.ouest), territory_of(plan.arras)):
        report = build_report(territory, parse_period("2026"), group_by, today=TODAY)
        hidden = {f.key for f in report.figures if f.suppressed}
        for total, parts in _lines([f.key for f in report.figures]):
            lone = sum(k in hidden for k in (total, *parts)) == 1
            if lone:
                others = [k for k in (total, *parts) if k not in hidden]
                assert not any(_maskable(k, territory) for k in others), (territory, total)
        assert all(f.value is None for f in report.figures if f.suppressed)


def test_a_real_cell_report_masks_small_counts(plan):
    report = build_report(territory_of(plan.centre), parse_period("2026"), "sex", today=TODAY)
    youths = report.figure("youths_signalled")
    assert (youths.value, youths.suppressed) == (5, False)
    assert report.figure("youths_signalled", "sex", "F").suppressed  # 2
    assert report.figure("youths_signalled", "sex", "M").suppressed  # 3
    assert report.figure("rappels_held").suppressed  # 1
    assert report.figure("median_days_to_examen").suppressed  # on 4 cases
    assert report.figure("members_signed_pct").value == 50.0
    # The partnership's figures are published as they are.
    arras = build_report(territory_of(plan.arras), parse_period("2026"), "sex", today=TODAY)
    assert arras.figure("rappels_held").value == 6
    assert arras.figure("youths_signalled", "sex", "F").value == 4
    # ...but its cells are not: centre's 1 rappel masks ouest's 5 as well.
    assert arras.figure("rappels_held", "cell", str(plan.centre.pk)).suppressed
    assert arras.figure("rappels_held", "cell", str(plan.ouest.pk)).suppressed
