import pytest

from casework.models import Membership
from tests.factories import make_case, make_coordinator, make_user


@pytest.fixture
def other_coordinator(w):
    """Signed coordinator of another partnership (Lens): sees nothing of Arras."""
    return make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])


@pytest.fixture
def case(cell, coordinator):
    return make_case(cell, by=coordinator, first_name="Léa", last_name="Martin")


@pytest.fixture
def dpo(w):
    """The DPO of the CLSPD d'Arras: reads purge reports and the break-the-glass review,
    metadata only."""
    user = make_user(institution=w["institutions"]["mairie_arras"])
    Membership.objects.create(
        user=user,
        partnership=w["partnerships"]["arras"],
        institution=w["institutions"]["mairie_arras"],
        role=Membership.Role.DPO,
    )
    return user
