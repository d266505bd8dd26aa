"""Territories indicators are computed for: département, arrondissement,
partnership (CLSPD/CISPD) and cell (domain.md §2).

A case belongs to a territory as follows (the rule every indicator uses):
- cell / partnership: the case's cell / partnership;
- arrondissement / département: the arrondissement / département of the
  case's commune (a CISPD straddling two arrondissements splits accordingly).

Cells and memberships (charter indicators) belong to a cell / partnership
directly, and to an arrondissement / département when the cell covers at
least one of its communes.

Small counts are masked at commune and cell level (domain.md §5,
`Territory.small_count_level`): a cell; a partnership whose perimeter is a
single commune (a CLSPD: its figures are that commune's); a partnership with a
single active cell (its figures are that cell's, or nearly).
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from casework.models import Arrondissement, Cell, Departement, Partnership

KINDS = ("departement", "arrondissement", "partnership", "cell")
KIND_LABELS = {
    "departement": "Département",
    "arrondissement": "Arrondissement",
    "partnership": "CLSPD / CISPD",
    "cell": "Cellule de veille",
}

INVALID_TERRITORY = (
    "Territoire invalide « {spec} » : attendu departement:<code>, arrondissement:<id>, "
    "partnership:<id> ou cell:<id>."
)


class TerritoryError(ValueError):
    """A malformed territory spec (answer 400). The message is French."""


class TerritoryNotFound(LookupError):
    """No such territory (answer 404, like an out-of-scope one)."""


@dataclass(frozen=True)
class Territory:
    kind: str
    pk: int
    label: str
    departement_id: int | None = None  # for scoping; None for partnerships and cells
    partnership_id: int | None = None  # the cell's partnership, or the partnership itself
    code: str = ""  # a département's INSEE code, its key in specs
    # A partnership's perimeter (see `with_perimeter`); None: not known, which
    # `small_count_level` reads as small.
    communes: int | None = None
    active_cells: int | None = None

    @property
    def spec(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def key(self) -> str:
        return self.code if self.kind == "departement" else str(self.pk)

    @property
    def title(self) -> str:
        return f"{KIND_LABELS[self.kind]} – {self.label}"

    @property
    def small_count_level(self) -> bool:
        """Whether this territory's counts are commune- or cell-level figures,
        masked when small (domain.md §5): a cell, or a partnership covering a
        single commune or with a single active cell. Arrondissements,
        départements and wider partnerships publish their totals as they are."""
        if self.kind == "cell":
            return True
        if self.kind != "partnership":
            return False
        return (
            self.communes is None or self.active_cells is None or min(self.communes, self.active_cells) <= 1
        )

    @property
    def child_dimension(self) -> str | None:
        """The sub-territory the dashboard splits this territory into."""
        return {"departement": "partnership", "arrondissement": "partnership", "partnership": "cell"}.get(
            self.kind
        )

    def case_q(self, prefix: str = "") -> Q:
        """Cases (through `prefix`, e.g. "case__") that belong to this territory."""
        field = {
            "cell": "cell_id",
            "partnership": "partnership_id",
            "arrondissement": "commune__arrondissement_id",
            "departement": "commune__arrondissement__departement_id",
        }[self.kind]
        return Q(**{f"{prefix}{field}": self.pk})

    def cells(self) -> QuerySet[Cell]:
        """Cells of this territory (see module docstring)."""
        if self.kind == "cell":
            return Cell.objects.filter(pk=self.pk)
        if self.kind == "partnership":
            return Cell.objects.filter(partnership_id=self.pk)
        field = "arrondissement_id" if self.kind == "arrondissement" else "arrondissement__departement_id"
        return Cell.objects.filter(pk__in=Cell.objects.filter(**{f"communes__{field}": self.pk}).values("pk"))

    def partnerships(self) -> QuerySet[Partnership]:
        """Partnerships with at least one commune in this territory (its own for a cell)."""
        if self.kind in ("cell", "partnership"):
            return Partnership.objects.filter(pk=self.partnership_id)
        field = "arrondissement_id" if self.kind == "arrondissement" else "arrondissement__departement_id"
        return Partnership.objects.filter(
            pk__in=Partnership.objects.filter(**{f"communes__{field}": self.pk}).values("pk")
        )


def with_perimeter(partnerships: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """`partnerships` annotated with what `territory_of` needs (no query per partnership)."""
    return partnerships.annotate(
        perimeter_communes=Count("communes", distinct=True),
        perimeter_active_cells=Count("cells", filter=Q(cells__is_active=True), distinct=True),
    )


def small_partnership_keys(territory: Territory) -> frozenset[str]:
    """Group keys (pks as strings) of the partnerships of `territory` whose
    figures are commune- or cell-level (`Territory.small_count_level`): in an
    arrondissement's or a département's split by partnership, their small
    counts are masked like in their own reports. One query."""
    if territory.kind not in ("departement", "arrondissement"):
        return frozenset()
    return frozenset(
        str(p.pk) for p in with_perimeter(territory.partnerships()) if territory_of(p).small_count_level
    )


def territory_of(obj, *, perimeter: bool = True) -> Territory:
    """The Territory for a Departement, Arrondissement, Partnership or Cell instance.

    A partnership not read through `with_perimeter` costs one query, unless
    `perimeter` is False (its perimeter is then unknown: masked as small)."""
    if isinstance(obj, Departement):
        return Territory("departement", obj.pk, obj.name, departement_id=obj.pk, code=obj.code)
    if isinstance(obj, Arrondissement):
        return Territory("arrondissement", obj.pk, obj.name, departement_id=obj.departement_id)
    if isinstance(obj, Partnership):
        if perimeter and not hasattr(obj, "perimeter_communes"):
            obj = with_perimeter(Partnership.objects.filter(pk=obj.pk)).get()
        return Territory(
            "partnership",
            obj.pk,
            obj.name,
            partnership_id=obj.pk,
            communes=getattr(obj, "perimeter_communes", None),
            active_cells=getattr(obj, "perimeter_active_cells", None),
        )
    if isinstance(obj, Cell):
        return Territory("cell", obj.pk, obj.name, partnership_id=obj.partnership_id)
    raise TypeError(f"Not a territory: {obj!r}")


def parse_territory(spec: str) -> Territory:
    """Resolve "kind:key" (one query). Raises TerritoryError or TerritoryNotFound."""
    kind, _, key = (spec or "").strip().partition(":")
    if kind not in KINDS or not key:
        raise TerritoryError(INVALID_TERRITORY.format(spec=spec))
    if kind == "departement":
        obj = Departement.objects.filter(code=key).first()
    else:
        if not key.isdecimal():
            raise TerritoryError(INVALID_TERRITORY.format(spec=spec))
        queryset = {
            "arrondissement": Arrondissement.objects.all(),
            "partnership": with_perimeter(Partnership.objects.all()),
            "cell": Cell.objects.all(),
        }[kind]
        obj = queryset.filter(pk=int(key)).first()
    if obj is None:
        raise TerritoryNotFound(spec)
    return territory_of(obj)
