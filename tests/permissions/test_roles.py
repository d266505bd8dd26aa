"""Who may record a signalement, and where (`permissions.roles.signal_cells`)."""

from datetime import date

import pytest

from casework.models import Membership
from permissions.models import Charter
from permissions.roles import can_signal, signal_cells
from tests.factories import make_coordinator, make_member, make_user

pytestmark = pytest.mark.django_db


def cells_of(user) -> set[str]:
    return set(signal_cells(user).values_list("name", flat=True))


def partnership_cells(partnership) -> set[str]:
    return set(partnership.cells.filter(is_active=True).values_list("name", flat=True))


def test_a_signed_member_signals_in_their_own_cell_only(w):
    centre = w["cells"]["Arras – centre"]
    member = make_member(centre, institution=w["institutions"]["college"])
    assert cells_of(member) == {centre.name}
    assert can_signal(member)


def test_an_unsigned_member_or_an_outsider_signals_nowhere(w):
    centre = w["cells"]["Arras – centre"]
    assert cells_of(make_member(centre, institution=w["institutions"]["college"], signed=False)) == set()
    outsider = make_user(institution=w["institutions"]["college"])
    assert cells_of(outsider) == set()
    assert not can_signal(outsider)


def test_a_signed_coordinator_or_mayor_signals_in_every_active_cell_of_the_partnership(w):
    arras = w["partnerships"]["arras"]
    coordinator = make_coordinator(arras, institution=w["institutions"]["mairie_arras"])
    assert cells_of(coordinator) == partnership_cells(arras)
    mayor = make_coordinator(arras, institution=w["institutions"]["mairie_arras"])
    Membership.objects.filter(user=mayor).update(role=Membership.Role.MAIRE_PRESIDENT)
    assert cells_of(mayor) == partnership_cells(arras)
    closed = arras.cells.filter(is_active=True).first()
    closed.is_active = False
    closed.save()
    assert closed.name not in cells_of(coordinator)


def test_a_new_charter_version_or_an_ended_seat_withdraws_the_right(w):
    centre = w["cells"]["Arras – centre"]
    member = make_member(centre, institution=w["institutions"]["college"])
    Charter.objects.create(partnership=centre.partnership, version=2, text="Version 2")
    assert cells_of(member) == set()
    other = make_member(centre, institution=w["institutions"]["college"])
    Membership.objects.filter(user=other).update(ended_on=date(2020, 1, 1))
    assert cells_of(other) == set()


def test_dpo_and_members_of_another_partnership_do_not_widen_the_cells(w):
    centre = w["cells"]["Arras – centre"]
    member = make_member(centre, institution=w["institutions"]["college"])
    other_cell = next(cell for cell in w["cells"].values() if cell.partnership_id != centre.partnership_id)
    Membership.objects.create(
        user=member,
        partnership=other_cell.partnership,
        institution=w["institutions"]["college"],
        role=Membership.Role.DPO,
    )
    assert cells_of(member) == {centre.name}


def test_can_signal_says_whether_signal_cells_has_any(w, django_assert_num_queries):
    centre = w["cells"]["Arras – centre"]
    arras = centre.partnership
    college = w["institutions"]["college"]
    closed_cell = arras.cells.exclude(pk=centre.pk).filter(is_active=True).first()
    member_of_closed = make_member(closed_cell, institution=college)
    closed_cell.is_active = False
    closed_cell.save()
    users = [
        make_member(centre, institution=college),
        make_member(centre, institution=college, signed=False),
        member_of_closed,
        make_coordinator(arras, institution=w["institutions"]["mairie_arras"]),
        make_user(institution=college),
    ]
    answers = [can_signal(user) for user in users]

    assert answers == [signal_cells(user).exists() for user in users]
    assert answers == [True, False, False, True, False]
    # A signed member of an active cell: the seats answer (one query, no cell lookup).
    with django_assert_num_queries(1):
        assert can_signal(users[0])
