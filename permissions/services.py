"""The only writers of object permissions and group memberships.

Casework services call these on domain events (case signalled or moved,
référent designated or released, disclosure made or revoked); charter and
membership events call `user_sync_groups`. Grants go to groups (one per cell,
per partnership's coordinators, per institution) so that rows grow with cases,
not with cases × people; the référent grant is the per-user exception.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from casework.models import Case, Cell, Institution, Membership, Partnership
from permissions.models import Charter, CharterSignature


def cell_members_group(cell: Cell) -> Group:
    """Members of `cell` with a current charter signature."""
    return Group.objects.get_or_create(name=f"cellule:{cell.pk}:membres-signataires")[0]


def coordinators_group(partnership: Partnership) -> Group:
    """Coordinators of `partnership` with a current charter signature."""
    return Group.objects.get_or_create(name=f"partenariat:{partnership.pk}:coordonnateurs")[0]


def institution_group(institution: Institution) -> Group:
    """Agents of `institution` (disclosed scoped summaries)."""
    return Group.objects.get_or_create(name=f"institution:{institution.pk}:agents")[0]


def _perm(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="casework", codename=codename)


def current_charter(partnership: Partnership) -> Charter | None:
    return partnership.charters.order_by("-version").first()


def has_signed_current_charter(user, partnership: Partnership) -> bool:
    charter = current_charter(partnership)
    return charter is not None and CharterSignature.objects.filter(charter=charter, user=user).exists()


@transaction.atomic
def case_grant_structural(*, case: Case) -> None:
    """Grant the structural readers of `case`: its cell's signed members and its coordinators.

    Coordinators also get `coordinate_case`, the object permission behind the
    coordinator's workflow tasks (examen, measures, designation, examen du bilan).

    Call after creating a case or moving it to another cell.
    """
    for codename, group in (
        ("view_case_full", coordinators_group(case.partnership)),
        ("coordinate_case", coordinators_group(case.partnership)),
        ("view_case_cell_summary", cell_members_group(case.cell)),
    ):
        # Drop grants to other cells' groups (a case moved between cells).
        case.casegroupobjectpermission_set.filter(permission__codename=codename).exclude(group=group).delete()
        if codename == "view_case_cell_summary" and case.cell.strict_need_to_know:
            continue  # strict cells grant per séance invitation
        assign_perm(_perm(codename), group, case)


@transaction.atomic
def case_grant_referent(*, case: Case, user) -> None:
    """The current référent reads the full file."""
    assign_perm(_perm("view_case_full"), user, case)


@transaction.atomic
def case_revoke_referent(*, case: Case, user) -> None:
    remove_perm(_perm("view_case_full"), user, case)


@transaction.atomic
def case_grant_disclosed(*, case: Case, institution: Institution) -> None:
    """Scoped summary for the institution's agents; the Disclosure's dates still apply at read time."""
    assign_perm(_perm("view_case_scoped_summary"), institution_group(institution), case)


@transaction.atomic
def case_revoke_disclosed(*, case: Case, institution: Institution) -> None:
    if not case.disclosures.active().filter(institution=institution).exists():
        remove_perm(_perm("view_case_scoped_summary"), institution_group(institution), case)


@transaction.atomic
def user_sync_groups(*, user) -> None:
    """Recompute the user's permission groups from current memberships and signatures.

    Called on every membership, charter-signature, charter-version and
    institution change: access follows at once, no job needed.
    """
    wanted: set[int] = set()
    today = timezone.localdate()
    for membership in (
        Membership.objects.current(today).filter(user=user).select_related("partnership", "cell")
    ):
        if not has_signed_current_charter(user, membership.partnership):
            continue
        if membership.role in (Membership.Role.COORDONNATEUR,):
            wanted.add(coordinators_group(membership.partnership).pk)
        elif membership.cell_id:
            wanted.add(cell_members_group(membership.cell).pk)
    if user.institution_id and user.institution.kind in Institution.DISCLOSABLE_KINDS:
        wanted.add(institution_group(user.institution).pk)
    managed = user.groups.filter(name__regex=r"^(cellule|partenariat|institution):")
    user.groups.remove(*managed.exclude(pk__in=wanted))
    user.groups.add(*Group.objects.filter(pk__in=wanted))


@transaction.atomic
def case_revoke_all(*, case: Case) -> int:
    """Remove every object permission on `case` (retention purge); returns the rows deleted."""
    return (
        case.caseuserobjectpermission_set.all().delete()[0]
        + case.casegroupobjectpermission_set.all().delete()[0]
    )
