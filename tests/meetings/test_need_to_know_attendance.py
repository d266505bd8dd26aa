"""Strict need-to-know follows attendance once the séance is held (domain.md §4.3:
"members see only cases on the agendas of meetings they attend").

Setting: cell "Arras – centre" in strict need-to-know; one séance today with
case `on_agenda`; `member` and `member2` invited. Before the séance is held
both read the case (to prepare it); once held, only a member recorded present.
"""

import pytest

from casework.services.errors import ServiceError
from meetings import services
from meetings.models import Seance
from permissions.visibility import representation_for
from tests.meetings.conftest import DAY, TODAY

SUMMARY = "cell_summary"
ORIENT = {
    "kind": "orientation",
    "orientations": ["referent"],
    "classement_reason": "",
    "pilot_institution": None,
}


@pytest.fixture
def strict_seance(cell, coord, member, member2, plan, signal):
    services.cell_need_to_know_set(cell=cell, strict=True, by=coord)
    cell.refresh_from_db()  # the fixtures signal cases with this instance
    on_agenda = signal()
    seance = plan()
    services.agenda_item_add(seance=seance, case=on_agenda, by=coord)
    services.seance_invite(seance=seance, users=[member, member2], by=coord)
    return seance, on_agenda


def test_invitees_read_the_agenda_while_the_seance_is_planned(strict_seance, member, member2):
    _, case = strict_seance
    assert representation_for(member, case) == SUMMARY
    assert representation_for(member2, case) == SUMMARY


def test_once_held_a_member_recorded_absent_loses_the_access(strict_seance, coord, member, member2):
    seance, case = strict_seance
    services.attendance_record(seance=seance, user=member, present=True, by=coord)
    services.attendance_record(seance=seance, user=member2, present=False, by=coord)
    assert representation_for(member, case) == SUMMARY
    assert representation_for(member2, case) is None


def test_an_invitee_whose_presence_is_not_recorded_loses_the_access_once_held(
    strict_seance, coord, member, member2
):
    seance, case = strict_seance
    services.attendance_record(seance=seance, user=member, present=True, by=coord)
    assert representation_for(member2, case) is None
    # Recorded present later (the sheet is filled in after the séance): the access comes back.
    services.attendance_record(seance=seance, user=member2, present=True, by=coord)
    assert representation_for(member2, case) == SUMMARY


def test_a_correction_to_absent_withdraws_the_access(strict_seance, coord, member):
    seance, case = strict_seance
    services.attendance_record(seance=seance, user=member, present=True, by=coord)
    services.attendance_record(seance=seance, user=member, present=False, by=coord)
    assert representation_for(member, case) is None


def test_a_decision_that_holds_the_seance_leaves_only_those_recorded_present(strict_seance, coord, member):
    seance, case = strict_seance
    services.agenda_item_decide(item=seance.items.get(), data=ORIENT, by=coord)
    seance.refresh_from_db()
    assert seance.status == Seance.Status.HELD
    assert representation_for(member, case) is None  # nobody recorded present yet


def test_closing_keeps_the_access_of_those_present_and_no_other(strict_seance, coord, member, member2):
    """No expiry after the séance: the grant of a member present lasts, like the relevé they read."""
    seance, case = strict_seance
    services.attendance_record(seance=seance, user=member, present=True, by=coord)
    services.attendance_record(seance=seance, user=member2, present=False, by=coord)
    services.agenda_item_decide(item=seance.items.get(), data=ORIENT, by=coord)
    services.seance_close(seance=seance, by=coord)
    assert representation_for(member, case) == SUMMARY
    assert representation_for(member2, case) is None


def test_invitations_change_only_while_the_seance_is_planned(strict_seance, coord, member, w, cell):
    from tests.factories import make_member

    seance, case = strict_seance
    late = make_member(cell, institution=w["institutions"]["mission_locale"], username="tardif")
    services.attendance_record(seance=seance, user=member, present=True, by=coord)
    message = "La séance a commencé : les convocations ne peuvent plus changer"
    with pytest.raises(ServiceError, match=message):
        services.seance_invite(seance=seance, users=[late], by=coord)
    assert not seance.attendances.filter(user=late).exists()
    assert representation_for(late, case) is None
    with pytest.raises(ServiceError, match=message):
        services.seance_uninvite(attendance=seance.attendances.get(user=member), by=coord)


def test_a_seance_of_a_day_gone_by_but_never_held_still_takes_invitations(cell, coord, member, plan, signal):
    """ "Planned" is the séance's status, not its date: one entered afterwards is prepared as usual."""
    seance = plan(TODAY - 3 * DAY)
    services.agenda_item_add(seance=seance, case=signal(signaled_on=TODAY - 10 * DAY), by=coord)
    assert services.seance_invite(seance=seance, users=[member], by=coord)


def test_the_seance_page_offers_invitations_only_while_planned(client, strict_seance, coord, member):
    from django.urls import reverse

    seance, _ = strict_seance
    client.force_login(coord)
    url = reverse("seances:detail", args=[seance.pk])
    assert "Convoquer des membres de la cellule" in client.get(url).content.decode()
    services.attendance_record(seance=seance, user=member, present=True, by=coord)
    assert "Convoquer des membres de la cellule" not in client.get(url).content.decode()
