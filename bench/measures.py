"""The measures: real code paths, timed on the built dataset.

Pages are requested through Django's test client (whole middleware stack,
session, template rendering), each in turn, round after round, with a slice
of a fixed speed probe in every round (`measure_pages`); jobs are called as
Celery would call them.
Anything that writes (access log rows apart) runs in a transaction rolled back
afterwards, so `--reuse` measures the same data every time.

A measure whose code is not in the repository yet (another issue's page or
job) is reported as absent with the reason, never faked.
"""

import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from operator import itemgetter
from unittest import mock

from django.db import connection, transaction
from django.db.models import CharField, Count, Value
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from casework.models import Case, Cell, Institution, Membership, User
from permissions.models import CaseUserObjectPermission, Disclosure

LIST_ROWS = 50
# The reference page of the frame: the member's notification preferences.
FRAME_REFERENCE_URL = "relances:preferences"


@dataclass
class Result:
    name: str
    label: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    rows: int | None = None
    ratio_to_baseline: float | None = None
    samples: int = 0
    note: str = ""
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = {
            "name": self.name,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "queries": self.queries,
            "rows": self.rows,
            "ratio_to_baseline": self.ratio_to_baseline,
            "samples": self.samples,
            "label": self.label,
        }
        if self.note:
            data["note"] = self.note
        data.update(self.extra)
        return data


class Absent(Exception):
    """The code path to measure does not exist in this checkout."""


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(fn: Callable[[], object], *, samples: int, warmup: int = 3) -> tuple[list[float], object]:
    result = None
    for _ in range(warmup):
        result = fn()
    durations = []
    for _ in range(samples):
        start = time.perf_counter()
        result = fn()
        durations.append((time.perf_counter() - start) * 1000)
    return durations, result


PROBE_ROWS = 100_000


def probe_work(rows: int) -> None:
    """A fixed piece of pure-Python work: like a request, it allocates, hashes
    and sorts small objects (a bare loop stays in the core's cache and missed
    most of the slowdowns seen on the shared VM)."""
    table = [{"key": (number * 7919) % 100_003, "label": f"ligne {number}"} for number in range(rows)]
    table.sort(key=itemgetter("key"))
    "".join(row["label"] for row in table)


def speed_probe() -> float:
    """ms `probe_work` takes on this machine now (best of three).

    The same work on every run: two runs' figures compare through it, across
    machines and across a shared machine's fast and slow phases (seen here:
    the list page at 36 ms, then 170 ms a minute later, nothing else running).
    """
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        probe_work(PROBE_ROWS)
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def interleave(
    gets: dict[str, Callable[[], object]], *, rounds: int, warmup: int = 3
) -> tuple[dict[str, list[float]], dict[str, object], dict[str, Exception]]:
    """Time each of `gets` once per round, in turn, for `rounds` rounds (after
    `warmup` untimed rounds): durations (ms) and last result by name, and the
    exception of any that failed (dropped from the later rounds).

    On a shared VM whose speed changes from one minute to the next (seen: 5×),
    measuring the pages one after another compared phases rather than pages;
    taken in turn, every page meets the same phases, so their ratios hold.
    """
    durations: dict[str, list[float]] = {name: [] for name in gets}
    results: dict[str, object] = {}
    failed: dict[str, Exception] = {}
    for round_number in range(warmup + rounds):
        for name, get in gets.items():
            if name in failed:
                continue
            started = time.perf_counter()
            try:
                results[name] = get()
            except Exception as exc:  # one broken page must not hide the others
                failed[name] = exc
                continue
            if round_number >= warmup:
                durations[name].append((time.perf_counter() - started) * 1000)
    return durations, results, failed


def count_queries(fn: Callable[[], object]) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return len(ctx.captured_queries), result


@contextmanager
def rolled_back():
    """Run the block in a transaction that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- Personas ----------------------------------------------------------------


@dataclass
class Personas:
    member: User  # signed member of the busiest cell, not a référent of any case
    referent: User  # the référent with the most current designations
    magistrate: User  # agent of the parquet with the most active disclosures
    coordinator: User
    prefecture: User
    full_case: Case  # an open case the coordinator reads in full, with a long journal


def personas() -> Personas:
    today = timezone.localdate()
    busiest_cell = (
        Case.objects.filter(status__in=Case.OPEN_STATUSES)
        .values("cell")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["cell"]
    )
    referents = CaseUserObjectPermission.objects.values("user").annotate(n=Count("id")).order_by("-n")
    referent_ids = set(CaseUserObjectPermission.objects.values_list("user", flat=True))
    member = (
        User.objects.filter(
            memberships__cell_id=busiest_cell,
            memberships__role=Membership.Role.MEMBRE,
            charter_signatures__isnull=False,
        )
        .exclude(pk__in=referent_ids)
        .order_by("pk")
        .first()
    )
    parquet = (
        Disclosure.objects.active(today)
        .filter(institution__kind=Institution.Kind.PARQUET)
        .values("institution")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    magistrate = (
        User.objects.filter(institution_id=parquet["institution"]).order_by("pk").first() if parquet else None
    )
    coordinator = (
        User.objects.filter(memberships__role=Membership.Role.COORDONNATEUR, memberships__cell__isnull=True)
        .filter(memberships__partnership__cells__pk=busiest_cell)
        .order_by("pk")
        .first()
    )
    full_case = (
        Case.objects.filter(status=Case.Status.ORIENTE, partnership__cells__pk=busiest_cell)
        .annotate(entries=Count("journal"))
        .order_by("-entries", "pk")
        .first()
    )
    return Personas(
        member=member,
        referent=User.objects.get(pk=referents.first()["user"]),
        magistrate=magistrate,
        coordinator=coordinator,
        prefecture=User.objects.filter(institution__kind=Institution.Kind.PREFECTURE).order_by("pk").first(),
        full_case=full_case,
    )


# --- Pages ---------------------------------------------------------------------


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch as exc:
        raise Absent(f"pas de page « {name} » sur cette branche") from exc


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows_in(response) -> int | None:
    context = response.context
    if context is None:
        return None
    for key in ("rows", "page", "object_list", "results"):
        if key in context:
            value = context[key]
            return len(getattr(value, "object_list", value))
    return None


@dataclass(frozen=True)
class PageSpec:
    """A page the bench times: who asks for which URL, with which patches.
    `alone`: measured on its own with that many samples (a page of seconds
    would stretch every round); None: in turn with the other pages."""

    name: str
    label: str
    user: User | None
    url_name: str
    url_args: tuple = ()
    query: str = ""
    patches: tuple = ()
    alone: int | None = None

    def url(self) -> str:
        if self.user is None:
            raise Absent("aucun utilisateur de ce rôle dans le jeu de données")
        return _url(self.url_name, *self.url_args) + self.query

    def getter(self, status: int = 200) -> Callable[[], object]:
        """One request for the page as its user, its patches applied around it only."""
        url, client = self.url(), client_for(self.user)

        def get():
            with _patched(self.patches):
                response = client.get(url)
            if response.status_code != status:
                raise AssertionError(f"{self.name}: {url} answered {response.status_code}, expected {status}")
            return response

        return get

    def result(self, durations: list[float], get: Callable[[], object]) -> Result:
        queries, response = count_queries(get)
        return Result(
            name=self.name,
            label=self.label,
            p50_ms=round(statistics.median(durations), 1),
            p95_ms=round(percentile(durations, 95), 1),
            queries=queries,
            rows=_rows_in(response),
            samples=len(durations),
        )


PROBE_RESULT = "speed_probe"


def measure_pages(specs: list[PageSpec], samples: int) -> list[Result]:
    """Every page of `specs`: those without `alone` in turn, `samples` rounds,
    with a tenth of the speed probe's work in each round (its p50 says what the
    machine gave the pages); then each `alone` page on its own. A page whose
    code is absent, or that fails, is reported so, never faked."""
    results: list[Result] = []
    gets: dict[str, Callable[[], object]] = {}
    for spec in specs:
        try:
            gets[spec.name] = spec.getter()
        except Absent as exc:
            results.append(Result(name=spec.name, label=spec.label, note=f"absent : {exc}"))
    by_name = {spec.name: spec for spec in specs}
    together = {name: get for name, get in gets.items() if by_name[name].alone is None}
    durations, _, failed = interleave(
        {**together, PROBE_RESULT: lambda: probe_work(PROBE_ROWS // 10)}, rounds=samples
    )
    for name, get in gets.items():
        spec = by_name[name]
        if name in failed:
            results.append(Result(name=name, label=spec.label, note=f"échec : {failed[name]!r}"))
        elif spec.alone is None:
            results.append(spec.result(durations[name], get))
        else:
            try:
                alone, _ = timed(get, samples=spec.alone)
            except Exception as exc:
                results.append(Result(name=name, label=spec.label, note=f"échec : {exc!r}"))
            else:
                results.append(spec.result(alone, get))
    probe = durations[PROBE_RESULT]
    results.append(
        Result(
            name=PROBE_RESULT,
            label=f"Sonde de vitesse ({PROBE_ROWS // 10} lignes), à chaque tour des pages",
            p50_ms=round(statistics.median(probe), 1),
            p95_ms=round(percentile(probe, 95), 1),
            samples=len(probe),
        )
    )
    order = [spec.name for spec in specs] + [PROBE_RESULT]
    return sorted(results, key=lambda result: order.index(result.name))


@contextmanager
def _patched(patches):
    if not patches:
        with nullcontext():
            yield
        return
    managers = [mock.patch(target, value) for target, value in patches]
    for manager in managers:
        manager.__enter__()
    try:
        yield
    finally:
        for manager in reversed(managers):
            manager.__exit__(None, None, None)


def unscoped_cases(user, queryset=None, *, scoped_summary: bool = True):
    """The baseline: every non-archived case, as if the user could read them all in full.

    Same exclusions and same `representation` annotation as `visible_cases`,
    without the grant and disclosure subqueries: what confidentiality costs.
    """
    queryset = Case.objects.all() if queryset is None else queryset
    return queryset.exclude(status__in=[Case.Status.PURGE, Case.Status.ARCHIVE]).annotate(
        representation=Value("full", output_field=CharField())
    )


def unscoped_case_ids_showing(user, *sections):
    """The baseline's `case_ids_showing`: None, every listed case shows every
    section (the list then filters, sorts and counts stalls without restriction)."""
    return None


def unscoped_page(user, queryset, ids):
    """The baseline's `visible_page`: the rows `ids` of `queryset`, all shown in full, in order."""
    by_id = {case.pk: case for case in unscoped_cases(user, queryset.filter(pk__in=ids))}
    return [by_id[pk] for pk in ids if pk in by_id]


def unscoped_cells(user):
    """The baseline's cell filter: every cell."""
    return Cell.objects.order_by("name")


def list_page_patches(rows: int, *, unscoped: bool = False) -> list[tuple[str, object]]:
    patches = [("workflows.views.cases.PAGE_SIZE", rows)]
    if unscoped:
        patches += [
            ("workflows.views.cases.visible_cases", unscoped_cases),
            ("workflows.views.cases.case_ids_showing", unscoped_case_ids_showing),
            ("workflows.views.cases.visible_page", unscoped_page),
            ("workflows.views.cases.cells_showing_cases", unscoped_cells),
        ]
    return patches


def page_measures(people: Personas, samples: int) -> list[PageSpec]:
    """The pages the bench times (`measure_pages`)."""

    def page(name, label, user, url_name, *url_args, patches=(), query="", alone=None):
        return PageSpec(name, label, user, url_name, url_args, query, tuple(patches), alone)

    def case_list(name, label, user, unscoped=False):
        return page(
            name, label, user, "situations:index", patches=list_page_patches(LIST_ROWS, unscoped=unscoped)
        )

    last_year = timezone.localdate().year - 1
    return [
        case_list("list_baseline_unscoped", "Liste 50 lignes sans filtrage (référence)", people.member, True),
        case_list("list_member", "Liste 50 lignes – membre de cellule", people.member),
        case_list("list_referent", "Liste – référent", people.referent),
        case_list("list_magistrate", "Liste – magistrat (partages)", people.magistrate),
        case_list("list_coordinator", "Liste 50 lignes – coordonnateur", people.coordinator),
        page(
            "detail_full",
            "Fiche complète (coordonnateur)",
            people.coordinator,
            "situations:detail",
            people.full_case.pk,
        ),
        page("api_case_list", "API – liste (membre)", people.member, "api:case-list"),
        page(
            "api_case_detail",
            "API – fiche (coordonnateur)",
            people.coordinator,
            "api:case-detail",
            people.full_case.pk,
        ),
        page("queue_coordinator", "Tâches à prendre – coordonnateur", people.coordinator, "case:queue"),
        # No case data: the site's frame (session, seats, menu, bell) and a small
        # form. What any page of the site costs before reading a case.
        page(
            "frame_reference",
            "Page du cadre sans données de situation (référence)",
            people.member,
            FRAME_REFERENCE_URL,
        ),
        page("inbox_referent", "Mes tâches – référent", people.referent, "case:inbox"),
        page(
            "indicators_dashboard",
            "Tableau de bord des indicateurs (préfecture), calculé à chaque requête",
            people.prefecture,
            "indicators:dashboard",
            query=f"?territory=departement:99&period={last_year}",
            # Every request computes the report: what the first reader of the day waits.
            patches=[("django.conf.settings.INDICATORS_CACHE_SECONDS", 0)],
            alone=max(10, samples // 5),
        ),
        page(
            "indicators_dashboard_cached",
            "Tableau de bord des indicateurs (préfecture), rapport déjà calculé",
            people.prefecture,
            "indicators:dashboard",
            query=f"?territory=departement:99&period={last_year}",
        ),
    ]


# --- Jobs ------------------------------------------------------------------------


def measure_job(name: str, label: str, fn: Callable[[], object], *, samples: int, rows=None) -> Result:
    def run():
        with rolled_back():
            return fn()

    durations, result = timed(run, samples=samples, warmup=1)
    queries, result = count_queries(run)
    return Result(
        name=name,
        label=label,
        p50_ms=round(statistics.median(durations), 1),
        p95_ms=round(percentile(durations, 95), 1),
        queries=queries,
        rows=rows(result) if rows else None,
        samples=samples,
    )


def stall_scan_measure(samples: int) -> Result:
    try:
        from notifications.services import stalls_scan
    except ImportError as exc:
        raise Absent("le balayage des situations en panne (issue #6) n'est pas sur cette branche") from exc
    open_cases = Case.objects.filter(status__in=Case.OPEN_STATUSES).count()
    result = measure_job(
        "stall_scan",
        "Balayage des situations en panne (toutes les situations ouvertes)",
        stalls_scan,
        samples=samples,
    )
    result.rows = open_cases
    return result


def timer_sweep_measures(samples: int) -> list[Result]:
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS
    from viewflow.workflow.timers import fire_due_timers

    try:  # the product's beat task body (cache lock + the three viewflow sweeps)
        from notifications.periodic import run_workflow_timers as sweep
    except ImportError:
        sweep = fire_due_timers
    scheduled = Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED)
    idle = measure_job(
        "timer_sweep_idle",
        "Balayage des échéances (minute ordinaire, rien d'échu)",
        sweep,
        samples=samples,
    )
    idle.rows = scheduled.count()

    due = 50

    def sweep_with_due():
        pks = list(scheduled.order_by("scheduled").values_list("pk", flat=True)[:due])
        Task.objects.filter(pk__in=pks).update(scheduled=timezone.now() - timedelta(minutes=1))
        return fire_due_timers()

    firing = measure_job(
        "timer_sweep_50_due",
        f"Balayage des échéances ({due} échues à déclencher)",
        sweep_with_due,
        samples=max(3, samples // 10),
        rows=lambda fired: fired,
    )
    return [idle, firing]


def indicators_measure(samples: int) -> Result:
    from indicators.engine import compute

    year = str(timezone.localdate().year - 1)
    return measure_job(
        "indicators_departement_year",
        f"Indicateurs du département, année {year} (totaux)",
        lambda: compute("departement:99", year),
        samples=samples,
        rows=len,
    )


def indicators_breakdown_measure(samples: int) -> Result:
    from indicators.engine import compute

    year = str(timezone.localdate().year - 1)
    return measure_job(
        "indicators_departement_year_by_profil",
        f"Indicateurs du département, année {year}, par profil",
        lambda: compute("departement:99", year, "profil"),
        samples=samples,
        rows=len,
    )


def ratio(results: list[Result]) -> None:
    """Fill ratio_to_baseline for the 50-row scoped lists."""
    by_name = {r.name: r for r in results}
    baseline = by_name.get("list_baseline_unscoped")
    if baseline is None or not baseline.p50_ms:
        return
    for result in results:
        if result.name.startswith("list_") and result.p50_ms:
            result.ratio_to_baseline = round(result.p50_ms / baseline.p50_ms, 2)


def query_flatness(people: Personas) -> Result:
    """Queries of the member's list at 10 and 50 rows: equal when the page has no N+1."""
    url = _url("situations:index")
    client = client_for(people.member)
    counts = {}
    for rows in (10, 50):
        with _patched(list_page_patches(rows)):
            client.get(url)  # a new session's first request also writes the session
            counts[rows], _ = count_queries(lambda: client.get(url))
    return Result(
        name="list_member_queries_10_vs_50_rows",
        label="Requêtes SQL de la liste à 10 et à 50 lignes",
        queries=counts[50],
        rows=50,
        note=f"{counts[10]} requêtes à 10 lignes, {counts[50]} à 50 lignes",
        extra={"queries_10_rows": counts[10], "queries_50_rows": counts[50]},
    )
