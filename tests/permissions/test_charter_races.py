"""Charter and seat services under concurrent requests: one outcome, a French message, no 500.

- A member signing while a coordinator ends their seat keeps no access: the
  group syncs lock the user's row first, so the second reads what the first
  committed.
- A signature form submitted twice answers "déjà signé".
- A seat form submitted twice opens one seat (partnership row lock, and a
  unique constraint on open seats).
"""

import threading
import time
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext

from casework.models import Membership, User
from casework.services.errors import ServiceError
from permissions import charter as charter_services
from permissions.models import CharterSignature
from permissions.services import cell_members_group, user_sync_groups, user_sync_seance_grants
from permissions.visibility import Representation, representation_for
from tests.factories import make_case, make_coordinator, make_member, make_user, world


@pytest.fixture
def arras():
    w = world()
    coord = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    member = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"])
    case = make_case(w["cells"]["Arras – centre"])
    return w, coord, member, case


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL (row locks).")


def run_together(*targets) -> list:
    """Run `targets` in threads, each on its own connection; their results or errors, in order."""
    results: list = [None] * len(targets)

    def run(index, target):
        try:
            results[index] = target()
        except Exception as exc:  # noqa: BLE001 - the test reads it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


# --- The group syncs lock the user's row before reading their seats -----------


@pytest.mark.parametrize("sync", [user_sync_groups, user_sync_seance_grants])
def test_the_syncs_lock_the_user_row_before_reading_seats_or_signatures(arras, sync):
    _, _, member, _ = arras
    with CaptureQueriesContext(connection) as queries:
        sync(user=member)
    sqls = [query["sql"] for query in queries]
    lock = next(i for i, sql in enumerate(sqls) if "FOR NO KEY UPDATE" in sql)
    assert sqls[lock].startswith('SELECT "casework_user"."id"') and f"= {member.pk}" in sqls[lock]
    reads = [
        i
        for i, sql in enumerate(sqls)
        if any(table in sql for table in ('"casework_membership"', '"permissions_chartersignature"'))
    ]
    assert all(lock < i for i in reads)


@pytest.mark.django_db(transaction=True)
def test_a_member_signing_while_their_seat_ends_keeps_no_access(arras):
    """The coordinator's ending holds the member's row from its sync to its
    commit; the signature's sync waits for it, then reads the seat as ended."""
    needs_postgresql()
    w, coord, member, case = arras
    v2 = charter_services.charter_adopt(partnership=w["partnerships"]["arras"], text="Version 2", by=coord)
    seat = Membership.objects.get(user=member)
    synced, commit = threading.Event(), threading.Event()

    def end():
        with transaction.atomic():
            charter_services.membership_end(membership=seat, by=coord)
            synced.set()  # the ending's sync is done; its transaction is still open
            commit.wait(timeout=10)
        return "ended"

    def sign():
        synced.wait(timeout=10)
        return charter_services.charter_sign(user=User.objects.get(pk=member.pk), charter=v2)

    def release_when_the_signature_waits():
        # The signature's sync waits on the member's row: let the ending commit.
        deadline = time.monotonic() + 5
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.02)
        commit.set()

    ended, signature, _ = run_together(end, sign, release_when_the_signature_waits)

    assert ended == "ended"
    assert isinstance(signature, CharterSignature), signature
    assert not member.groups.filter(pk=cell_members_group(w["cells"]["Arras – centre"]).pk).exists()
    assert representation_for(member, case) is None


# --- A signature submitted twice -----------------------------------------------


def test_a_signature_that_meets_the_unique_constraint_answers_already_signed(arras):
    """The second of two simultaneous submissions passed the "already signed?"
    check before the first committed: the constraint refuses it, in French."""
    w, coord, member, _ = arras
    v2 = charter_services.charter_adopt(partnership=w["partnerships"]["arras"], text="Version 2", by=coord)
    charter_services.charter_sign(user=member, charter=v2)
    original = QuerySet.exists

    def signature_not_seen_yet(queryset):
        return False if queryset.model is CharterSignature else original(queryset)

    with (
        mock.patch.object(QuerySet, "exists", signature_not_seen_yet),
        pytest.raises(ServiceError, match="déjà signé la version 2"),
    ):
        charter_services.charter_sign(user=member, charter=v2)
    assert CharterSignature.objects.filter(charter=v2, user=member).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_signatures_leave_one_and_a_french_message(arras):
    needs_postgresql()
    w, coord, member, _ = arras
    v2 = charter_services.charter_adopt(partnership=w["partnerships"]["arras"], text="Version 2", by=coord)
    start = threading.Barrier(2)

    def sign():
        start.wait(timeout=10)
        return charter_services.charter_sign(user=User.objects.get(pk=member.pk), charter=v2)

    results = run_together(sign, sign)

    assert sum(isinstance(r, CharterSignature) for r in results) == 1, results
    [refused] = [r for r in results if not isinstance(r, CharterSignature)]
    assert isinstance(refused, ServiceError) and "déjà signé" in str(refused)
    assert CharterSignature.objects.filter(charter=v2, user=member).count() == 1


# --- A seat submitted twice ----------------------------------------------------


def seat_kwargs(w, coord):
    return {
        "partnership": w["partnerships"]["arras"],
        "role": Membership.Role.MEMBRE,
        "institution": w["institutions"]["police"],
        "cell": w["cells"]["Arras – centre"],
        "by": coord,
    }


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_seat_submissions_open_one_seat(arras):
    needs_postgresql()
    w, coord, _, _ = arras
    newcomer = make_user(institution=w["institutions"]["police"])
    start = threading.Barrier(2)

    def open_seat():
        start.wait(timeout=10)
        return charter_services.membership_start(user=newcomer, **seat_kwargs(w, coord))

    results = run_together(open_seat, open_seat)

    assert sum(isinstance(r, Membership) for r in results) == 1, results
    [refused] = [r for r in results if not isinstance(r, Membership)]
    assert isinstance(refused, ServiceError) and "a déjà ce rôle" in str(refused)
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_a_seat_that_meets_the_unique_constraint_answers_in_french(arras):
    """Past the service's check (a concurrent submission committed meanwhile),
    the constraint refuses the duplicate with the same message, not a 500."""
    w, coord, _, _ = arras
    newcomer = make_user(institution=w["institutions"]["police"])
    charter_services.membership_start(user=newcomer, **seat_kwargs(w, coord))
    original = QuerySet.exists

    def seat_not_seen_yet(queryset):
        return False if queryset.model is Membership else original(queryset)

    with (
        mock.patch.object(QuerySet, "exists", seat_not_seen_yet),
        # ... and the model's own validation ran before the other seat was committed
        mock.patch.object(Membership, "validate_constraints", lambda self, exclude=None: None),
        pytest.raises(ServiceError, match="a déjà ce rôle"),
    ):
        charter_services.membership_start(user=newcomer, **seat_kwargs(w, coord))
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_open_seats_are_unique_and_an_ended_seat_may_be_reopened(arras):
    w, coord, member, case = arras
    seat = Membership.objects.get(user=member)
    duplicate = {
        "user": member,
        "partnership": seat.partnership,
        "cell": seat.cell,
        "role": seat.role,
        "institution": seat.institution,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(**duplicate)
    coordinator_seat = Membership.objects.get(user=coord)
    with pytest.raises(IntegrityError), transaction.atomic():  # no cell: still one open seat
        Membership.objects.create(
            user=coord,
            partnership=coordinator_seat.partnership,
            role=coordinator_seat.role,
            institution=coordinator_seat.institution,
        )

    charter_services.membership_end(membership=seat, by=coord)
    again = charter_services.membership_start(
        **seat_kwargs(w, coord) | {"institution": seat.institution}, user=member
    )
    assert again.pk != seat.pk and again.is_current
    assert representation_for(member, case) == Representation.CELL_SUMMARY
