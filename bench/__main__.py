"""`python -m bench` (make bench): build the département, measure, report.

make bench                                  # scale 1: ~100,000 cases, rebuilt
make bench BENCH_ARGS="--reuse"             # measure the dataset already built
make bench BENCH_ARGS="--scale 0.1 --load-seconds 10"
"""

import argparse
import os
import sys
import time
import traceback
from pathlib import Path


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Banc de mesure à l'échelle d'un département."
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100 000 situations (défaut)")
    parser.add_argument(
        "--reuse", action="store_true", help="réutiliser la base déjà construite à cette échelle"
    )
    parser.add_argument("--build-only", action="store_true", help="construire la base sans mesurer")
    parser.add_argument("--samples", type=int, default=60, help="requêtes mesurées par page (≥ 50)")
    parser.add_argument("--clients", type=int, default=8, help="clients simultanés de l'essai de charge")
    parser.add_argument("--load-seconds", type=float, default=30.0, help="durée de l'essai de charge")
    parser.add_argument("--workers", type=int, default=0, help="workers gunicorn (défaut : nproc + 1)")
    parser.add_argument("--no-load", action="store_true", help="sans essai de charge")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--output", type=Path, default=None, help="fichier JSON (défaut : bench/results.json)"
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()

    from django.utils import timezone

    from bench import dataset, load, measures, report
    from bench.plan import Plan

    plan = Plan.for_scale(args.scale)
    meta = dataset.describe() if args.reuse else None
    if meta is not None and meta["plan"]["scale"] != plan.scale:
        print(f"La base construite est à l'échelle {meta['plan']['scale']} : reconstruction à {plan.scale}.")
        meta = None
    if meta is None:
        print(
            f"Construction : {plan.partnerships} partenariats, {plan.cells} cellules, ~{plan.users} utilisateurs, "
            f"{plan.cases} situations, {plan.journal_entries} entrées de journal."
        )
        meta = dataset.build(plan, seed=args.seed)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)  # the code may have moved on since the build
        print(f"Base réutilisée (construite le {meta['built_at']} en {meta['build_seconds']} s).")
    stale = dataset.built_another_day(meta, timezone.localdate())
    if stale:
        print(f"Attention, {stale}.")
    print(f"Lignes : {meta['rows']}")
    if meta.get("not_cloned"):
        print(f"Attention, modèles liés aux situations non peuplés : {', '.join(meta['not_cloned'])}")
    if args.build_only:
        return 0

    people = measures.personas()
    samples = max(args.samples, 50)
    results: list[measures.Result] = []

    def attempt(name: str, label: str, fn) -> None:
        started = time.monotonic()
        try:
            produced = fn()
        except measures.Absent as exc:
            results.append(measures.Result(name=name, label=label, note=f"absent : {exc}"))
        except Exception as exc:  # a broken page must not hide the other figures
            traceback.print_exc()
            results.append(measures.Result(name=name, label=label, note=f"échec : {exc!r}"))
        else:
            results.extend(produced if isinstance(produced, list) else [produced])
        print(f"  {name} ({time.monotonic() - started:.0f} s)", flush=True)

    # The process as config.wsgi leaves a gunicorn worker: every view module
    # imported, the objects alive frozen out of the garbage collector's reach.
    import config.wsgi  # noqa: F401

    probe_before, ticks_before = measures.speed_probe(), load.machine_ticks()
    print(f"Sonde de vitesse : {probe_before} ms (travail Python fixe, le plus rapide de trois).")
    print("Mesures :")
    attempt(
        "pages",
        "Pages, chacune à son tour",
        lambda: measures.measure_pages(measures.page_measures(people, samples), samples),
    )
    attempt(
        "list_member_queries_10_vs_50_rows",
        "Requêtes à 10 et 50 lignes",
        lambda: measures.query_flatness(people),
    )
    attempt(
        "stall_scan",
        "Balayage des situations en panne",
        lambda: measures.stall_scan_measure(max(5, samples // 10)),
    )
    attempt(
        "timer_sweep", "Balayage des échéances", lambda: measures.timer_sweep_measures(max(10, samples // 3))
    )
    attempt(
        "indicators_departement_year",
        "Indicateurs",
        lambda: measures.indicators_measure(max(5, samples // 6)),
    )
    attempt(
        "indicators_departement_year_by_profil",
        "Indicateurs par profil",
        lambda: measures.indicators_breakdown_measure(max(5, samples // 6)),
    )
    probe_after, ticks_after = measures.speed_probe(), load.machine_ticks()
    if not args.no_load:
        attempt("load_list_member", "Charge", lambda: load_measure(args, people))
    measures.ratio(results)

    machine_info = report.machine() | {
        # What the machine gave the measures before the load test (which reports its own).
        "speed_probe_ms": {"before": probe_before, "after": probe_after},
        "cpu_steal_share_during_measures": report.steal_share(ticks_before, ticks_after),
    }
    target_rows = report.targets(results)
    print()
    print(report.table(results))
    print()
    print(report.targets_table(target_rows))
    print()
    print("Machine : " + ", ".join(f"{k}={v}" for k, v in machine_info.items()))
    path = report.write(
        results,
        dataset={k: meta[k] for k in ("plan", "rows", "build_seconds", "built_at", "templates")}
        | {"measured_on": timezone.localdate().isoformat(), "warning": stale},
        machine_info=machine_info,
        target_rows=target_rows,
        **({"path": args.output} if args.output else {}),
    )
    print(f"Résultats écrits dans {path}")
    return 0


def load_measure(args, people):
    """The list under load, then the frame's reference page under the same load:
    what the hardware serves of any page of the site, whatever it reads."""
    from django.conf import settings

    from bench import load, measures

    client = measures.client_for(people.member)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # One worker per core and one spare, as docker-compose.yml runs on 2 cores:
    # PostgreSQL shares these cores, and gunicorn's 2 × nproc + 1 (for a server of
    # its own) only added switches between workers (list under load, 2 cores,
    # runs alternated: 3 workers 83.3 / 83.3 req/s, 5 workers 77.2 / 66.9).
    workers = args.workers or (os.cpu_count() or 1) + 1
    pages = [
        (
            "load_list_member",
            "Charge : liste 50 lignes (membre) via gunicorn",
            "situations:index",
            measures.LIST_ROWS,
        ),
        (
            "load_frame_reference",
            "Charge : page du cadre sans données de situation (plafond)",
            measures.FRAME_REFERENCE_URL,
            None,
        ),
    ]
    results = []
    with load.Gunicorn(workers) as server:
        for name, label, url_name, rows in pages:
            path = measures._url(url_name)
            # Warm-up, not measured: every worker answers a few requests first.
            load.run_load(
                port=server.port, path=path, session_key=session_key, clients=args.clients, seconds=10
            )
            with load.CpuMeter(server_pid=server.process.pid) as meter:
                outcome = load.run_load(
                    port=server.port,
                    path=path,
                    session_key=session_key,
                    clients=args.clients,
                    seconds=args.load_seconds,
                )
            cpu = meter.split(outcome.requests)
            steal = meter.steal_share()
            note = (
                f"wrk, {args.clients} connexions, {args.load_seconds:.0f} s, gunicorn {workers} workers sync ; "
                f"{outcome.requests} réponses 200, {outcome.errors} erreurs, statuts {outcome.statuses}"
            )
            if cpu:
                note += (
                    f" ; processeur par réponse : Python (gunicorn) {cpu.gunicorn:.1f} ms, "
                    f"PostgreSQL {cpu.postgresql:.1f} ms, wrk {cpu.wrk:.1f} ms, reste {cpu.other:.1f} ms"
                )
            if steal is not None:
                note += f" ; temps des cœurs pris par l'hôte de la VM : {steal * 100:.0f} %"
            results.append(
                measures.Result(
                    name=name,
                    label=label,
                    p50_ms=round(outcome.p50, 1),
                    p95_ms=round(outcome.p95, 1),
                    rows=rows,
                    samples=outcome.requests,
                    note=note,
                    extra={
                        "requests_per_second": round(outcome.rps, 1),
                        "clients": args.clients,
                        "workers": workers,
                        "cpu_ms_per_request": cpu.as_json() if cpu else None,
                        "cpu_steal_share": round(steal, 3) if steal is not None else None,
                    },
                )
            )
    return results


if __name__ == "__main__":
    sys.exit(main())
