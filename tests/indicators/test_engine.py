"""Every indicator and breakdown against the hand count of conftest.plan (year 2026).

Hand count, Arras – centre (2026):
- youths signalled: c1 (youth A), c2 (B), c3 (C), c5 (E), c6 (A again), c8
  (purged: counts as one), but not c7 (youth D, first signalled in 2025 as c4)
  → A, B, C, E, c8 = 5. F: A, c8 = 2; M: B, C, E = 3. 12-15: A; 16-17: B, E;
  18-25: C, c8. Décrocheur: A, E; primo: B; réitérant: C; sortant: c8.
  Months: Jan 2 (c1, c2), Mar 1, May 1 (c6 → A), Jun 1, Aug 1, others 0.
  Orientations: rappel: A (c1), E (c5); cddf: B; référent: A; récidive: C.
- rappels held: c1 (c5's was "non présenté") = 1; CDDF saisines: c2 = 1;
  accompagnements acceptés: c2 = 1.
- follow-ups référent: c1 and c4 (accepted 12/2025, ended 10/02/2026) = 2;
  récidive: c3 = 1. Bilans: c1, c3 = 2.
- closures: c3 objectifs, c4 refus, c8 perdu de vue = 3.
- examined in 2026: c1 10 d, c2 30 d, c3 20 d, c5 10 d → median 15.
- first bilans: c1 90 d, c3 180 d → median 135.
Ouest: 6 youths (F 2, M 4; 12-15: 2, 16-17: 1, 18-25: 3; décrocheur 4, primo
1, réitérant 1); 5 rappels; 1 saisine; 5 closures (objectifs 3, déménagement
1, classement 1); examined 10, 15, 30, 20, 10 → median 15.
Lens: 1 youth, examined in 20 d, 1 follow-up référent.
"""

from datetime import date

import pytest

from casework.models.codes import age_band
from indicators import compute
from indicators.engine import Row
from indicators.territories import territory_of
from tests.factories import make_case
from tests.indicators.conftest import TODAY


def values(rows: list[Row]) -> dict:
    return {(r.indicator, r.group): r.value for r in rows}


def totals(territory, period="2026", **kwargs) -> dict:
    return {
        k[0]: v for k, v in values(compute(territory, period, today=TODAY, **kwargs)).items() if k[1] is None
    }


CENTRE = {
    "youths_signalled": 5,
    "rappels_held": 1,
    "cddf_referrals": 1,
    "parental_support_accepted": 1,
    "followups_referent": 2,
    "followups_recidive": 1,
    "bilans_presented": 2,
    "closures": 3,
    "closures.objectifs_atteints": 1,
    "closures.refus_adhesion": 1,
    "closures.perdu_de_vue": 1,
    "closures.demenagement": 0,
    "closures.classement": 0,
    "stalled_cases": 3,  # c2, c4, c5 (two flags, one case)
    "cases_examined": 4,
    "median_days_to_examen": 15.0,
    "designations_first_bilan": 2,
    "median_days_to_first_bilan": 135.0,
    "cells_active": 1,
    "cells_with_charter": 1,
    "cells_with_charter_pct": 100.0,
    "members_current": 2,  # m1, m2 (m3 left in May)
    "members_signed": 1,  # m1 (m2 signed only v1)
    "members_signed_pct": 50.0,
}


def test_cell_totals(plan):
    got = totals(territory_of(plan.centre))
    assert {k: got[k] for k in CENTRE} == CENTRE


def test_partnership_totals(plan):
    got = totals(territory_of(plan.arras))
    assert got["youths_signalled"] == 11
    assert got["rappels_held"] == 6
    assert got["cddf_referrals"] == 2
    assert got["parental_support_accepted"] == 1
    assert got["followups_referent"] == 2
    assert got["followups_recidive"] == 1
    assert got["bilans_presented"] == 2
    assert got["closures"] == 8
    assert got["closures.objectifs_atteints"] == 4
    assert got["closures.classement"] == 1
    assert got["cases_examined"] == 9
    # 10, 10, 10, 10, 15, 20, 20, 30, 30
    assert got["median_days_to_examen"] == 15.0
    assert got["cells_active"] == 2  # the inactive cell does not count
    assert got["cells_with_charter_pct"] == 100.0
    assert (got["members_current"], got["members_signed"], got["members_signed_pct"]) == (3, 2, 66.7)


def test_departement_and_arrondissement_totals(plan):
    dep = totals("departement:62")
    assert dep["youths_signalled"] == 12
    assert dep["followups_referent"] == 3
    assert dep["stalled_cases"] == 4  # c2, c4, c5, o6 (l1's was cleared in 2025)
    assert dep["cases_examined"] == 10
    # 10, 10, 10, 10, 15, 20, 20, 20, 30, 30: percentile_cont interpolates.
    assert dep["median_days_to_examen"] == 17.5
    # Arras (two cells, charter) and Lens (no charter).
    assert (dep["cells_active"], dep["cells_with_charter"], dep["cells_with_charter_pct"]) == (3, 2, 66.7)
    assert (dep["members_current"], dep["members_signed"], dep["members_signed_pct"]) == (4, 2, 50.0)
    arrondissements = {a.name: a for a in plan.world["departement"].arrondissements.all()}
    assert totals(territory_of(arrondissements["Arras"]))["youths_signalled"] == 11
    lens = totals(territory_of(arrondissements["Lens"]))
    assert (lens["youths_signalled"], lens["followups_referent"], lens["median_days_to_examen"]) == (
        1,
        1,
        20.0,
    )


def test_partnership_figures_add_up_to_the_departement(plan):
    dep = totals("departement:62")
    arras, lens = totals(territory_of(plan.arras)), totals(territory_of(plan.lens_partnership))
    for code in ("youths_signalled", "rappels_held", "closures", "cases_examined", "followups_referent"):
        assert dep[code] == arras[code] + lens[code], code


def test_semester_and_month_periods(plan):
    s1 = totals(territory_of(plan.centre), "2026-S1")
    # c1, c2, c3, c5, c6 (A again) → A, B, C, E; c8 is in August.
    assert s1["youths_signalled"] == 4
    assert s1["closures"] == 1  # c4 in February
    assert s1["stalled_cases"] == 2  # c2, c4
    assert totals(territory_of(plan.centre), "2026-03")["stalled_cases"] == 0
    # Reference day 30/06/2026: m1 signed v2 on 15/06, m2 never; m3 left on 01/05.
    assert (s1["members_current"], s1["members_signed"]) == (2, 1)
    march = totals(territory_of(plan.ouest), "2026-03")
    assert (march["youths_signalled"], march["rappels_held"]) == (1, 2)
    # The charter in force depends on the reference day: none before 01/06/2025.
    assert totals(territory_of(plan.centre), "2025-03")["cells_with_charter_pct"] == 0.0


def test_a_youth_with_an_earlier_signalement_is_not_counted_again(plan):
    # c4's youth was first signalled in November 2025.
    assert totals(territory_of(plan.centre), "2025")["youths_signalled"] == 1
    assert totals(territory_of(plan.centre), "2026-04")["youths_signalled"] == 0  # c7


def test_a_youth_signalled_again_through_the_service_counts_once(plan):
    """Each signalement keeps its own identity row (as typed); the person's
    cases share one youth number, so "jeunes repérés" counts persons, not rows."""
    c1 = plan.cases["c1"]  # PrénomC1 NomdefamilleC1, signalled in January in the centre cell
    again = make_case(
        plan.ouest,
        first_name="PRENOMC1",
        last_name="nomdefamillec1",
        birth_date=c1.youth.birth_date,
        sex="F",
        signaled_on=date(2026, 11, 3),
    )
    assert again.youth_id != c1.youth_id and again.youth_number == c1.youth_number
    assert totals(territory_of(plan.arras))["youths_signalled"] == 11  # as in test_partnership_totals
    assert totals(territory_of(plan.ouest))["youths_signalled"] == 7  # new in this cell
    assert totals(territory_of(plan.arras), "2026-11")["youths_signalled"] == 0  # signalled before


def test_followups_are_counted_on_every_period_they_overlap(plan):
    assert totals(territory_of(plan.centre), "2026-01")["followups_referent"] == 2  # c1 and c4
    assert totals(territory_of(plan.centre), "2026-03")["followups_referent"] == 1  # c4 ended in February
    assert totals(territory_of(plan.centre), "2026-10")["followups_recidive"] == 0  # ended 30/09


def test_breakdown_by_sex(plan):
    got = values(compute(territory_of(plan.centre), "2026", "sex", today=TODAY))
    assert (got[("youths_signalled", "F")], got[("youths_signalled", "M")]) == (2, 3)
    assert (got[("closures", "F")], got[("closures", "M")]) == (2, 1)  # c4, c8 / c3
    assert (got[("rappels_held", "F")], got[("rappels_held", "M")]) == (1, 0)
    assert (got[("stalled_cases", "F")], got[("stalled_cases", "M")]) == (1, 2)  # c4 / c2, c5


def test_breakdown_by_age_band(plan):
    got = values(compute(territory_of(plan.arras), "2026", "age_band", today=TODAY))
    # centre 1 / 2 / 2, ouest 2 / 1 / 3
    assert [got[("youths_signalled", band)] for band in ("12-15", "16-17", "18-25")] == [3, 3, 5]


def test_breakdown_by_profil(plan):
    got = values(compute(territory_of(plan.centre), "2026", "profil", today=TODAY))
    assert {g: v for (code, g), v in got.items() if code == "youths_signalled" and g} == {
        "decrocheur": 2,
        "primo_delinquant": 1,
        "reiterant": 1,
        "sortant_prison": 1,
    }
    assert got[("median_days_to_examen", "decrocheur")] == 10.0  # c1 and c5
    assert got[("median_days_to_examen", "sortant_prison")] is None  # c8 never examined


def test_breakdown_by_orientation(plan):
    got = values(compute(territory_of(plan.arras), "2026", "orientation", today=TODAY))
    youths = {g: v for (code, g), v in got.items() if code == "youths_signalled" and g}
    # rappel: A, E, o1-o5; cddf: B, o3; référent: A; récidive: C
    assert youths == {"rappel_ordre": 7, "cddf": 2, "referent": 1, "recidive": 1}
    assert got[("rappels_held", "rappel_ordre")] == 6
    assert got[("closures", "rappel_ordre")] == 5  # o1-o5
    assert got[("median_days_to_first_bilan", "recidive")] == 180.0
    # Cells and members have no orientation: totals only.
    assert ("cells_active", "cddf") not in got


def test_monthly_series(plan):
    got = values(compute(territory_of(plan.centre), "2026", "month", today=TODAY))
    series = [got[("youths_signalled", f"2026-{m:02d}")] for m in range(1, 13)]
    assert series == [2, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0]
    assert got[("bilans_presented", "2026-04")] == 1
    # Months not begun are not listed (a masked zero anyone can guess would
    # give away the figure next to it).
    running = values(compute(territory_of(plan.centre), "2026", "month", today=date(2026, 9, 15)))
    assert ("youths_signalled", "2026-09") in running
    assert ("youths_signalled", "2026-10") not in running
    # Stocks have no monthly rows.
    assert ("followups_referent", "2026-01") not in got


def test_split_by_cell_and_partnership(plan):
    by_cell = values(compute(territory_of(plan.arras), "2026", "cell", today=TODAY))
    assert by_cell[("youths_signalled", str(plan.centre.pk))] == 5
    assert by_cell[("youths_signalled", str(plan.ouest.pk))] == 6
    assert by_cell[("members_signed_pct", str(plan.ouest.pk))] == 100.0
    assert ("youths_signalled", str(plan.world["cells"]["Arras – centre"].pk)) in by_cell
    # The inactive cell is not listed.
    assert len([k for k in by_cell if k[0] == "youths_signalled" and k[1]]) == 2
    by_partnership = values(compute("departement:62", "2026", "partnership", today=TODAY))
    assert by_partnership[("youths_signalled", str(plan.lens_partnership.pk))] == 1
    assert by_partnership[("cells_with_charter_pct", str(plan.lens_partnership.pk))] == 0.0


def test_groups_are_zero_filled(plan):
    got = values(compute(territory_of(plan.lens), "2026", "profil", today=TODAY))
    assert got[("youths_signalled", "sortant_prison")] == 0
    assert got[("median_days_to_examen", "sortant_prison")] is None


def test_sql_age_bands_match_the_python_rule(plan):
    from casework.models import Case
    from indicators.sql import age_band_expression

    for age in range(10, 26):
        Case.objects.filter(pk=plan.cases["o6"].pk).update(age_at_signalement=age)
        band = Case.objects.filter(pk=plan.cases["o6"].pk).annotate(
            b=age_band_expression("age_at_signalement")
        )
        assert band.values_list("b", flat=True).get() == age_band(age), age


@pytest.mark.parametrize("group_by", [None, "profil", "orientation", "month"])
def test_portable_median_agrees_with_percentile_cont(plan, group_by):
    from django.db import connection

    from indicators import engine

    ctx = engine._Context(
        territory=territory_of(plan.arras),
        period=engine.parse_period("2026"),
        dimension=group_by,
        today=TODAY,
        connection=connection,
    )
    ctx.groups = engine._expected_groups(group_by, ctx.territory, ctx.period, TODAY)
    for family, count_code, median_code in (
        (engine._examen_delay, "cases_examined", "median_days_to_examen"),
        (engine._first_bilan_delay, "designations_first_bilan", "median_days_to_first_bilan"),
    ):
        source, delay = family(ctx)
        portable = engine._median_rows_portable(source, delay, count_code, median_code, ctx)
        assert values(portable) == values(engine._rows_for(source, ctx))


def test_query_count_is_bounded(plan, django_assert_max_num_queries):
    # One aggregate per family for the totals, one per family for the groups.
    with django_assert_max_num_queries(23):
        compute("departement:62", "2026", "orientation", today=TODAY)


def test_rejects_an_unknown_group_by(plan):
    with pytest.raises(ValueError, match="Ventilation invalide"):
        compute("departement:62", "2026", "youth_name")


def test_second_semester(plan):
    assert totals("departement:62", "2026-S2")["youths_signalled"] == 2  # c8, o6


def test_events_dated_after_today_are_not_counted_yet(plan):
    from tests.indicators import builders as b

    decision = plan.cases["o6"].decisions.first() or b.examine(
        plan.cases["o6"], date(2026, 9, 20), ["rappel_ordre"]
    )
    b.rappel(plan.cases["o6"], decision, held_on=date(2026, 12, 10))
    assert totals(territory_of(plan.ouest), "2026")["rappels_held"] == 6
    running = values(compute(territory_of(plan.ouest), "2026", "month", today=date(2026, 11, 22)))
    assert running[("rappels_held", None)] == 5
    assert ("rappels_held", "2026-12") not in running


def test_a_group_only_one_family_has_is_given_to_every_family(plan):
    from casework.models import Case, Cell

    old = Cell.objects.get(name="Arras – ancienne cellule")
    Case.objects.filter(pk=plan.cases["o6"].pk).update(cell=old)  # an inactive cell with a case
    got = values(compute(territory_of(plan.arras), "2026", "cell", today=TODAY))
    assert got[("youths_signalled", str(old.pk))] == 1
    assert got[("rappels_held", str(old.pk))] == 0
    assert got[("median_days_to_examen", str(old.pk))] is None
    assert got[("members_signed_pct", str(old.pk))] is None


def test_purging_a_case_leaves_the_figures_unchanged(plan):
    from casework.services.retention import PurgeReason, case_purge

    before = {
        g: values(compute("departement:62", "2026", g, today=TODAY)) for g in (None, "sex", "orientation")
    }
    for key in ("c3", "o1", "o2"):
        plan.cases[key].refresh_from_db()  # closed by a queryset update in the fixture
        case_purge(case=plan.cases[key], reason=PurgeReason.THREE_YEARS, today=date(2026, 12, 1))
    after = {
        g: values(compute("departement:62", "2026", g, today=TODAY)) for g in (None, "sex", "orientation")
    }
    assert after == before


def test_purging_an_earlier_case_keeps_the_youths_later_case_a_repeat(plan):
    """c7's youth was first signalled as c4 in 2025: purging c4 removes the
    identity but not the pseudonymous youth number, so c7 still does not count."""
    from casework.services.retention import PurgeReason, case_purge

    plan.cases["c4"].refresh_from_db()
    case_purge(case=plan.cases["c4"], reason=PurgeReason.THREE_YEARS, today=date(2026, 12, 1))
    assert totals(territory_of(plan.centre))["youths_signalled"] == 5


def test_first_bilan_is_the_designations_own_or_a_later_unlinked_one(plan):
    """A designation counts in the period of its first bilan only: its own
    bilans, or a bilan of its case not linked to any designation and presented
    after it."""
    from casework.models import ReferentDesignation
    from casework.models.codes import Orientation
    from tests.factories import make_case
    from tests.indicators import builders as b

    before = {year: totals("departement:62", year)["designations_first_bilan"] for year in ("2025", "2026")}
    parcours = ReferentDesignation.Kind.PARCOURS

    def designated(signaled_on, designated_on):
        case = make_case(plan.centre, signaled_on=signaled_on)
        decision = b.examine(case, signaled_on, [Orientation.REFERENT])
        return case, b.designate(case, decision, kind=parcours, designated_on=designated_on)

    # Own bilans in 2025 and 2026: the first is in 2025.
    case, designation = designated(date(2025, 2, 1), date(2025, 3, 1))
    b.bilan(case, presented_on=date(2025, 9, 1), designation=designation)
    b.bilan(case, presented_on=date(2026, 3, 1), designation=designation)
    # No bilan of its own, an unlinked one after it: counts in 2026.
    case, _ = designated(date(2025, 5, 1), date(2025, 12, 1))
    b.bilan(case, presented_on=date(2026, 2, 1))
    # An unlinked bilan before the designation is not its bilan.
    case, _ = designated(date(2026, 1, 5), date(2026, 3, 1))
    b.bilan(case, presented_on=date(2026, 2, 1))

    after = {year: totals("departement:62", year)["designations_first_bilan"] for year in ("2025", "2026")}
    assert after == {"2025": before["2025"] + 1, "2026": before["2026"] + 1}
