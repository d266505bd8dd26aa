"""Who may do what in the parcours, in plain language.

- Signal a youth (start the parcours): a current member of a cell who signed
  the partnership's current charter, in that cell; a coordinator (charter
  signed) in any cell of the partnership.
- Coordinator tasks (examen, measures, designation, examen du bilan): users
  holding the `casework.coordinate_case` object permission on the case, granted
  to the partnership's signed coordinators by `case_grant_structural`.
- Référent tasks: the designated référent only (tasks assigned to them).
- Use the workflow screens at all: any active account (empty lists when nothing
  is in scope); every screen still filters through `visible_cases`.

Global (model-level) permissions are never honoured: grants are read from the
object-permission tables only.
"""

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from casework.models import Cell, Institution, Membership
from permissions.models import CaseGroupObjectPermission, CaseUserObjectPermission
from permissions.seats import current_seats

COORDINATE = "casework.coordinate_case"


def signal_cells(user) -> QuerySet[Cell]:
    """Active cells in which `user` may record a signalement: their own cell as a
    member, every cell of the partnership as a coordinator or maire-président,
    the partnership's current charter signed either way. The seats take one
    query; the cells are a plain queryset (the case list asks on every page)."""
    signed = [seat for seat in current_seats(user) if seat.signed]
    member_cells = {seat.cell_id for seat in signed if seat.role == Membership.Role.MEMBRE}
    partnerships = {seat.partnership_id for seat in signed if seat.partnership_wide}
    if not member_cells and not partnerships:
        return Cell.objects.none()
    return (
        Cell.objects.filter(is_active=True)
        .filter(Q(pk__in=member_cells) | Q(partnership_id__in=partnerships))
        .select_related("partnership")
    )


def is_prefecture_agent(user) -> bool:
    """An agent of a préfecture that belongs to a département: a reader of that
    département's aggregates (indicators, charter report). No query when the
    user came from the session (`permissions.backends` loads the institution)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.institution_id:
        return False
    institution = user.institution
    return institution.kind == Institution.Kind.PREFECTURE and institution.departement_id is not None


def can_signal(user) -> bool:
    """Whether `signal_cells(user)` is not empty. A signed member's own active
    cell answers from the seats, without a query (the case list asks on every page)."""
    if any(
        seat.signed and seat.role == Membership.Role.MEMBRE and seat.cell_active
        for seat in current_seats(user)
    ):
        return True
    return signal_cells(user).exists()


def granted_case_pks_as_text(user, perm: str) -> tuple[Q, ...]:
    """Filters on `owner_permission_obj_pk` (viewflow stores task object pks as
    text): the cases on which `user` holds `perm`, one filter for the user's
    own grants and one for their groups' (an empty tuple for an inactive or
    anonymous user). Kept apart, each can start from the task index.

    The grants alone, not their visibility: the task queue filters its tasks by
    visible cases itself (`ScopedTaskQuerySet`), and guardian's
    get_objects_for_user scans every case of the table (100 ms a query at a
    département's 100,000 cases, and a queue page runs four).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    app_label, codename = perm.split(".")
    granted = {"permission__codename": codename, "permission__content_type__app_label": app_label}
    as_text = {"pk_text": Cast("content_object_id", CharField())}
    own = CaseUserObjectPermission.objects.filter(user=user, **granted).annotate(**as_text)
    through_groups = CaseGroupObjectPermission.objects.filter(group__user=user, **granted).annotate(**as_text)
    return (
        Q(owner_permission_obj_pk__in=own.values("pk_text")),
        Q(owner_permission_obj_pk__in=through_groups.values("pk_text")),
    )


def can_use_workflow(user) -> bool:
    """Open the parcours screens to every active account.

    Every screen is scoped per case (visible_cases, scoped task queue), so an
    account with nothing in scope (préfecture, admin) sees empty lists. Closing
    the app instead would answer 403 to a URL of an out-of-scope case, where
    the rule is 404, the answer of a case that does not exist.
    """
    return bool(getattr(user, "is_authenticated", False) and user.is_active)
