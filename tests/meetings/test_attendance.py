"""Invitations go to signed members of the cell; attendance needs a current signature."""

import pytest

from casework.services.errors import ServiceError
from meetings import selectors, services
from meetings.models import Attendance, Seance
from permissions.charter import charter_adopt
from tests.factories import sign_charter
from tests.meetings.conftest import DAY, TODAY


def test_signed_members_are_invited_with_the_institution_of_their_seat(plan, coord, member, member2, w):
    seance = plan()
    services.seance_invite(seance=seance, users=[member, member2], by=coord)
    rows = {a.user: a for a in seance.attendances.all()}
    assert set(rows) == {member, member2}
    assert rows[member].institution == w["institutions"]["college"]
    assert rows[member].invited and rows[member].present is None


def test_a_member_without_the_current_signature_cannot_be_invited(plan, coord, member, unsigned):
    seance = plan()
    with pytest.raises(ServiceError, match="n'a pas signé la charte de confidentialité en vigueur"):
        services.seance_invite(seance=seance, users=[member, unsigned], by=coord)
    assert not seance.attendances.exists()  # all or nothing


def test_a_user_outside_the_cell_cannot_be_invited(plan, coord, west_member):
    with pytest.raises(ServiceError, match="n'est pas membre en fonction de la cellule"):
        services.seance_invite(seance=plan(), users=[west_member], by=coord)


def test_a_member_is_invited_once(plan, coord, member):
    seance = plan()
    services.seance_invite(seance=seance, users=[member], by=coord)
    with pytest.raises(ServiceError, match="déjà convoqué"):
        services.seance_invite(seance=seance, users=[member], by=coord)


def test_attendance_marks_the_seance_held(plan, coord, member, member2):
    seance = plan()
    services.seance_invite(seance=seance, users=[member, member2], by=coord)
    services.attendance_record(seance=seance, user=member, present=True, by=coord)
    services.attendance_record(seance=seance, user=member2, present=False, by=coord)
    seance.refresh_from_db()
    assert seance.status == Seance.Status.HELD
    assert dict(seance.attendances.values_list("user", "present")) == {member.pk: True, member2.pk: False}


def test_attendance_of_a_future_seance_is_refused(plan, coord, member):
    seance = plan(TODAY + 3 * DAY)
    services.seance_invite(seance=seance, users=[member], by=coord)
    with pytest.raises(ServiceError, match="n'a pas encore eu lieu"):
        services.attendance_record(seance=seance, user=member, present=True, by=coord)


def test_a_member_not_invited_cannot_be_marked_present(plan, coord, member):
    with pytest.raises(ServiceError, match="n'est pas convoqué"):
        services.attendance_record(seance=plan(), user=member, present=True, by=coord)


def test_a_member_whose_signature_lapsed_cannot_be_marked_present(plan, coord, member, w):
    seance = plan()
    services.seance_invite(seance=seance, users=[member], by=coord)
    charter_adopt(partnership=w["partnerships"]["arras"], text="Charte, version 2", by=coord)
    sign_charter(coord, w["partnerships"]["arras"])
    with pytest.raises(ServiceError, match="n'a pas signé la charte de confidentialité en vigueur"):
        services.attendance_record(seance=seance, user=member, present=True, by=coord)
    # Recording an absence needs no signature.
    services.attendance_record(seance=seance, user=member, present=False, by=coord)
    assert Attendance.objects.get(seance=seance, user=member).present is False


def test_cell_members_lists_signature_and_invitation(plan, coord, member, unsigned):
    seance = plan()
    services.seance_invite(seance=seance, users=[member], by=coord)
    rows = {row.user: row for row in selectors.cell_members(seance)}
    assert rows[member].signed and rows[member].attendance is not None
    assert not rows[unsigned].signed and rows[unsigned].attendance is None


def test_an_invitation_is_withdrawn_before_the_seance_only(plan, coord, member):
    seance = plan()
    (attendance,) = services.seance_invite(seance=seance, users=[member], by=coord)
    services.seance_uninvite(attendance=attendance, by=coord)
    assert not seance.attendances.exists()
