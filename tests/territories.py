"""Fixtures of a second hosted département (the Nord) beside the Pas-de-Calais of
`tests.factories.world`: what multi-tenant tests need to show that one territory's
directory is neither listed nor accepted in another's forms. A pytest plugin of
the suite (`pytest_plugins` in tests/conftest.py)."""

import pytest

from casework.models import (
    Arrondissement,
    Cell,
    Commune,
    Departement,
    Institution,
    Partnership,
    TribunalJudiciaire,
)

INVALID_CHOICE = "Sélectionnez un choix valide"


@pytest.fixture
def nord():
    """A second hosted département, with a partnership, a cell and institutions
    (one whose name sorts before every institution of the Pas-de-Calais); and
    an institution of no département, offered nowhere."""
    departement = Departement.objects.create(code="59", name="Nord")
    arrondissement = Arrondissement.objects.create(departement=departement, name="Lille")
    tribunal = TribunalJudiciaire.objects.create(name="Tribunal judiciaire de Lille", departement=departement)
    lille = Commune.objects.create(
        insee_code="59350", name="Lille", arrondissement=arrondissement, tribunal=tribunal
    )
    partnership = Partnership.objects.create(name="CLSPD de Lille", kind=Partnership.Kind.CLSPD, code="LIL")
    partnership.communes.add(lille)
    Institution.objects.create(name="AAA Sans département", kind=Institution.Kind.ASSOCIATION)
    cell = Cell.objects.create(partnership=partnership, name="Lille – centre", kind=Cell.Kind.QUARTIER)
    cell.communes.add(lille)
    return {
        "departement": departement,
        "cell": cell,
        "police": Institution.objects.create(
            name="Commissariat de Lille", kind=Institution.Kind.POLICE_NATIONALE, departement=departement
        ),
        "first": Institution.objects.create(
            name="AAA Association lilloise", kind=Institution.Kind.ASSOCIATION, departement=departement
        ),
    }


@pytest.fixture
def local(w):
    """The Pas-de-Calais institutions, in the order expected (by name), with
    two added whose names sort first and last."""
    departement = w["institutions"]["college"].departement
    for name in ("AAB Association arrageoise", "Zénith association d'Arras"):
        Institution.objects.create(name=name, kind=Institution.Kind.ASSOCIATION, departement=departement)
    return list(Institution.objects.filter(departement=departement).order_by("name"))
