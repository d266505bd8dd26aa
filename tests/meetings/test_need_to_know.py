"""Per-cell need-to-know, as a permission matrix (data), plus the events that re-sync it.

Setting: cell "Arras – centre"; one séance today with case `on_agenda`;
`member` is invited to it, `member2` is not; `off_agenda` is another case of
the cell; `west` is a case of the other Arras cell.
"""

import pytest

from casework.models import Case
from meetings import services
from permissions.charter import charter_adopt, membership_end
from permissions.services import case_grant_structural
from permissions.visibility import representation_for
from tests.factories import sign_charter

FULL, SUMMARY, NONE = "full", "cell_summary", None

# (strict, user, case, representation expected)
MATRIX = [
    # Off (default): the cell's shared list, whatever the invitations.
    (False, "member", "on_agenda", SUMMARY),
    (False, "member", "off_agenda", SUMMARY),
    (False, "member2", "on_agenda", SUMMARY),
    (False, "member2", "off_agenda", SUMMARY),
    (False, "unsigned", "on_agenda", NONE),
    (False, "west_member", "on_agenda", NONE),
    (False, "west_member", "west", SUMMARY),
    (False, "coord", "off_agenda", FULL),
    (False, "outsider", "on_agenda", NONE),
    # On: only the cases on the agendas of the séances a member is invited to.
    (True, "member", "on_agenda", SUMMARY),
    (True, "member", "off_agenda", NONE),
    (True, "member2", "on_agenda", NONE),
    (True, "member2", "off_agenda", NONE),
    (True, "unsigned", "on_agenda", NONE),
    (True, "west_member", "on_agenda", NONE),
    (True, "coord", "on_agenda", FULL),
    (True, "coord", "off_agenda", FULL),
    (True, "outsider", "on_agenda", NONE),
]


@pytest.fixture
def setting(plan, coord, member, member2, unsigned, west_member, outsider, signal, w):
    west_case = signal(in_cell=w["cells"]["Arras – quartiers ouest"])
    on_agenda, off_agenda = signal(), signal()
    seance = plan()
    services.agenda_item_add(seance=seance, case=on_agenda, by=coord)
    services.seance_invite(seance=seance, users=[member], by=coord)
    return {
        "seance": seance,
        "cases": {"on_agenda": on_agenda, "off_agenda": off_agenda, "west": west_case},
        "users": {
            "coord": coord,
            "member": member,
            "member2": member2,
            "unsigned": unsigned,
            "west_member": west_member,
            "outsider": outsider,
        },
    }


def set_strict(cell, coord, strict):
    services.cell_need_to_know_set(cell=cell, strict=strict, by=coord)
    cell.refresh_from_db()  # the fixtures signal cases with this instance


@pytest.mark.parametrize(("strict", "user", "case", "expected"), MATRIX)
def test_need_to_know_matrix(setting, cell, coord, strict, user, case, expected):
    set_strict(cell, coord, strict)
    assert representation_for(setting["users"][user], setting["cases"][case]) == expected


def test_switching_back_off_restores_the_shared_list(setting, cell, coord, member2):
    off_agenda = setting["cases"]["off_agenda"]
    set_strict(cell, coord, True)
    assert representation_for(member2, off_agenda) is None
    set_strict(cell, coord, False)
    assert representation_for(member2, off_agenda) == SUMMARY


def test_strict_cells_grant_new_cases_to_nobody_but_coordinators(setting, cell, coord, member, signal):
    set_strict(cell, coord, True)
    new = signal()
    assert representation_for(member, new) is None and representation_for(coord, new) == FULL


def test_a_case_added_after_the_invitation_is_granted_to_invitees(setting, cell, coord, member):
    set_strict(cell, coord, True)
    off_agenda = setting["cases"]["off_agenda"]
    services.agenda_item_add(seance=setting["seance"], case=off_agenda, by=coord)
    assert representation_for(member, off_agenda) == SUMMARY


def test_removing_the_item_or_the_invitation_removes_the_access(setting, cell, coord, member):
    set_strict(cell, coord, True)
    seance, on_agenda = setting["seance"], setting["cases"]["on_agenda"]
    services.agenda_item_remove(item=seance.items.get(), by=coord)
    assert representation_for(member, on_agenda) is None
    services.agenda_item_add(seance=seance, case=on_agenda, by=coord)
    assert representation_for(member, on_agenda) == SUMMARY
    services.seance_uninvite(attendance=seance.attendances.get(), by=coord)
    assert representation_for(member, on_agenda) is None


def test_a_new_charter_version_suspends_the_seance_access_until_signed(setting, cell, coord, member, w):
    set_strict(cell, coord, True)
    on_agenda = setting["cases"]["on_agenda"]
    partnership = w["partnerships"]["arras"]
    charter_adopt(partnership=partnership, text="Charte, version 2", by=coord)
    assert representation_for(member, on_agenda) is None
    sign_charter(member, partnership)
    assert representation_for(member, on_agenda) == SUMMARY


def test_leaving_the_cell_ends_the_seance_access(setting, cell, coord, member):
    set_strict(cell, coord, True)
    membership_end(membership=member.memberships.get(), by=coord)
    assert representation_for(member, setting["cases"]["on_agenda"]) is None


def test_a_case_moved_to_another_cell_leaves_the_seance_grants_behind(setting, cell, coord, member, w):
    set_strict(cell, coord, True)
    on_agenda = setting["cases"]["on_agenda"]
    # Test setup: no move service exists yet; it will re-grant through case_grant_structural.
    Case.objects.filter(pk=on_agenda.pk).update(cell=w["cells"]["Arras – quartiers ouest"])
    on_agenda.refresh_from_db()
    case_grant_structural(case=on_agenda)
    assert representation_for(member, on_agenda) is None


def test_cancelling_the_seance_withdraws_what_its_invitation_gave(setting, cell, coord):
    services.cell_need_to_know_set(cell=cell, strict=True, by=coord)
    member, on_agenda = setting["users"]["member"], setting["cases"]["on_agenda"]
    assert representation_for(member, on_agenda) == SUMMARY
    services.seance_cancel(seance=setting["seance"], by=coord)
    assert representation_for(member, on_agenda) is None
