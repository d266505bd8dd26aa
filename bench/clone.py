"""Volume by cloning: every bulk case is a copy of a template the services built.

For each new case the cloner copies every row the services wrote for its
template (youth, case, motifs, decisions, measures, designations, bilans,
pending steps, journal, object-permission grants, disclosures, viewflow
process, tasks and task links), with:

- new primary keys, and every foreign key between copied rows remapped;
- the case's own cell, commune, youth identity, profile and reference;
- the template's people replaced by people of the same role in the case's
  partnership (the signalling member of its cell, a coordinator, a référent),
  including the ids kept in JSON (`JournalEntry.data`, `Task.data`) and the
  viewflow task's `owner_permission_obj_pk`;
- the cell's members group instead of the template cell's in the grants;
- every date moved by the case's offset (never into the future, except due
  dates, which stay in the future like the timers that watch them).

Rows are written with COPY; foreign-key triggers are skipped during the load
(session_replication_role) and `check_integrity` verifies every foreign key
afterwards instead.
"""

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, models
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from bench.sample import CONTACTS, Template
from bench.world import PartnershipPeople
from casework.models import (
    Bilan,
    Case,
    CaseMotif,
    CddfReferral,
    Decision,
    JournalEntry,
    PendingStep,
    PersonInformation,
    RappelALOrdre,
    ReferentDesignation,
    User,
    Youth,
)
from casework.models.youth import identity_key
from permissions import services as access
from permissions.models import CaseGroupObjectPermission, CaseUserObjectPermission, Disclosure
from workflows.models import CaseProcess

TaskPrevious = Task.previous.through

# Copy order: a row's foreign-key targets come first.
CLONED = (
    Youth,
    Case,
    CaseMotif,
    Decision,
    RappelALOrdre,
    CddfReferral,
    ReferentDesignation,
    Bilan,
    PendingStep,
    PersonInformation,
    Disclosure,
    JournalEntry,
    CaseUserObjectPermission,
    CaseGroupObjectPermission,
    Process,
    CaseProcess,
    Task,
    TaskPrevious,
)
# Dates allowed to stay in the future: deadlines and the timers on them.
FUTURE_OK = {
    (PendingStep, "due_on"),
    (ReferentDesignation, "next_bilan_due_on"),
    (Disclosure, "ends_on"),
    (Task, "scheduled"),
}
# Ids kept in JSON, by key.
JSON_IDS = {
    "decision": Decision,
    "rappel": RappelALOrdre,
    "cddf": CddfReferral,
    "designation": ReferentDesignation,
    "bilan": Bilan,
    "disclosure": Disclosure,
    "step_id": PendingStep,
}
JSON_USERS = {"referent"}

FIRST_NAMES = (
    "Léa",
    "Hugo",
    "Inès",
    "Yanis",
    "Jade",
    "Nolan",
    "Sarah",
    "Adam",
    "Lina",
    "Enzo",
    "Maëlys",
    "Rayan",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
)
LAST_SUFFIXES = ("", "-Lefèvre", "-Garcia", "-Roux", "-Fournier", "-Girard", "-Bonnet", "-Lambert")


def related_models() -> set[type[models.Model]]:
    """Models with a foreign key to Case: those not cloned are reported, not silently ignored."""
    return {rel.related_model for rel in Case._meta.related_objects if rel.related_model._meta.managed}


def not_cloned() -> list[str]:
    # Reads, not writes of the parcours; what the stall scan writes itself
    # (bench.dataset runs the real scan once the volume is in place); and
    # break-the-glass grants, rare exceptions (visibility still pays their
    # indexed Exists); séance agendas, written per cell by bench.seances.
    skipped = {
        "permissions.AccessLog",
        "notifications.StallFlag",
        "permissions.BreakGlassGrant",
        "meetings.AgendaItem",
    }
    return sorted(
        m._meta.label
        for m in related_models()
        if m not in CLONED and m._meta.label not in skipped and not m._meta.proxy
    )


@dataclass
class CloneSpec:
    """One new case: which template, where, who, when."""

    template: Template
    group: PartnershipPeople
    cell_id: int
    commune_id: int
    member_id: int
    coordinator_id: int
    referent_id: int
    recidive_referent_id: int
    offset: int  # days added to every date of the template (<= 0 for most)
    age: int
    sex: str
    profil: str
    plan_measure: str
    motifs: tuple[str, ...]
    disclosed: bool = False
    extra_contacts: int = 0


@dataclass
class _Ctx:
    spec: CloneSpec
    ids: dict = field(default_factory=lambda: defaultdict(dict))  # model -> {old: new}
    users: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    case_id: int = 0
    signaled_on: date | None = None


class Cloner:
    def __init__(self, templates: list[Template], rng: random.Random):
        self.rng = rng
        self.templates = {t.case_id: t for t in templates}
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.columns = {m: [f for f in m._meta.local_concrete_fields] for m in CLONED}
        self.next_id = {}
        with connection.cursor() as cursor:
            for model in CLONED:
                pk = model._meta.pk.column
                cursor.execute(f"SELECT coalesce(max({pk}), 0) FROM {model._meta.db_table}")
                self.next_id[model] = cursor.fetchone()[0] + 1
        self.rows = self._load_template_rows()
        self.referent_institution = dict(User.objects.values_list("pk", "institution_id"))
        self.buffer: dict = defaultdict(list)
        self.counts: dict = defaultdict(int)
        self.references: dict = {}
        self.scoped_perm = access._perm("view_case_scoped_summary").pk
        self.cell_groups = {}

    # --- Reading the templates ---------------------------------------------

    def _select(self, model, where: str, params) -> list[tuple]:
        cols = ", ".join(f.column for f in self.columns[model])
        with connection.cursor() as cursor:
            pk = model._meta.pk.column
            cursor.execute(f"SELECT {cols} FROM {model._meta.db_table} WHERE {where} ORDER BY {pk}", params)
            return cursor.fetchall()

    def _load_template_rows(self) -> dict[int, dict]:
        out = {}
        for case_id in self.templates:
            case = Case.objects.get(pk=case_id)
            process_ids = list(CaseProcess.objects.filter(case_id=case_id).values_list("pk", flat=True))
            task_ids = list(Task.objects.filter(process_id__in=process_ids).values_list("pk", flat=True))
            rows = {
                Youth: self._select(Youth, "id = %s", [case.youth_id]) if case.youth_id else [],
                Case: self._select(Case, "id = %s", [case_id]),
                CaseUserObjectPermission: self._select(
                    CaseUserObjectPermission, "content_object_id = %s", [case_id]
                ),
                CaseGroupObjectPermission: self._select(
                    CaseGroupObjectPermission, "content_object_id = %s", [case_id]
                ),
                Process: self._select(Process, "id = ANY(%s)", [process_ids]),
                CaseProcess: self._select(CaseProcess, "case_id = %s", [case_id]),
                Task: self._select(Task, "id = ANY(%s)", [task_ids]),
                TaskPrevious: self._select(TaskPrevious, "to_task_id = ANY(%s)", [task_ids]),
            }
            for model in (CaseMotif, Decision, RappelALOrdre, CddfReferral, ReferentDesignation, Bilan):
                rows[model] = self._select(model, "case_id = %s", [case_id])
            for model in (PendingStep, PersonInformation, Disclosure, JournalEntry):
                rows[model] = self._select(model, "case_id = %s", [case_id])
            out[case_id] = rows
        return out

    # --- Writing a clone ----------------------------------------------------

    def _new_id(self, model) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def _shift(self, model, column: str, value, ctx: _Ctx):
        if value is None:
            return None
        offset = timedelta(days=ctx.spec.offset)
        if (model, column) in FUTURE_OK:
            shifted = value + offset
            if model is Task and shifted < self.now:
                return value  # a timer stays ahead, as the minute sweep leaves it
            return shifted
        if isinstance(value, datetime):
            return min(value + offset, self.now)
        return min(value + offset, self.today)

    def _reference(self, group: PartnershipPeople, year: int) -> str:
        key = (group.partnership.pk, year)
        if key not in self.references:
            self.references[key] = _sequence_value(group.partnership.pk, year)
        self.references[key] += 1
        return f"{group.partnership.code.upper()}-{year}-{self.references[key]:04d}"

    def clone(self, spec: CloneSpec) -> None:
        t = spec.template
        ctx = _Ctx(spec=spec)
        ctx.users = {
            t.member_id: spec.member_id,
            t.coordinator_id: spec.coordinator_id,
            t.referent_id: spec.referent_id,
            t.recidive_referent_id: spec.recidive_referent_id,
        }
        ctx.groups = {self._cell_group(t.cell_id): self._cell_group(spec.cell_id)}
        rows = self.rows[t.case_id]
        # Allocate every id first: rows refer to one another in any order.
        for model in CLONED:
            pk_index = self._pk_index(model)
            for row in rows[model]:
                ctx.ids[model][row[pk_index]] = self._new_id(model)
        ctx.case_id = ctx.ids[Case][t.case_id]
        case_row = rows[Case][0]
        ctx.signaled_on = self._shift(
            Case, "signaled_on", case_row[_index(self.columns[Case], "signaled_on")], ctx
        )
        for model in CLONED:
            for n, row in enumerate(rows[model]):
                if not spec.disclosed and self._is_disclosure(model, row):
                    continue
                copied = self._copy(model, row, ctx)
                if model is CaseMotif:
                    if n >= len(spec.motifs):
                        continue
                    copied[_index(self.columns[model], "code")] = spec.motifs[n]
                self._emit(model, copied)
        if spec.extra_contacts:
            self._extra_contacts(rows[JournalEntry], ctx)

    def _pk_index(self, model) -> int:
        return next(i for i, f in enumerate(self.columns[model]) if f.primary_key)

    def _is_disclosure(self, model, row) -> bool:
        cols = self.columns[model]
        if model is Disclosure:
            return True
        if model is JournalEntry:
            return row[_index(cols, "kind")] == JournalEntry.Kind.DISCLOSURE
        if model is CaseGroupObjectPermission:
            return row[_index(cols, "permission")] == self.scoped_perm
        return False

    def _cell_group(self, cell_id: int) -> int:
        if cell_id not in self.cell_groups:
            from casework.models import Cell

            self.cell_groups[cell_id] = access.cell_members_group(Cell.objects.get(pk=cell_id)).pk
        return self.cell_groups[cell_id]

    def _copy(self, model, row: tuple, ctx: _Ctx) -> list:
        out = list(row)
        for i, f in enumerate(self.columns[model]):
            value = row[i]
            name = f.name
            if f.primary_key and not f.is_relation:
                out[i] = ctx.ids[model][value]
            elif f.is_relation:
                target = f.related_model
                if value is None:
                    continue
                if target in ctx.ids and value in ctx.ids[target]:
                    out[i] = ctx.ids[target][value]
                elif target is User:
                    out[i] = ctx.users.get(value, value)
                elif name == "group":
                    out[i] = ctx.groups.get(value, value)
            elif isinstance(f, models.DateTimeField | models.DateField):
                out[i] = self._shift(model, f.column, value, ctx)
            elif isinstance(f, models.JSONField):
                # Django's PostgreSQL backend hands jsonb over undecoded (JSONField decodes it).
                data = json.loads(value) if isinstance(value, str) else value
                out[i] = json.dumps(self._remap_json(data, ctx) if isinstance(data, dict) else data)
        if model is Case:
            self._case_fields(out, ctx)
        elif model is Youth:
            self._youth_fields(out, ctx)
        elif model is ReferentDesignation:
            referent = out[_index(self.columns[model], "referent")]
            if referent is not None:
                out[_index(self.columns[model], "institution")] = self.referent_institution[referent]
        elif model is Task:
            col = _index(self.columns[model], "owner_permission_obj_pk")
            if out[col] is not None:
                out[col] = str(ctx.case_id)
        return out

    def _remap_json(self, data: dict, ctx: _Ctx) -> dict:
        data = dict(data)
        for key, value in data.items():
            if key in JSON_IDS and isinstance(value, int):
                data[key] = ctx.ids[JSON_IDS[key]].get(value, value)
            elif key in JSON_USERS and isinstance(value, int):
                data[key] = ctx.users.get(value, value)
            elif key == "due_on" and isinstance(value, str):
                data[key] = (date.fromisoformat(value) + timedelta(days=ctx.spec.offset)).isoformat()
        return data

    def _case_fields(self, out: list, ctx: _Ctx) -> None:
        cols, spec = self.columns[Case], ctx.spec
        signaled_on = out[_index(cols, "signaled_on")]
        out[_index(cols, "reference")] = self._reference(spec.group, signaled_on.year)
        out[_index(cols, "cell")] = spec.cell_id
        out[_index(cols, "commune")] = spec.commune_id
        out[_index(cols, "profil")] = spec.profil
        out[_index(cols, "plan_measure")] = spec.plan_measure
        out[_index(cols, "age_at_signalement")] = spec.age
        out[_index(cols, "sex")] = spec.sex

    def _youth_fields(self, out: list, ctx: _Ctx) -> None:
        cols, rng, spec = self.columns[Youth], self.rng, ctx.spec
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES) + rng.choice(LAST_SUFFIXES)
        out[_index(cols, "first_name")] = first
        out[_index(cols, "last_name")] = last
        out[_index(cols, "identity_key")] = identity_key(first, last)
        out[_index(cols, "commune")] = spec.commune_id
        out[_index(cols, "sex")] = spec.sex
        # `age` years old on the signalement day.
        birthday = ctx.signaled_on - timedelta(days=365 * spec.age + rng.randint(3, 360))
        out[_index(cols, "birth_date")] = birthday

    def _extra_contacts(self, journal_rows: list, ctx: _Ctx) -> None:
        cols = self.columns[JournalEntry]
        contact = next(
            (r for r in journal_rows if r[_index(cols, "kind")] == JournalEntry.Kind.CONTACT), None
        )
        if contact is None:
            return
        first_contact = contact[_index(cols, "occurred_on")]  # template rows are in date order
        span = CONTACTS[-1] - CONTACTS[0]
        for _ in range(ctx.spec.extra_contacts):
            row = self._copy(JournalEntry, contact, ctx)
            row[_index(cols, "id")] = self._new_id(JournalEntry)
            # Between the first and the last template contact: the designation's
            # first/last activity dates stay those the service computed.
            day = first_contact + timedelta(days=self.rng.randint(0, span))
            row[_index(cols, "occurred_on")] = self._shift(JournalEntry, "occurred_on", day, ctx)
            self._emit(JournalEntry, row)

    def _emit(self, model, row: list) -> None:
        self.buffer[model].append(row)
        self.counts[model] += 1

    # --- Flushing ----------------------------------------------------------------

    def flush(self) -> None:
        """COPY the buffered rows (foreign keys checked later by check_integrity)."""
        raw = connection.connection
        with raw.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            try:
                for model in CLONED:
                    rows = self.buffer.pop(model, [])
                    if not rows:
                        continue
                    cols = ", ".join(f.column for f in self.columns[model])
                    with cursor.copy(f"COPY {model._meta.db_table} ({cols}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")

    def finish(self) -> None:
        """Move every sequence past the copied ids and the reference counters past the copied references."""
        self.flush()
        with connection.cursor() as cursor:
            for model in CLONED:
                table, pk = model._meta.db_table, model._meta.pk.column
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "
                    f"(SELECT coalesce(max({pk}), 1) FROM {table}))"
                )
        from casework.models import ReferenceSequence

        for (partnership_id, year), value in self.references.items():
            ReferenceSequence.objects.update_or_create(
                partnership_id=partnership_id, year=year, defaults={"last_value": value}
            )


def _index(cols, name: str) -> int:
    for i, f in enumerate(cols):
        if f.name == name:
            return i
    raise KeyError(name)


def _sequence_value(partnership_id: int, year: int) -> int:
    from casework.models import ReferenceSequence

    row = ReferenceSequence.objects.filter(partnership_id=partnership_id, year=year).first()
    return row.last_value if row else 0


def check_integrity() -> list[str]:
    """Every foreign key of every cloned table points at an existing row (the load skipped the triggers)."""
    problems = []
    with connection.cursor() as cursor:
        for model in CLONED:
            for f in model._meta.local_concrete_fields:
                if not f.is_relation or f.related_model is None:
                    continue
                target = f.related_model._meta
                cursor.execute(
                    f"SELECT count(*) FROM {model._meta.db_table} t WHERE t.{f.column} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {target.db_table} r WHERE r.{f.target_field.column} = t.{f.column})"
                )
                missing = cursor.fetchone()[0]
                if missing:
                    problems.append(f"{model._meta.label}.{f.name}: {missing} orphan rows")
    return problems
