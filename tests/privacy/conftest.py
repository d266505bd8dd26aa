import pytest

from tests.factories import make_case, make_coordinator, make_member, world


@pytest.fixture
def w():
    return world()


@pytest.fixture
def cell(w):
    return w["cells"]["Arras – centre"]


@pytest.fixture
def coordinator(w):
    """Signed coordinator of the Arras CLSPD."""
    return make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])


@pytest.fixture
def other_coordinator(w):
    """Signed coordinator of another partnership (Lens): sees nothing of Arras."""
    return make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])


@pytest.fixture
def member(w, cell):
    """Signed member of the Arras centre cell: cell summary of its cases, no archive."""
    return make_member(cell, institution=w["institutions"]["college"])


@pytest.fixture
def case(cell, coordinator):
    return make_case(cell, by=coordinator, first_name="Léa", last_name="Martin")
