from permissions.visibility import Representation, representation_for, visible_cases
from tests.factories import make_case, make_coordinator, make_member, make_user, world


def test_structural_representations():
    w = world()
    centre, ouest, lens = (
        w["cells"]["Arras – centre"],
        w["cells"]["Arras – quartiers ouest"],
        w["cells"]["Lens-Liévin"],
    )
    inst = w["institutions"]
    member = make_member(centre, institution=inst["college"])
    unsigned = make_member(centre, institution=inst["mission_locale"], signed=False)
    coord = make_coordinator(w["partnerships"]["arras"], institution=inst["mairie_arras"])
    own, other_cell, other_tenant = make_case(centre), make_case(ouest), make_case(lens)

    assert representation_for(member, own) == Representation.CELL_SUMMARY
    assert representation_for(member, other_cell) is None
    assert representation_for(unsigned, own) is None
    assert representation_for(coord, other_cell) == Representation.FULL
    assert representation_for(coord, other_tenant) is None
    assert set(visible_cases(coord)) == {own, other_cell}
    assert list(visible_cases(make_user(institution=inst["prefecture"]))) == []
