"""The only writers of object permissions and group memberships.

Casework services call these on domain events (case signalled or moved,
référent designated or released, disclosure made or revoked); charter and
membership events call `user_sync_groups`. Grants go to groups (one per cell,
per partnership's coordinators, per institution) so that rows grow with cases,
not with cases × people; the per-user exceptions are the référent's grant and,
in strict need-to-know cells, the séance invitees' and attendees' grants.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from casework.models import Case, Cell, Institution, Membership, Partnership, User
from permissions.models import (
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Charter,
    CharterSignature,
)

# Groups written only by `user_sync_groups`; never shown nor assignable in the admin.
MANAGED_GROUP_REGEX = r"^(cellule|partenariat|institution):"

ADMINISTRATORS_GROUP = "Administrateurs"
# Models the "Administrateurs" group manages: reference data and accounts only.
ADMINISTRATORS_MODELS = {
    "casework": ["departement", "arrondissement", "tribunaljudiciaire", "commune", "partnership", "cell"]
    + ["institution", "stepdeadline", "user"],
    "auth": ["group"],
}


# The names of the groups that hold cell-summary and full grants, as (prefix,
# suffix) around the cell's or partnership's id: `representations.cells_showing_cases`
# finds a user's cells from their groups' names.
CELL_MEMBERS_GROUP = ("cellule:", ":membres-signataires")
COORDINATORS_GROUP = ("partenariat:", ":coordonnateurs")


def cell_members_group(cell: Cell) -> Group:
    """Members of `cell` with a current charter signature."""
    prefix, suffix = CELL_MEMBERS_GROUP
    return Group.objects.get_or_create(name=f"{prefix}{cell.pk}{suffix}")[0]


def coordinators_group(partnership: Partnership) -> Group:
    """Coordinators of `partnership` with a current charter signature."""
    prefix, suffix = COORDINATORS_GROUP
    return Group.objects.get_or_create(name=f"{prefix}{partnership.pk}{suffix}")[0]


def institution_group(institution: Institution) -> Group:
    """Agents of `institution` with a signed seat somewhere (disclosed scoped
    summaries; the read still needs a signed seat in the case's partnership,
    checked by `permissions.visibility`)."""
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
    # Séance grants hold only for séances of the case's current cell.
    cases_sync_seance_grants(case_ids={case.pk})


@transaction.atomic
def case_grant_referent(*, case: Case, user) -> None:
    """The current référent reads the full file."""
    assign_perm(_perm("view_case_full"), user, case)


@transaction.atomic
def case_revoke_referent(*, case: Case, user) -> None:
    remove_perm(_perm("view_case_full"), user, case)


@transaction.atomic
def user_revoke_referent_grants(*, user, partnership: Partnership) -> int:
    """Remove every full-file grant of `user` on the cases of `partnership`
    (their last seat there ended); returns how many went."""
    return CaseUserObjectPermission.objects.filter(
        user=user, permission=_perm("view_case_full"), content_object__partnership=partnership
    ).delete()[0]


@transaction.atomic
def case_grant_disclosed(*, case: Case, institution: Institution) -> None:
    """Scoped summary for the institution's agents; the Disclosure's dates still apply at read time."""
    assign_perm(_perm("view_case_scoped_summary"), institution_group(institution), case)


@transaction.atomic
def case_revoke_disclosed(*, case: Case, institution: Institution) -> None:
    """Withdraw the institution's grant once no share of `case` to it is left to run.

    A share not revoked and not yet ended (`ends_on` today or later) keeps the
    grant, even one that starts later: visibility opens it on its start date
    (the dates are checked at read time), so the grant must already be there.
    """
    remaining = case.disclosures.filter(
        institution=institution, revoked_at__isnull=True, ends_on__gte=timezone.localdate()
    )
    if not remaining.exists():
        remove_perm(_perm("view_case_scoped_summary"), institution_group(institution), case)


@transaction.atomic
def user_sync_groups(*, user) -> None:
    """Recompute the user's permission groups from current memberships and signatures.

    Called on every membership, charter-signature, charter-version and
    institution change: access follows at once, no job needed.

    It starts by locking the user's row, then reads their seats and
    signatures: two services changing the same user (a member signing while a
    coordinator ends their seat) sync one after the other, and the second
    reads what the first committed, so that no group outlives its seat. The
    lock is FOR NO KEY UPDATE: the services' rows that point at the user
    (signature, journal) hold FOR KEY SHARE on it, which a FOR UPDATE taken
    by two such transactions would turn into a deadlock.
    """
    user = _lock_user(user)
    wanted: set[int] = set()
    today = timezone.localdate()
    signed_seat = False
    for membership in (
        Membership.objects.current(today).filter(user=user).select_related("partnership", "cell")
    ):
        if not has_signed_current_charter(user, membership.partnership):
            continue
        if membership.role != Membership.Role.DPO:
            signed_seat = True
        if membership.role in (Membership.Role.COORDONNATEUR,):
            wanted.add(coordinators_group(membership.partnership).pk)
        elif membership.cell_id:
            wanted.add(cell_members_group(membership.cell).pk)
    # The charter gate (domain.md §4.1): no disclosed summary without a signed seat.
    if signed_seat and user.institution_id and user.institution.kind in Institution.DISCLOSABLE_KINDS:
        wanted.add(institution_group(user.institution).pk)
    managed = user.groups.filter(name__regex=MANAGED_GROUP_REGEX)
    user.groups.remove(*managed.exclude(pk__in=wanted))
    user.groups.add(*Group.objects.filter(pk__in=wanted))
    user_sync_seance_grants(user=user)


@transaction.atomic
def case_revoke_all(*, case: Case) -> int:
    """Remove every object permission on `case` (retention purge); returns the rows deleted."""
    return (
        case.caseuserobjectpermission_set.all().delete()[0]
        + case.casegroupobjectpermission_set.all().delete()[0]
    )


# --- Strict need-to-know cells: per-user grants from séance invitations and attendance
#
# In a cell with `strict_need_to_know`, the cell group holds no grant; a member
# reads the cell summary of a case only while all of these hold:
#   - the case is on the agenda of a séance of the case's cell, not canceled
#     (and not a pending item of a case closed since: it is being withdrawn,
#     meetings.services.case_agenda_withdraw),
#   - the member is invited to that séance while it is planned (to prepare
#     it); once it is held or closed, the member was recorded present there,
#   - the member holds a current membership of that cell,
#   - the member signed the partnership's current charter.
# No grant expires with time after the séance: it ends with the membership,
# the signature, the case's archiving or purge, or the item's removal.
# The functions below recompute the per-user `view_case_cell_summary` grants
# from that rule (adding and removing), so that every event that changes one
# of its terms only has to call them. Nothing else writes user-level cell
# summary grants.


def _seance_entitled_pairs(case_ids: set[int]) -> set[tuple[int, int]]:
    """(case id, user id) pairs the strict rule entitles, for `case_ids`. Five queries."""
    from meetings.models import AgendaItem, Attendance, Seance

    items = list(
        AgendaItem.objects.filter(
            case_id__in=case_ids,
            seance__cell__strict_need_to_know=True,
            seance__cell=F("case__cell"),
        )
        .exclude(case__status__in=[Case.Status.ARCHIVE, Case.Status.PURGE])
        .exclude(seance__status=Seance.Status.CANCELED)  # its invitations never led to a meeting
        .exclude(status=AgendaItem.Status.PENDING, case__status=Case.Status.CLOS)
        .values_list("case_id", "seance_id", "seance__cell_id", "case__partnership_id", "seance__status")
    )
    if not items:
        return set()
    # Before the séance is held its invitees prepare it; from then on, only those recorded present.
    preparing = {i[1] for i in items if i[4] == Seance.Status.PLANNED}
    entitled: dict[int, set[int]] = {}
    for seance_id, user_id, present in Attendance.objects.filter(
        seance_id__in={i[1] for i in items}
    ).values_list("seance_id", "user_id", "present"):
        if seance_id in preparing or present:
            entitled.setdefault(seance_id, set()).add(user_id)
    members = set(
        Membership.objects.current()
        .filter(role=Membership.Role.MEMBRE, cell_id__in={i[2] for i in items})
        .values_list("cell_id", "user_id")
    )
    partnership_ids = {i[3] for i in items}
    current = {}
    for charter in Charter.objects.filter(partnership_id__in=partnership_ids).order_by(
        "partnership", "-version"
    ):
        current.setdefault(charter.partnership_id, charter.pk)
    signed = set(
        CharterSignature.objects.filter(charter_id__in=current.values()).values_list(
            "charter__partnership_id", "user_id"
        )
    )
    return {
        (case_id, user_id)
        for case_id, seance_id, cell_id, partnership_id, _ in items
        for user_id in entitled.get(seance_id, ())
        if (cell_id, user_id) in members and (partnership_id, user_id) in signed
    }


@transaction.atomic
def cases_sync_seance_grants(*, case_ids) -> None:
    """Recompute the per-user cell-summary grants of `case_ids` from the strict rule above.

    Call after any change to a séance's agenda, invitations, attendance or
    status (held, closed, canceled), to a cell's strict setting, or to a
    member's membership or signature (user_sync_groups does the last). Outside strict cells it removes every such grant.
    """
    case_ids = set(case_ids)
    if not case_ids:
        return
    permission = _perm("view_case_cell_summary")
    wanted = _seance_entitled_pairs(case_ids)
    existing = CaseUserObjectPermission.objects.filter(content_object_id__in=case_ids, permission=permission)
    rows = list(existing.values_list("pk", "content_object_id", "user_id"))
    held = {(case_id, user_id) for _, case_id, user_id in rows}
    stale = [pk for pk, case_id, user_id in rows if (case_id, user_id) not in wanted]
    if stale:  # one DELETE, however many grants go
        CaseUserObjectPermission.objects.filter(pk__in=stale).delete()
    CaseUserObjectPermission.objects.bulk_create(
        [
            CaseUserObjectPermission(content_object_id=case_id, user_id=user_id, permission=permission)
            for case_id, user_id in wanted - held
        ]
    )


def _lock_user(user):
    """Lock `user`'s row until the end of the transaction (see `user_sync_groups`)
    and return it as read after the lock."""
    return (
        User.objects.select_for_update(no_key=True, of=("self",))
        .select_related("institution")
        .get(pk=user.pk)
    )


@transaction.atomic
def user_sync_seance_grants(*, user) -> None:
    """Recompute the séance grants of every case `user` holds or could hold one on.

    Locks the user's row first, like `user_sync_groups`: the seats and
    signatures it reads are then those of the last committed change."""
    from meetings.models import AgendaItem

    user = _lock_user(user)
    held = CaseUserObjectPermission.objects.filter(
        user=user, permission__codename="view_case_cell_summary"
    ).values_list("content_object_id", flat=True)
    on_agendas = AgendaItem.objects.filter(
        seance__attendances__user=user, seance__cell__strict_need_to_know=True
    ).values_list("case_id", flat=True)
    cases_sync_seance_grants(case_ids=set(held) | set(on_agendas))


@transaction.atomic
def cell_sync_need_to_know(*, cell: Cell) -> None:
    """Apply `cell.strict_need_to_know` to every case of the cell.

    Off: the cell's signed-members group reads every case of the cell, and the
    per-user séance grants go. On: the group grant goes, and each member keeps
    only the cases of the séances they are invited to (planned) or attended
    (held or closed).
    """
    permission = _perm("view_case_cell_summary")
    cases = Case.objects.filter(cell=cell)
    group = cell_members_group(cell)
    if cell.strict_need_to_know:
        CaseGroupObjectPermission.objects.filter(content_object__cell=cell, permission=permission).delete()
    else:
        granted = CaseGroupObjectPermission.objects.filter(
            group=group, permission=permission, content_object=OuterRef("pk")
        )
        CaseGroupObjectPermission.objects.bulk_create(
            [
                CaseGroupObjectPermission(content_object=case, group=group, permission=permission)
                for case in cases.exclude(Exists(granted)).only("pk")
            ]
        )
    cases_sync_seance_grants(case_ids=set(cases.values_list("pk", flat=True)))


@transaction.atomic
def administrators_group() -> Group:
    """The "Administrateurs" group: model permissions on reference data and accounts, nothing else.

    Idempotent; its permissions are reset to exactly that list. Case data has
    no model permission to give (Case has no default permissions) and no
    admin page, so this group cannot reach it.
    """
    group, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    perms = Permission.objects.none()
    for app_label, models in ADMINISTRATORS_MODELS.items():
        perms |= Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=models)
    # Accounts are deactivated, not deleted: their signatures and log rows stay attributable.
    group.permissions.set(perms.exclude(codename="delete_user"))
    return group
