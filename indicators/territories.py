"""Territories indicators are computed for: département, arrondissement,
partnership (CLSPD/CISPD) and cell (domain.md §2).

A case belongs to a territory as follows (the rule every indicator uses):
- cell / partnership: the case's cell / partnership;
- arrondissement / département: the arrondissement / département of the
  case's commune (a CISPD straddling two arrondissements splits accordingly).

Cells and memberships (charter indicators) belong to a cell / partnership
directly, and to an arrondissement / département when the cell covers at
least one of its communes.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

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
    def below_partnership(self) -> bool:
        """Small counts are masked below partnership level (domain.md §5)."""
        return self.kind == "cell"

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


def territory_of(obj) -> Territory:
    """The Territory for a Departement, Arrondissement, Partnership or Cell instance."""
    if isinstance(obj, Departement):
        return Territory("departement", obj.pk, obj.name, departement_id=obj.pk, code=obj.code)
    if isinstance(obj, Arrondissement):
        return Territory("arrondissement", obj.pk, obj.name, departement_id=obj.departement_id)
    if isinstance(obj, Partnership):
        return Territory("partnership", obj.pk, obj.name, partnership_id=obj.pk)
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
        if not key.isdigit():
            raise TerritoryError(INVALID_TERRITORY.format(spec=spec))
        model = {"arrondissement": Arrondissement, "partnership": Partnership, "cell": Cell}[kind]
        obj = model.objects.filter(pk=int(key)).first()
    if obj is None:
        raise TerritoryNotFound(spec)
    return territory_of(obj)
