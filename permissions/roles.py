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

Global (model-level) permissions are never honoured (accept_global_perms=False).
"""

from django.db.models import CharField, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from casework.models import Case, Cell, Membership
from permissions.models import Charter, CharterSignature
from permissions.visibility import visible_cases

COORDINATE = "casework.coordinate_case"


def signal_cells(user) -> QuerySet[Cell]:
    """Cells in which `user` may record a signalement (one query: the menu and
    the case list ask on every page)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Cell.objects.none()
    current_charter = Charter.objects.filter(partnership=OuterRef("partnership")).order_by("-version")
    signed_seats = (
        Membership.objects.current(timezone.localdate())
        .filter(user=user)
        .annotate(current_charter=Subquery(current_charter.values("pk")[:1]))
        .filter(Exists(CharterSignature.objects.filter(user=user, charter=OuterRef("current_charter"))))
    )
    member = signed_seats.filter(role=Membership.Role.MEMBRE, cell=OuterRef("pk"))
    partnership_wide = signed_seats.filter(
        role__in=(Membership.Role.COORDONNATEUR, Membership.Role.MAIRE_PRESIDENT),
        partnership=OuterRef("partnership"),
    )
    return (
        Cell.objects.filter(is_active=True)
        .filter(Exists(member) | Exists(partnership_wide))
        .select_related("partnership")
    )


def can_signal(user) -> bool:
    return signal_cells(user).exists()


def cases_with_perm(user, perm: str) -> QuerySet[Case]:
    """Cases on which `user` holds the object permission `perm` (user or group grant)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return get_objects_for_user(
        user, perm, klass=Case, accept_global_perms=False, with_superuser=False
    ).filter(pk__in=visible_cases(user).values("pk"))


def case_pks_with_perm_as_text(user, perm: str):
    """Same as `cases_with_perm`, as text pks (viewflow stores task object pks as text)."""
    return cases_with_perm(user, perm).annotate(pk_text=Cast("pk", CharField())).values("pk_text")


def can_coordinate(user, case: Case) -> bool:
    return cases_with_perm(user, COORDINATE).filter(pk=case.pk).exists()


def can_use_workflow(user) -> bool:
    """Open the parcours screens to every active account.

    Every screen is scoped per case (visible_cases, scoped task queue), so an
    account with nothing in scope (préfecture, admin) sees empty lists. Closing
    the app instead would answer 403 to a URL of an out-of-scope case, where
    the rule is 404, the answer of a case that does not exist.
    """
    return bool(getattr(user, "is_authenticated", False) and user.is_active)
