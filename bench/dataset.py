"""Building the synthetic département: world, service-built sample, cloned volume.

`build(plan)` recreates the bench database and fills it; `describe()` reads
back what a previous build recorded (for `--reuse`).
"""

import json
import random
import time
from collections.abc import Callable
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from viewflow.workflow.timers import fire_due_timers

from bench import database
from bench.clone import Cloner, CloneSpec, check_integrity, not_cloned
from bench.plan import STATE_MIX, Plan
from bench.sample import ARCHETYPES, Template, build_templates
from bench.seances import fill_seances
from bench.world import World, build_world
from casework.models import Case, JournalEntry
from casework.models.codes import Motif, PlanMeasure, Profil
from permissions.disclosures import disclosure_create

# Days added to a template's dates, by archetype (its signalement is SPAN days ago).
OFFSETS = {
    "signale": (-60, 125),
    "rappel_en_cours": (-270, 60),
    "referent_suivi": (-270, 60),
    "recidive_suivi": (-270, 60),
    "bilan": (-270, 60),
    "classe": (-5 * 365, 0),
    "clos_objectifs": (-5 * 365, 0),
    "multi_clos": (-5 * 365, 0),
    "archive": (-3 * 365, -250),
    "purge": (-7 * 365, -3 * 365 - 200),
}
OPEN_ARCHETYPES = ("signale", "rappel_en_cours", "referent_suivi", "recidive_suivi", "bilan")
DISCLOSED_SHARE = 0.08  # open cases shared with the parquet
FLUSH_EVERY = 2000


def _disclose_open_templates(world: World, templates: list[Template]) -> None:
    """Open templates are shared with their parquet, through the service (clones keep it or not)."""
    for group in world.partnerships:
        parquet = next(
            p for p in world.parquets if p.tribunal_id == group.cells[0].communes.first().tribunal_id
        )
        for template in templates:
            case = Case.objects.get(pk=template.case_id)
            if template.partnership_id == group.partnership.pk and case.is_open:
                disclosure_create(
                    case=case,
                    institution=parquet,
                    reason="Protocole parquet–commune",
                    by=group.coordinators[0],
                )


def _specs(plan: Plan, world: World, templates: list[Template], rng: random.Random) -> list[CloneSpec]:
    by_key = {(t.partnership_id, t.archetype): t for t in templates}
    volume = plan.cases - len(templates)
    counts = {name: int(volume * share) for name, share in STATE_MIX.items()}
    counts["clos_objectifs"] += volume - sum(counts.values())
    motifs = Motif.values
    specs = []
    for archetype, count in counts.items():
        for n in range(count):
            group = world.partnerships[n % len(world.partnerships)]
            cell = rng.choice(group.cells)
            low, high = OFFSETS[archetype]
            specs.append(
                CloneSpec(
                    template=by_key[(group.partnership.pk, archetype)],
                    group=group,
                    cell_id=cell.pk,
                    commune_id=rng.choice(group.communes[cell.pk]),
                    member_id=rng.choice(group.members[cell.pk]).pk,
                    coordinator_id=rng.choice(group.coordinators).pk,
                    referent_id=rng.choice(group.referents).pk,
                    recidive_referent_id=rng.choice(group.recidive_referents).pk,
                    offset=rng.randint(low, high),
                    age=rng.randint(12, 25),
                    sex=rng.choice("FM"),
                    profil=rng.choice(Profil.values),
                    plan_measure=rng.choice(PlanMeasure.values),
                    motifs=tuple(rng.sample(motifs, rng.choice((1, 1, 2)))),
                    disclosed=archetype in OPEN_ARCHETYPES and rng.random() < DISCLOSED_SHARE,
                )
            )
    rng.shuffle(specs)
    return specs


def _spread_contacts(specs: list[CloneSpec], cloner: Cloner, target: int) -> None:
    """Extra référent contacts so that the journal reaches `target` entries."""
    base = JournalEntry.objects.count()
    eligible = []
    for spec in specs:
        rows = cloner.rows[spec.template.case_id][JournalEntry]
        kinds = [r[_kind_index(cloner)] for r in rows]
        base += len(rows) - (0 if spec.disclosed else kinds.count(JournalEntry.Kind.DISCLOSURE))
        if JournalEntry.Kind.CONTACT in kinds:
            eligible.append(spec)
    missing = target - base
    if missing <= 0 or not eligible:
        return
    each, rest = divmod(missing, len(eligible))
    for n, spec in enumerate(eligible):
        spec.extra_contacts = each + (1 if n < rest else 0)


def _kind_index(cloner: Cloner) -> int:
    return next(i for i, f in enumerate(cloner.columns[JournalEntry]) if f.name == "kind")


def fill(plan: Plan, *, seed: int = 7, log: Callable[[str], None] = print) -> int:
    """Fill the current (migrated, empty) database for `plan`; returns the number of templates.

    Used by `build` on the bench database and by the smoke test on the test database.
    """
    rng = random.Random(seed)
    started = time.monotonic()
    world = build_world(plan, rng)
    log(f"Territoire, {plan.partnerships} partenariats, {plan.cells} cellules, utilisateurs.")

    templates: list[Template] = []
    for group in world.partnerships:
        templates += build_templates(group)
    _disclose_open_templates(world, templates)
    fired = fire_due_timers()  # steady state: the minute sweep has run
    log(
        f"Échantillon par les services : {len(templates)} situations, {len(ARCHETYPES)} parcours types, "
        f"{fired} échéance(s) dépassée(s) ({time.monotonic() - started:.0f} s)."
    )

    cloner = Cloner(templates, rng)
    specs = _specs(plan, world, templates, rng)
    _spread_contacts(specs, cloner, plan.journal_entries)
    with transaction.atomic():
        for n, spec in enumerate(specs, 1):
            cloner.clone(spec)
            if n % FLUSH_EVERY == 0:
                cloner.flush()
            if n % 20000 == 0:
                log(f"  {n} / {len(specs)} situations copiées ({time.monotonic() - started:.0f} s)")
        cloner.finish()
    log(f"Volume copié ({time.monotonic() - started:.0f} s).")
    seances = fill_seances(world, rng)
    log(
        f"{seances} séances (une par mois et par cellule, et la prochaine) ({time.monotonic() - started:.0f} s)."
    )
    problems = check_integrity()
    if problems:
        raise RuntimeError("Clés étrangères orphelines après la copie : " + "; ".join(problems))
    scan = _steady_stall_flags()
    if scan is not None:
        log(f"Balayage des situations en panne initial ({time.monotonic() - started:.0f} s) : {scan}.")
    return len(templates)


def _steady_stall_flags():
    """Run the real stall scan once, as the daily beat has: the bench then measures a steady-state scan."""
    try:
        from notifications.services import stalls_scan
    except ImportError:  # stalls (issue #6) not on this branch
        return None
    # Statistics first, as autovacuum keeps them in production: planned on a
    # freshly copied journal without any, the scan's per-case lookups walked
    # a million entries each (minutes instead of about a second).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return stalls_scan()


def build(plan: Plan, *, seed: int = 7, log: Callable[[str], None] = print) -> dict:
    """Recreate the bench database and fill it for `plan`. Returns what it recorded."""
    started = time.monotonic()
    database.recreate()
    log(f"Base recréée et migrée ({time.monotonic() - started:.0f} s).")
    templates = fill(plan, seed=seed, log=log)
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    meta = {
        "plan": plan.__dict__,
        "seed": seed,
        "built_at": timezone.now().isoformat(),
        "build_seconds": round(time.monotonic() - started, 1),
        "templates": templates,
        "not_cloned": not_cloned(),
        "rows": _row_counts(),
    }
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_dataset (meta jsonb NOT NULL)")
        cursor.execute("INSERT INTO bench_dataset (meta) VALUES (%s)", [json.dumps(meta)])
    log(f"Jeu de données prêt en {meta['build_seconds']:.0f} s.")
    return meta


def _row_counts() -> dict:
    from viewflow.workflow.models import Task

    from casework.models import User
    from meetings.models import AgendaItem, Seance
    from permissions.models import CaseGroupObjectPermission, CaseUserObjectPermission

    counts = {
        "users": User.objects.count(),
        "cases": Case.objects.count(),
        "journal_entries": JournalEntry.objects.count(),
        "group_grants": CaseGroupObjectPermission.objects.count(),
        "user_grants": CaseUserObjectPermission.objects.count(),
        "workflow_tasks": Task.objects.count(),
        "seances": Seance.objects.count(),
        "agenda_items": AgendaItem.objects.count(),
    }
    counts["cases_by_status"] = dict(Case.objects.order_by().values_list("status").annotate(n=Count("id")))
    return counts


def built_another_day(meta: dict, today) -> str | None:
    """A warning when the dataset was built on another day than `today` (local
    dates): its dates are relative to its build day, so a new day brings due
    timers and stall escalations that the build day had not (the ordinary
    minute's timer sweep is then not idle). None on the build day."""
    built_on = timezone.localtime(datetime.fromisoformat(meta["built_at"])).date()
    if built_on == today:
        return None
    return (
        f"base construite le {built_on:%d/%m/%Y}, mesurée le {today:%d/%m/%Y} : les échéances et les blocages "
        "du jour ne sont plus ceux de la construction (balayages non comparables) ; `make bench` la reconstruit"
    )


def describe() -> dict | None:
    """The metadata of the built dataset, or None when there is none."""
    if not database.is_built():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT meta FROM bench_dataset")
        meta = cursor.fetchone()[0]
    return meta if isinstance(meta, dict) else json.loads(meta)
