"""Who may read indicators, and for which territories.

Rules, in plain language:

- The **préfecture** (an agent of an institution of kind "préfecture" that
  belongs to a département) reads every territory of its département: the
  département, its arrondissements, every partnership with a commune in it,
  and their cells.
- A **coordinator** or **maire-président** (current membership) reads their
  partnership and its cells.
- Nobody else: members, référents, magistrates, PJJ/SPIP and superusers get
  403. Indicators are not case data, so refusing openly reveals nothing.
- A territory outside the reader's scope answers 404, like one that does not
  exist.

Indicators carry no nominative data, so no charter signature is required.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from casework.models import Arrondissement, Cell, Departement, Institution, Membership, Partnership
from indicators.territories import (
    Territory,
    TerritoryNotFound,
    parse_territory,
    territory_of,
    with_perimeter,
)
from permissions.roles import is_prefecture_agent
from permissions.seats import current_seats

NOT_ENTITLED = (
    "Les indicateurs sont réservés aux coordonnateurs (pour leur partenariat) et à la préfecture "
    "(pour son département)."
)
READER_ROLES = (Membership.Role.COORDONNATEUR, Membership.Role.MAIRE_PRESIDENT)


@dataclass(frozen=True)
class IndicatorScope:
    """The départements and partnerships a reader may see indicators for."""

    departement_ids: frozenset[int]
    partnership_ids: frozenset[int]

    def allows_partnership(self, partnership_id: int | None) -> bool:
        if partnership_id in self.partnership_ids:
            return True
        return bool(self.departement_ids) and (
            Partnership.objects.filter(
                pk=partnership_id, communes__arrondissement__departement_id__in=self.departement_ids
            ).exists()
        )

    def allows(self, territory: Territory) -> bool:
        if territory.kind in ("departement", "arrondissement"):
            return territory.departement_id in self.departement_ids
        return self.allows_partnership(territory.partnership_id)

    def territories(self) -> list[Territory]:
        """Every territory in scope, broadest first (the selector's options)."""
        out: list[Territory] = []
        departements = Departement.objects.filter(pk__in=self.departement_ids).order_by("code")
        out += [territory_of(d) for d in departements]
        out += [
            territory_of(a)
            for a in Arrondissement.objects.filter(departement_id__in=self.departement_ids).order_by("name")
        ]
        partnerships = Partnership.objects.filter(pk__in=self.partnership_ids)
        if self.departement_ids:
            partnerships = partnerships | Partnership.objects.filter(
                communes__arrondissement__departement_id__in=self.departement_ids
            )
        partnership_ids = set(partnerships.values_list("pk", flat=True))
        # Names for the selector only: a report resolves its territory again
        # (`resolve_territory`), perimeter included.
        partnerships = Partnership.objects.filter(pk__in=partnership_ids).order_by("name")
        out += [territory_of(p, perimeter=False) for p in partnerships]
        cells = Cell.objects.filter(partnership_id__in=partnership_ids).order_by("partnership__name", "name")
        out += [territory_of(c) for c in cells]
        return out

    def default(self) -> Territory:
        """The département for the préfecture, else the (first) partnership."""
        if self.departement_ids:
            return territory_of(
                Departement.objects.filter(pk__in=self.departement_ids).order_by("code").first()
            )
        partnerships = with_perimeter(Partnership.objects.filter(pk__in=self.partnership_ids))
        return territory_of(partnerships.order_by("name").first())


def scope_for(user) -> IndicatorScope | None:
    """The reader's scope, or None when they may not read indicators at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    departements: set[int] = set()
    institution = user.institution
    if (
        institution is not None
        and institution.kind == Institution.Kind.PREFECTURE
        and institution.departement_id
    ):
        departements.add(institution.departement_id)
    partnerships = set(
        Membership.objects.current(timezone.localdate())
        .filter(user=user, role__in=READER_ROLES)
        .values_list("partnership_id", flat=True)
    )
    if not departements and not partnerships:
        return None
    return IndicatorScope(frozenset(departements), frozenset(partnerships))


def may_read_indicators(user) -> bool:
    """`scope_for(user) is not None`, cheaply (the menu asks on every page): a
    reader seat, else an agent of a préfecture that belongs to a département."""
    if any(seat.role in READER_ROLES for seat in current_seats(user)):
        return True
    return is_prefecture_agent(user)


def require_scope(user) -> IndicatorScope:
    scope = scope_for(user)
    if scope is None:
        raise PermissionDenied(NOT_ENTITLED)
    return scope


def resolve_territory(scope: IndicatorScope, spec: str | None) -> Territory:
    """The territory `spec` names (default: the scope's own), or Http404 when it
    does not exist or lies outside the scope. Malformed specs raise TerritoryError."""
    if not spec:
        return scope.default()
    try:
        territory = parse_territory(spec)
    except TerritoryNotFound:
        raise Http404("Territoire introuvable.") from None
    if not scope.allows(territory):
        raise Http404("Territoire introuvable.")
    return territory
