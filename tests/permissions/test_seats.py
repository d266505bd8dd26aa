"""`permissions.seats.current_seats`: one query that agrees with the services it replaces
on the hot path (`Membership.objects.current`, `has_signed_current_charter`)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from casework.models import Membership
from permissions.access import coordinated_partnerships, coordinates_any, pending_charters
from permissions.charter import charter_adopt
from permissions.models import Charter
from permissions.seats import SeatsPerRequestMiddleware, current_seats
from permissions.services import current_charter, has_signed_current_charter
from tests.factories import make_coordinator, make_member, make_user, sign_charter

pytestmark = pytest.mark.django_db


def expected_seats(user) -> set[tuple]:
    """The same facts, from the services, one membership at a time."""
    return {
        (
            seat.role,
            seat.partnership_id,
            seat.cell_id,
            bool(seat.cell and seat.cell.is_active),
            getattr(current_charter(seat.partnership), "pk", None),
            has_signed_current_charter(user, seat.partnership),
        )
        for seat in Membership.objects.current().filter(user=user).select_related("cell", "partnership")
    }


def as_tuples(user) -> set[tuple]:
    return {
        (seat.role, seat.partnership_id, seat.cell_id, seat.cell_active, seat.charter_id, seat.signed)
        for seat in current_seats(user)
    }


def test_seats_agree_with_the_services_for_every_kind_of_seat(w):
    centre = w["cells"]["Arras – centre"]
    arras = centre.partnership
    other = next(p for p in w["partnerships"].values() if p.pk != arras.pk)
    college = w["institutions"]["college"]

    signed = make_member(centre, institution=college)
    unsigned = make_member(centre, institution=college, signed=False)
    coordinator = make_coordinator(arras, institution=w["institutions"]["mairie_arras"])
    # Two seats: a signed one here, a DPO seat in a partnership without any charter.
    Membership.objects.create(
        user=coordinator, partnership=other, institution=college, role=Membership.Role.DPO
    )
    ended = make_member(centre, institution=college)
    Membership.objects.filter(user=ended).update(ended_on=timezone.localdate())
    future = make_member(centre, institution=college)
    Membership.objects.filter(user=future).update(started_on=timezone.localdate() + timedelta(days=1))
    users = [signed, unsigned, coordinator, ended, future, make_user(institution=college)]

    for user in users:
        assert as_tuples(user) == expected_seats(user), user.username
    assert as_tuples(ended) == set() and as_tuples(future) == set()
    assert [seat.nominative for seat in current_seats(coordinator)].count(False) == 1

    # A new version: every earlier signature stops counting, until signed again.
    Charter.objects.create(partnership=arras, version=2, text="Version 2")
    for user in users:
        assert as_tuples(user) == expected_seats(user), user.username
    assert not any(seat.signed for seat in current_seats(signed))
    sign_charter(signed, arras)
    assert all(seat.signed for seat in current_seats(signed))

    # An inactive cell stays a seat; only its flag changes.
    centre.is_active = False
    centre.save()
    assert as_tuples(signed) == expected_seats(signed)
    assert [seat.cell_active for seat in current_seats(signed)] == [False]


def test_seats_on_another_day_and_of_accounts_that_cannot_sign_in(w):
    centre = w["cells"]["Arras – centre"]
    member = make_member(centre, institution=w["institutions"]["college"])
    Membership.objects.filter(user=member).update(started_on=date(2024, 1, 1), ended_on=date(2025, 1, 1))
    assert len(current_seats(member, on=date(2024, 6, 1))) == 1
    assert current_seats(member, on=date(2025, 1, 1)) == []
    assert current_seats(AnonymousUser()) == []
    Membership.objects.filter(user=member).update(ended_on=None)
    member.is_active = False
    assert current_seats(member) == []


def test_coordinator_and_pending_answers_come_from_the_seats(w, django_assert_num_queries):
    centre = w["cells"]["Arras – centre"]
    arras = centre.partnership
    coordinator = make_coordinator(arras, institution=w["institutions"]["mairie_arras"])
    member = make_member(centre, institution=w["institutions"]["college"])
    for user in (coordinator, member, make_user()):
        assert coordinates_any(user) == coordinated_partnerships(user).exists()

    with django_assert_num_queries(1):  # the page of every signed user: nothing pending
        assert pending_charters(member) == []
    Charter.objects.create(partnership=arras, version=2, text="Version 2")
    pending = pending_charters(member)
    assert [(p.partnership, p.charter.version) for p in pending] == [(arras, 2)]
    assert "version 2" in pending[0].message


def test_a_request_reads_the_seats_once_until_a_charter_service_changes_them(w, django_assert_num_queries):
    centre = w["cells"]["Arras – centre"]
    member = make_member(centre, institution=w["institutions"]["college"])
    coordinator = make_coordinator(centre.partnership, institution=w["institutions"]["mairie_arras"])
    seen = []

    def view(request):
        with django_assert_num_queries(1):
            seen.append(current_seats(member))
            seen.append(current_seats(member))
        # A new version, adopted through the service, is seen at once.
        charter_adopt(partnership=centre.partnership, text="Version 2", by=coordinator)
        seen.append(current_seats(member))
        return None

    SeatsPerRequestMiddleware(view)(RequestFactory().get("/"))
    assert seen[0] == seen[1] and seen[0][0].signed
    assert not seen[2][0].signed
    # Outside a request nothing is kept.
    with django_assert_num_queries(2):
        current_seats(member)
        current_seats(member)
