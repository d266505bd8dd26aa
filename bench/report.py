"""The table, the targets and bench/results.json."""

import json
import os
import platform
from pathlib import Path

import django
from django.db import connection

from bench.measures import Result

RESULTS = Path(__file__).resolve().parent / "results.json"


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu or platform.processor(),
        "postgresql": pg,
        "postgresql_shared_buffers": shared_buffers,
        # The machine is shared: the load average says how much.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """Share (0 to 1) of the cores' time the VM's host took between two
    `bench.load.machine_ticks` readings; None without them."""
    if before is None or after is None or after[0] <= before[0]:
        return None
    return round((after[1] - before[1]) / (after[0] - before[0]), 3)


# name → (check, wording); a check returns None when the measure is absent.
def targets(results: list[Result]) -> list[dict]:
    by = {r.name: r for r in results}
    out = []

    def add(target: str, measure: str, value, met: bool | None, note: str = "") -> None:
        out.append({"target": target, "measure": measure, "value": value, "met": met, "note": note})

    member = by.get("list_member")
    if member and member.p50_ms is not None:
        add(
            "liste restreinte ≤ 1,5 × la référence",
            "list_member",
            member.ratio_to_baseline,
            member.ratio_to_baseline is not None and member.ratio_to_baseline <= 1.5,
        )
        frame, probe = by.get("frame_reference"), by.get("speed_probe")
        add(
            "liste restreinte p50 ≤ 30 ms",
            "list_member",
            member.p50_ms,
            member.p50_ms <= 30,
            " ; ".join(
                part
                for part in (
                    f"page du cadre sans données : {frame.p50_ms} ms"
                    if frame and frame.p50_ms is not None
                    else "",
                    f"sonde de vitesse pendant les pages : {probe.p50_ms} ms"
                    if probe and probe.p50_ms
                    else "",
                )
                if part
            ),
        )
    else:
        add(
            "liste restreinte ≤ 1,5 × la référence et p50 ≤ 30 ms",
            "list_member",
            None,
            None,
            member.note if member else "non mesuré",
        )
    flat = by.get("list_member_queries_10_vs_50_rows")
    if flat and flat.extra:
        q10, q50 = flat.extra["queries_10_rows"], flat.extra["queries_50_rows"]
        add("requêtes par page constantes (10 vs 50 lignes)", flat.name, f"{q10} / {q50}", q10 == q50)
    else:
        add(
            "requêtes par page constantes",
            "list_member_queries_10_vs_50_rows",
            None,
            None,
            flat.note if flat else "non mesuré",
        )
    scan = by.get("stall_scan")
    add(
        "balayage des pannes ≤ 2 s",
        "stall_scan",
        scan.p50_ms if scan else None,
        (scan.p50_ms <= 2000) if scan and scan.p50_ms is not None else None,
        scan.note if scan else "non mesuré",
    )
    ind = by.get("indicators_departement_year")
    add(
        "indicateurs département-année ≤ 1 s",
        "indicators_departement_year",
        ind.p50_ms if ind else None,
        (ind.p50_ms <= 1000) if ind and ind.p50_ms is not None else None,
        ind.note if ind else "non mesuré",
    )
    load = by.get("load_list_member")
    rps = load.extra.get("requests_per_second") if load and load.extra else None
    ceiling = by.get("load_frame_reference")
    ceiling_rps = ceiling.extra.get("requests_per_second") if ceiling and ceiling.extra else None
    add(
        "≥ 150 requêtes/s sur la liste (charge)",
        "load_list_member",
        rps,
        (rps >= 150) if rps is not None else None,
        (
            f"plafond de cette machine : {ceiling_rps} requêtes/s pour une page du cadre sans données ; "
            if ceiling_rps
            else ""
        )
        + (load.note if load else "non mesuré"),
    )

    return out


def table(results: list[Result]) -> str:
    header = f"{'mesure':<40} {'p50 ms':>9} {'p95 ms':>9} {'requêtes':>9} {'lignes':>8} {'ratio':>6}"
    lines = [header, "-" * len(header)]

    def fmt(value, spec=".1f"):
        return "—" if value is None else format(value, spec) if isinstance(value, float) else str(value)

    for r in results:
        lines.append(
            f"{r.name:<40} {fmt(r.p50_ms):>9} {fmt(r.p95_ms):>9} {fmt(r.queries):>9} {fmt(r.rows):>8} "
            f"{fmt(r.ratio_to_baseline, '.2f'):>6}"
        )
        if r.note:
            lines.append(f"    {r.note}")
    return "\n".join(lines)


def targets_table(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        verdict = {True: "ATTEINT", False: "NON ATTEINT", None: "NON MESURÉ"}[row["met"]]
        value = "—" if row["value"] is None else row["value"]
        line = f"[{verdict:^11}] {row['target']} : {value}"
        if row["note"] and row["met"] is not True:
            line += f" ({row['note']})"
        lines.append(line)
    return "\n".join(lines)


def write(results: list[Result], *, dataset: dict, machine_info: dict, target_rows: list[dict], path=RESULTS):
    data = {
        "machine": machine_info,
        "dataset": dataset,
        "measures": [r.as_json() for r in results],
        "targets": target_rows,
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
