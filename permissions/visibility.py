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
  needs no job).
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

from django.contrib.auth.models import Permission
from django.db.models import BooleanField, CharField, Exists, OuterRef, QuerySet, Subquery, Value, When
from django.db.models import Case as When_
from django.utils import timezone

from casework.models import Case, User
from permissions.models import (
    BreakGlassGrant,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Disclosure,
)


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


def _permission_id(codename: str) -> Subquery:
    """The case permission's id, as an uncorrelated subquery PostgreSQL runs once per query."""
    return Subquery(
        Permission.objects.filter(content_type__app_label="casework", codename=codename).values("pk")[:1]
    )


def _user_groups(user) -> QuerySet:
    return User.groups.through.objects.filter(user_id=user.pk).values("group_id")


def _granted(user, codename: str) -> Exists | None:
    # Evaluated once per case row: the permission id and the user's groups are
    # uncorrelated subqueries (computed once), so each EXISTS is an index probe
    # instead of re-joining auth_permission and auth_group for every row.
    permission_id = _permission_id(codename)
    user_grant = CaseUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user_id=user.pk, permission_id=permission_id
    )
    group_grant = CaseGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        group_id__in=_user_groups(user),
        permission_id=permission_id,
    )
    return Exists(user_grant) | Exists(group_grant)


def _active_disclosure(user):
    return Exists(
        Disclosure.objects.active(timezone.localdate()).filter(
            case=OuterRef("pk"), institution_id=user.institution_id
        )
    )


def _break_glass(user):
    return Exists(
        BreakGlassGrant.objects.active(timezone.now()).filter(case=OuterRef("pk"), requested_by_id=user.pk)
    )


def with_representation(queryset: QuerySet[Case], user) -> QuerySet[Case]:
    """Annotate `representation` (None when the user may not see the case) and
    `break_glass` (True when the full file comes from a break-the-glass grant)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.annotate(
            representation=Value(None, output_field=CharField()),
            break_glass=Value(False, output_field=BooleanField()),
        )
    scoped = _granted(user, PERMISSION_FOR[Representation.SCOPED_SUMMARY])
    if user.institution_id:
        scoped = scoped & _active_disclosure(user)
    else:
        scoped = None
    full = _granted(user, PERMISSION_FOR[Representation.FULL])
    cell_summary = _granted(user, PERMISSION_FOR[Representation.CELL_SUMMARY])
    break_glass = _break_glass(user) & cell_summary
    whens = [
        When(full, then=Value(Representation.FULL.value)),
        When(break_glass, then=Value(Representation.FULL.value)),
        When(cell_summary, then=Value(Representation.CELL_SUMMARY.value)),
    ]
    if scoped is not None:
        whens.append(When(scoped, then=Value(Representation.SCOPED_SUMMARY.value)))
    return queryset.annotate(
        representation=When_(*whens, default=None, output_field=CharField()),
        break_glass=When_(
            When(full, then=Value(False)), When(break_glass, then=Value(True)), default=Value(False)
        ),
    )


def visible_case_ids(user) -> QuerySet:
    """Ids of the cases `user` has a representation of: exactly the cases whose
    `representation` annotation is not None, as one indexable subquery.

    Filtering on the CASE expression itself would make PostgreSQL evaluate
    every grant subquery for every case of the table before the page's
    ORDER BY/LIMIT (seconds at a département's 100,000 cases, see bench/);
    this union starts from the user's own grant rows instead (index on
    (group|user, permission, content_object)), so the cost follows what the
    user may see, not the size of the table.
    """
    readable = [
        _permission_id(PERMISSION_FOR[Representation.FULL]),
        _permission_id(PERMISSION_FOR[Representation.CELL_SUMMARY]),
    ]
    # Permission ids and group ids as uncorrelated subqueries, not joins on
    # auth_permission/auth_group: the planner then estimates the grant rows
    # from the grant index statistics (a join on codename made it guess a few
    # dozen rows for thousands, and pick nested loops that rescan the union).
    groups = _user_groups(user)
    user_grants = CaseUserObjectPermission.objects.filter(user_id=user.pk)
    group_grants = CaseGroupObjectPermission.objects.filter(group_id__in=groups)
    parts = [
        grants.filter(permission_id=permission).values("content_object_id")
        for grants in (user_grants, group_grants)
        for permission in readable
    ]
    if user.institution_id:
        scoped = _permission_id(PERMISSION_FOR[Representation.SCOPED_SUMMARY])
        disclosed = Disclosure.objects.active(timezone.localdate()).filter(institution_id=user.institution_id)
        for grants in (user_grants, group_grants):
            parts.append(
                grants.filter(permission_id=scoped, content_object_id__in=disclosed.values("case_id")).values(
                    "content_object_id"
                )
            )
    ids, *parts = parts
    return ids.union(*parts, all=True)


def visible_cases(user, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases `user` may see, annotated with their `representation`.

    Purged cases are never visible; archived cases only through the archive
    access service (which logs a reason).
    """
    queryset = Case.objects.all() if queryset is None else queryset
    queryset = queryset.exclude(status__in=[Case.Status.PURGE, Case.Status.ARCHIVE])
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return with_representation(queryset.none(), user)
    return with_representation(queryset.filter(pk__in=visible_case_ids(user)), user)


def representation_for(user, case: Case) -> Representation | None:
    """The representation of `case` that `user` gets, or None (answer 404)."""
    row = (
        visible_cases(user, Case.objects.filter(pk=case.pk)).values_list("representation", flat=True).first()
    )
    return Representation(row) if row else None
