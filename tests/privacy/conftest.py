import pytest

from tests.factories import make_case, make_coordinator


@pytest.fixture
def other_coordinator(w):
    """Signed coordinator of another partnership (Lens): sees nothing of Arras."""
    return make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])


@pytest.fixture
def case(cell, coordinator):
    return make_case(cell, by=coordinator, first_name="Léa", last_name="Martin")
