"""The bench's verdicts: each target from its measure, with what limits it."""

from bench.measures import Result
from bench.report import steal_share, targets, targets_table


def by_target(rows):
    return {row["target"]: row for row in rows}


def test_unmet_targets_name_the_frame_reference_that_bounds_them():
    results = [
        Result(name="list_member", label="", p50_ms=60.0, ratio_to_baseline=0.9),
        Result(name="frame_reference", label="", p50_ms=15.0),
        Result(name="load_list_member", label="", extra={"requests_per_second": 30.0}, note="8 clients"),
        Result(name="load_frame_reference", label="", extra={"requests_per_second": 105.0}),
    ]
    rows = by_target(targets(results))

    assert rows["liste restreinte ≤ 1,5 × la référence"]["met"] is True
    p50 = rows["liste restreinte p50 ≤ 30 ms"]
    assert (p50["met"], p50["value"]) == (False, 60.0)
    assert p50["note"] == "page du cadre sans données : 15.0 ms"
    with_probe = by_target(targets([*results, Result(name="speed_probe", label="", p50_ms=21.5)]))
    assert with_probe["liste restreinte p50 ≤ 30 ms"]["note"] == (
        "page du cadre sans données : 15.0 ms ; sonde de vitesse pendant les pages : 21.5 ms"
    )
    load = rows["≥ 150 requêtes/s sur la liste (charge)"]
    assert (load["met"], load["value"]) == (False, 30.0)
    assert "105.0 requêtes/s" in load["note"]
    printed = targets_table(targets(results))
    assert "[NON ATTEINT] ≥ 150 requêtes/s sur la liste (charge) : 30.0 (plafond" in printed


def test_a_target_whose_measure_is_missing_is_not_measured_rather_than_met():
    rows = by_target(targets([]))

    assert rows["≥ 150 requêtes/s sur la liste (charge)"]["met"] is None
    assert rows["balayage des pannes ≤ 2 s"]["met"] is None


def test_the_steal_share_is_the_stolen_part_of_the_ticks_between_two_readings():
    assert steal_share((1000, 10), (1400, 110)) == 0.25
    assert steal_share((1000, 10), (1000, 10)) is None  # no tick went by
    assert steal_share(None, (1400, 110)) is None
    assert steal_share((1000, 10), None) is None


def test_a_dataset_built_another_day_is_flagged_when_reused(settings):
    from datetime import date

    from bench.dataset import built_another_day

    settings.TIME_ZONE = "Europe/Paris"
    # 23:30 UTC on the 6th is already the 7th in Paris.
    meta = {"built_at": "2026-12-06T23:30:00+00:00"}

    assert built_another_day(meta, date(2026, 12, 7)) is None
    warning = built_another_day(meta, date(2026, 12, 8))
    assert warning.startswith("base construite le 07/12/2026, mesurée le 08/12/2026")
