"""How the bench times its pages: in turn, so that a shared machine's phases
fall on every page alike; a failing page reported, the others measured."""

import pytest

from bench import measures


def test_pages_are_timed_in_turn_after_their_warm_up(monkeypatch):
    calls = []
    ticks = iter(range(0, 10_000, 1))
    monkeypatch.setattr(measures.time, "perf_counter", lambda: next(ticks) / 1000)

    def page(name):
        return lambda: calls.append(name) or name

    durations, results, failed = measures.interleave(
        {"liste": page("liste"), "cadre": page("cadre")}, rounds=3, warmup=1
    )

    assert calls == ["liste", "cadre"] * 4
    assert {name: len(values) for name, values in durations.items()} == {"liste": 3, "cadre": 3}
    assert durations["liste"] == pytest.approx([1.0, 1.0, 1.0])  # one tick (1 ms) between start and stop
    assert results == {"liste": "liste", "cadre": "cadre"} and failed == {}


def test_a_failing_page_is_dropped_and_the_others_still_measured():
    count = {"n": 0}

    def flaky():
        count["n"] += 1
        if count["n"] == 2:
            raise AssertionError("500")

    durations, _, failed = measures.interleave({"panne": flaky, "cadre": lambda: None}, rounds=5, warmup=1)

    assert list(failed) == ["panne"] and str(failed["panne"]) == "500"
    assert count["n"] == 2  # not asked again after its failure
    assert len(durations["cadre"]) == 5 and durations["panne"] == []


def test_the_speed_probe_times_the_same_work_on_every_run(monkeypatch):
    monkeypatch.setattr(measures, "PROBE_ROWS", 5_000)
    short = measures.speed_probe()
    monkeypatch.setattr(measures, "PROBE_ROWS", 200_000)
    long = measures.speed_probe()

    assert 0 < short < long
