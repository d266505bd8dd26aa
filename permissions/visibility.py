"""The one visibility function and the one representation policy.

Every read of case data goes through `visible_cases(user)`; every view, API
endpoint, export and search picks what to show with `representation_for` (or
the `representation` annotation that `visible_cases` adds). Rules, in plain
language:

- `full`: the partnership's coordinators (charter signed) and the case's
  current référent (user grant, made at designation, removed at its end).
- `cell_summary`: members of the case's cell who signed the current charter
  (group grant on the cell's "signed members" group; in strict need-to-know
  cells, a user grant per séance invitation instead).
- `scoped_summary`: agents of an institution the case was disclosed to, while
  the disclosure is active (dates checked here, at read time, so that expiry
  needs no job), who hold a current seat in the case's partnership with its
  current charter signed (the charter gate, domain.md §4.1: also checked here,
  at read time, so that an agent excluded or not yet signed reads nothing;
  `seats.signed_partnerships_sql`).
- break-the-glass: a cell member (cell_summary) whose request the
  coordinator approved reads the `full` file until the grant expires
  (`BreakGlassGrant.expires_at`, checked here at read time: no job ends it).
  Such cases carry `break_glass=True`, so the access log records each use
  with the reason "bris de glace".
- Nobody else sees the case: not the préfecture, not Django's superusers.

Grants live in guardian's direct-FK tables and are written only by
`permissions.services`; global (model-level) permissions are never honoured.
"""

from enum import StrEnum
from functools import cache

from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, CharField, Expression, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from django.utils import timezone

from casework.models import Case, User
from permissions.models import (
    BreakGlassGrant,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Disclosure,
)
from permissions.seats import signed_partnerships_sql


class Representation(StrEnum):
    FULL = "full"
    CELL_SUMMARY = "cell_summary"
    SCOPED_SUMMARY = "scoped_summary"


# Most to least detailed; the policy picks the first the user is granted.
PERMISSION_FOR = {
    Representation.FULL: "view_case_full",
    Representation.CELL_SUMMARY: "view_case_cell_summary",
    Representation.SCOPED_SUMMARY: "view_case_scoped_summary",
}
# Each representation's bit in the grants mask the SQL rules compute per case.
BIT_FOR = {Representation.FULL: 1, Representation.CELL_SUMMARY: 2, Representation.SCOPED_SUMMARY: 4}


_permission_ids: dict[str, int] = {}


def permission_ids() -> dict[str, int]:
    """The ids of the case permissions (PERMISSION_FOR), by codename.

    Read once per process and passed to the rules as parameters: a lookup
    subquery in every rule cost PostgreSQL an InitPlan each, and planning time
    on every list query. The ids change only when the permission rows are
    recreated (migrations, a test database flush): `post_migrate` clears them.
    """
    if not _permission_ids:
        rows = dict(
            Permission.objects.filter(
                content_type__app_label=Case._meta.app_label, codename__in=PERMISSION_FOR.values()
            ).values_list("codename", "id")
        )
        if len(rows) != len(PERMISSION_FOR):  # not migrated yet: nothing to cache
            raise ImproperlyConfigured("Case permissions missing: run the migrations.")
        _permission_ids.update(rows)
    return _permission_ids


def forget_permission_ids(**kwargs) -> None:
    """post_migrate receiver: the permission rows may have been recreated."""
    _permission_ids.clear()


# The rules are written as SQL fragments rather than ORM Exists() trees: the
# ORM took ~15 ms of Python to build and compile them on every request (and a
# list page needs them several times), the SQL is the same. Table and column
# names come from the models' _meta, so a renamed table cannot silently break
# them; tests/permissions/test_matrix.py checks every rule through every channel.
@cache
def _sql() -> dict[str, str]:
    user_grants = CaseUserObjectPermission._meta.db_table
    group_grants = CaseGroupObjectPermission._meta.db_table
    user_groups = User.groups.through._meta.db_table
    disclosures = Disclosure._meta.db_table
    break_glass = BreakGlassGrant._meta.db_table
    cases = Case._meta.db_table
    signed = signed_partnerships_sql()
    # The permission id is a parameter (`permission_ids`): each grant probe is
    # an index lookup on (user|group, permission, content_object).
    permission = "%s"
    groups = f"(SELECT ug.group_id FROM {user_groups} ug WHERE ug.user_id = %s)"
    return {
        # The representations granted on the case, to the user or to one of
        # their groups, as a bit mask (BIT_FOR): one correlated subquery per case
        # row, that every rule then reads. Plain SQL that SQLite (make run) runs too.
        # params: pk sql inlined; permission ids of BIT_FOR, user id, user id
        "grants": (
            "(SELECT SUM(DISTINCT CASE granted.permission_id"
            + f" WHEN {permission} THEN {{full}} WHEN {permission} THEN {{cell}}"
            + f" WHEN {permission} THEN {{scoped}} ELSE 0 END)"
            + f" FROM (SELECT g.permission_id FROM {user_grants} g WHERE g.content_object_id = {{pk}}"
            + " AND g.user_id = %s"
            + f" UNION ALL SELECT g.permission_id FROM {group_grants} g WHERE g.content_object_id = {{pk}}"
            + f" AND g.group_id IN {groups}) granted)"
        )
        .replace("{full}", str(BIT_FOR[Representation.FULL]))
        .replace("{cell}", str(BIT_FOR[Representation.CELL_SUMMARY]))
        .replace("{scoped}", str(BIT_FOR[Representation.SCOPED_SUMMARY])),
        # The charter gate of disclosures: the case's partnership is one where
        # the user holds a signed seat (an uncorrelated list, planned once).
        # params: institution id, today, today, then signed_partnerships'
        # (user id, today, today, user id)
        "disclosed": (
            f"EXISTS (SELECT 1 FROM {disclosures} d INNER JOIN {cases} c ON c.id = d.case_id"
            " WHERE d.case_id = {pk} AND d.institution_id = %s"
            " AND d.revoked_at IS NULL AND d.starts_on <= %s AND d.ends_on >= %s"
            f" AND c.partnership_id IN ({signed}))"
        ),
        # params: user id, status, now
        "break_glass": (
            f"EXISTS (SELECT 1 FROM {break_glass} b WHERE b.case_id = {{pk}} AND b.requested_by_id = %s"
            " AND b.status = %s AND b.expires_at > %s)"
        ),
        # Uncorrelated id lists, starting from the user's own grant rows.
        # params: user id, permission id
        "user_ids": f"SELECT content_object_id FROM {user_grants} WHERE user_id = %s AND permission_id = {permission}",
        # params: permission id, user id
        "group_ids": (
            f"SELECT content_object_id FROM {group_grants} WHERE permission_id = {permission} AND group_id IN {groups}"
        ),
        # params: user id, status, now
        "break_glass_ids": (
            f"SELECT case_id FROM {break_glass} WHERE requested_by_id = %s AND status = %s AND expires_at > %s"
        ),
        # params: institution id, today, today, then signed_partnerships'
        # (user id, today, today, user id)
        "disclosed_ids": (
            f"SELECT d.case_id FROM {disclosures} d INNER JOIN {cases} c ON c.id = d.case_id"
            " WHERE d.institution_id = %s AND d.revoked_at IS NULL AND d.starts_on <= %s AND d.ends_on >= %s"
            f" AND c.partnership_id IN ({signed})"
        ),
    }


class _Rules:
    """One user's grant rules at one instant, as (sql, params) pairs over a case pk.

    Each rule is one scalar subquery per case row: it computes the case's
    grants mask once (`grants`), then tests its bits; PostgreSQL plans a
    handful of subplans instead of one EXISTS per (rule, user|group) pair.
    """

    def __init__(self, user, today, now):
        self.user_id = user.pk
        self.institution_id = user.institution_id
        self.today = today
        self.now = now

    def _signed_params(self) -> list:
        return [self.user_id, self.today, self.today, self.user_id]

    def _has(self, representation: Representation) -> tuple[str, list]:
        return f"(COALESCE(x.m, 0) & {BIT_FOR[representation]}) <> 0", []

    def _over_grants(self, expression: str, params: list) -> tuple[str, list]:
        # Parameters in textual order: the expression's, then the grants subquery's.
        # The grants subquery's WHEN order: full, cell summary, scoped summary.
        ids = permission_ids()
        permissions = [ids[PERMISSION_FOR[representation]] for representation in Representation]
        # OFFSET 0 keeps PostgreSQL from inlining `x`: inlined, it computed
        # the grants subquery once per reference to `m` (up to five per row),
        # and planned each (bench/: 2 ms less planning per list page).
        # SQLite has no OFFSET without LIMIT; the demo's volumes need no fence.
        fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
        return f"(SELECT {expression} FROM (SELECT {_sql()['grants']} AS m{fence}) x)", [
            *params,
            *permissions,
            self.user_id,
            self.user_id,
        ]

    def _break_glass(self) -> tuple[str, list]:
        cell, cell_params = self._has(Representation.CELL_SUMMARY)
        active = _sql()["break_glass"]
        return f"({cell} AND {active})", [
            *cell_params,
            self.user_id,
            BreakGlassGrant.Status.APPROVED,
            self.now,
        ]

    def representation(self) -> tuple[str, list]:
        whens = [
            (*self._has(Representation.FULL), Representation.FULL),
            (*self._break_glass(), Representation.FULL),
            (*self._has(Representation.CELL_SUMMARY), Representation.CELL_SUMMARY),
        ]
        if self.institution_id:
            scoped, scoped_params = self._has(Representation.SCOPED_SUMMARY)
            whens.append(
                (
                    f"({scoped} AND {_sql()['disclosed']})",
                    [*scoped_params, self.institution_id, self.today, self.today, *self._signed_params()],
                    Representation.SCOPED_SUMMARY,
                )
            )
        sql = "CASE " + " ".join(f"WHEN {condition} THEN '{value.value}'" for condition, _, value in whens)
        return self._over_grants(
            sql + " ELSE NULL END", [param for _, params, _ in whens for param in params]
        )

    def through_break_glass(self) -> tuple[str, list]:
        full, full_params = self._has(Representation.FULL)
        glass, glass_params = self._break_glass()
        return self._over_grants(f"(NOT {full} AND {glass})", [*full_params, *glass_params])


class _CaseRule(Expression):
    """A rule of `_Rules` evaluated on the case row (`pk` resolved like any column,
    so the expression follows the case table's alias inside subqueries)."""

    def __init__(self, sql: str, params: list, output_field, *, pk: str = "pk"):
        super().__init__(output_field=output_field)
        self.sql, self.params, self.pk = sql, params, F(pk)

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.is_summary = summarize
        clone.pk = self.pk.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def as_sql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        if pk_params:  # a column never has params; anything else would misalign ours
            raise ValueError("case pk compiled with parameters")
        return "(" + self.sql.replace("{pk}", pk_sql) + ")", list(self.params)


def with_representation(queryset: QuerySet[Case], user) -> QuerySet[Case]:
    """Annotate `representation` (None when the user may not see the case) and
    `break_glass` (True when the full file comes from a break-the-glass grant)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.annotate(
            representation=Value(None, output_field=CharField()),
            break_glass=Value(False, output_field=BooleanField()),
        )
    rules = _Rules(user, timezone.localdate(), timezone.now())
    return queryset.annotate(
        representation=_CaseRule(*rules.representation(), output_field=CharField()),
        break_glass=_CaseRule(*rules.through_break_glass(), output_field=BooleanField()),
    )


# The sets of representations `visible_case_ids` can select, as SQL over the
# user's own grant rows: every one, all but scoped summaries, the full file.
EVERY_REPRESENTATION = frozenset(Representation)
FULL_OR_CELL_SUMMARY = frozenset({Representation.FULL, Representation.CELL_SUMMARY})
FULL_ONLY = frozenset({Representation.FULL})
ID_SETS = (EVERY_REPRESENTATION, FULL_OR_CELL_SUMMARY, FULL_ONLY)


def visible_case_ids(user, *, representations: frozenset = EVERY_REPRESENTATION) -> RawSQL:
    """Ids of the cases `user` reads in one of `representations` (one of
    `ID_SETS`; anything else raises ValueError): by default exactly the cases
    whose `representation` annotation is not None, as one uncorrelated
    subquery (use it as `pk__in=visible_case_ids(user)`).

    The representation comes from the grants (`_Rules.representation`): full
    is a full grant, or a cell grant with an active break-the-glass grant;
    cell summary any other cell grant; scoped summary a scoped grant on a case
    disclosed to the user's institution, in a partnership where the user holds
    a signed seat, without the other two.

    Filtering on the CASE expression itself would make PostgreSQL evaluate
    every grant subquery for every case of the table before the page's
    ORDER BY/LIMIT (seconds at a département's 100,000 cases, see bench/);
    this union starts from the user's own grant rows instead (index on
    (group|user, permission, content_object)), so the cost follows what the
    user may see, not the size of the table. One part per permission, with
    an equality on it: the planner then estimates the grant rows from the
    index statistics.
    """
    if representations not in ID_SETS:
        raise ValueError(f"No id set for the representations {sorted(representations)}")
    sql, parts, params, ids = _sql(), [], [], permission_ids()

    def grants(representation: Representation, condition: str = "", condition_params=()) -> None:
        permission = ids[PERMISSION_FOR[representation]]
        suffix = f" AND {condition}" if condition else ""
        parts.extend([sql["user_ids"] + suffix, sql["group_ids"] + suffix])
        params.extend([user.pk, permission, *condition_params, permission, user.pk, *condition_params])

    grants(Representation.FULL)
    if representations == FULL_ONLY:
        glass = f"content_object_id IN ({sql['break_glass_ids']})"
        grants(Representation.CELL_SUMMARY, glass, [user.pk, BreakGlassGrant.Status.APPROVED, timezone.now()])
    else:
        grants(Representation.CELL_SUMMARY)
    if representations == EVERY_REPRESENTATION and user.institution_id:
        today = timezone.localdate()
        disclosed = f"content_object_id IN ({sql['disclosed_ids']})"
        signed = [user.pk, today, today, user.pk]  # signed_partnerships_sql
        grants(Representation.SCOPED_SUMMARY, disclosed, [user.institution_id, today, today, *signed])
    return RawSQL(" UNION ALL ".join(parts), params, output_field=BigIntegerField())


def user_granted_case_ids(user, *, representations: frozenset) -> RawSQL:
    """Ids of the cases granted to `user` alone (user grants, not their groups')
    in one of `representations`, `FULL_OR_CELL_SUMMARY` or `FULL_ONLY`
    (the référent's full file, a strict cell's séance grants). A subset of
    `visible_case_ids(user, representations=…)` before the status filter;
    break-the-glass needs a cell grant, so it adds no case here."""
    if representations not in (FULL_OR_CELL_SUMMARY, FULL_ONLY):
        raise ValueError(f"No user-grant id set for the representations {sorted(representations)}")
    ids = permission_ids()
    parts = [_sql()["user_ids"]]
    params = [user.pk, ids[PERMISSION_FOR[Representation.FULL]]]
    if representations == FULL_OR_CELL_SUMMARY:
        parts.append(_sql()["user_ids"])
        params += [user.pk, ids[PERMISSION_FOR[Representation.CELL_SUMMARY]]]
    return RawSQL(" UNION ALL ".join(parts), params, output_field=BigIntegerField())


def visible_cases(
    user, queryset: QuerySet[Case] | None = None, *, representations: frozenset = EVERY_REPRESENTATION
) -> QuerySet[Case]:
    """Cases `user` may see, annotated with their `representation`.

    Purged cases are never visible; archived cases only through the archive
    access service (which logs a reason). With `representations`, only the
    cases read in one of them (see `visible_case_ids`).
    """
    queryset = _readable(Case.objects.all() if queryset is None else queryset)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return with_representation(queryset.none(), user)
    return with_representation(
        queryset.filter(pk__in=visible_case_ids(user, representations=representations)), user
    )


def visible_case_filter(user, field: str, *, representations: frozenset = EVERY_REPRESENTATION) -> Q:
    """A filter for a model with a foreign key `field` to Case: the rows whose
    case `user` may see (the cases of `visible_cases(user, representations=…)`).

    `{field}__in=visible_cases(user)` would make PostgreSQL check the status of
    each of the user's visible cases (thousands for a coordinator) before
    meeting the rows; this tests the status of the rows' own cases only.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": visible_case_ids(user, representations=representations)}) & ~Q(
        **{f"{field}__status__in": [Case.Status.PURGE, Case.Status.ARCHIVE]}
    )


def visible_case_filter_per_row(user, field: str, *, representations: frozenset) -> Q:
    """The rows of `visible_case_filter(user, field, representations=…)`, decided
    on each row by its case's representation: for a queryset that other
    conditions narrow to a few hundred rows first (a user's open tasks).

    `visible_case_filter` reads the user's visible cases as one set, which
    PostgreSQL estimates at 200 rows whatever their number: from a
    coordinator's 553 open tasks, it either hashed all the cases of the table
    against the set (~40 ms a query) or walked the set again for each task
    (~260 ms, see bench/). Here each row's grants are read through the case's
    own index entries. Not for unbounded querysets: the rule runs once per
    row that the other conditions let through.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    rule = _CaseRule(
        *_Rules(user, timezone.localdate(), timezone.now()).representation(),
        output_field=CharField(),
        pk=field,
    )
    return Q(In(rule, sorted(representation.value for representation in representations))) & ~Q(
        **{f"{field}__status__in": [Case.Status.PURGE, Case.Status.ARCHIVE]}
    )


def visible_among(user, queryset: QuerySet[Case]) -> list[Case]:
    """The cases of `queryset` that `user` may see, annotated like `visible_cases`:
    the same cases as `list(visible_cases(user, queryset))`, for a queryset
    already narrowed to a few rows (a page's ids).

    The representation, computed for these rows anyway, decides alone: the
    `IN (visible ids)` filter would walk all the user's visible cases again
    (`visible_case_ids` is exactly the cases with a representation, see
    tests/permissions/test_matrix.py).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [case for case in with_representation(_readable(queryset), user) if case.representation]


def visible_page(user, queryset: QuerySet[Case], ids: list[int]) -> list[Case]:
    """The cases `ids` (a page, taken from `visible_cases(user)` without its
    annotations) as `queryset` loads them, annotated like `visible_cases`, in
    the order of `ids`. A case that left the user's scope since the ids were
    read is left out.

    Lists page on ids first: with the representation and the other per-row
    subqueries in the select list, PostgreSQL computes them for every visible
    case before the ORDER BY/LIMIT (40 ms for a member's 1,600 cases, see bench/).
    """
    by_id = {case.pk: case for case in visible_among(user, queryset.filter(pk__in=ids))}
    return [by_id[pk] for pk in ids if pk in by_id]


def _readable(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.exclude(status__in=[Case.Status.PURGE, Case.Status.ARCHIVE])


def representation_for(user, case: Case) -> Representation | None:
    """The representation of `case` that `user` gets, or None (answer 404)."""
    row = (
        visible_cases(user, Case.objects.filter(pk=case.pk)).values_list("representation", flat=True).first()
    )
    return Representation(row) if row else None
