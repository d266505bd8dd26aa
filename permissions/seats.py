"""A user's current seats (memberships), each with its charter status, in one query.

Every page asks several questions about the same few rows: the charter gate
(is a current charter unsigned?), the case list (may they signal?), the menu
(do they coordinate? may they read indicators?). Built with the ORM, each of
these questions nested a "current charter" subquery and an EXISTS on the
signatures, which cost more to build and compile than to run (~5 ms of Python
each on the bench machine, see bench/). Here the SQL is written once; table
names come from the models' `_meta`, and tests/permissions/test_seats.py checks
the answers against the services (`has_signed_current_charter`,
`Membership.objects.current`).

Within a request (`SeatsPerRequestMiddleware`), the seats are read once and
kept until the response: a page asks five times (gate, signal button, three
menu entries). The charter services forget them when they change a seat or
a signature (`forget_seats`); outside a request nothing is kept, so code
that changes seats and reads them again (tests, tasks) sees the change.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db import connection
from django.utils import timezone

from casework.models import Cell, Membership
from permissions.models import Charter, CharterSignature


@dataclass(frozen=True)
class Seat:
    """One current membership. `charter_id` is the partnership's current charter
    (its latest version; None when none was adopted) and `signed` says whether
    the user signed that version."""

    role: str
    partnership_id: int
    cell_id: int | None
    cell_active: bool
    charter_id: int | None
    signed: bool

    @property
    def nominative(self) -> bool:
        """Seats that open nominative data (the DPO reads metadata only)."""
        return self.role != Membership.Role.DPO

    @property
    def partnership_wide(self) -> bool:
        return self.role in (Membership.Role.COORDONNATEUR, Membership.Role.MAIRE_PRESIDENT)


@cache
def _sql() -> str:
    seats = Membership._meta.db_table
    cells = Cell._meta.db_table
    charters = Charter._meta.db_table
    signatures = CharterSignature._meta.db_table
    # params: user id (signatures), user id, day, day (current = started on or
    # before the day and not ended by it, as MembershipQuerySet.current).
    return (
        "SELECT s.role, s.partnership_id, s.cell_id, COALESCE(c.is_active, FALSE), s.charter_id,"
        f" EXISTS (SELECT 1 FROM {signatures} sig WHERE sig.charter_id = s.charter_id AND sig.user_id = %s)"
        " FROM (SELECT m.role, m.partnership_id, m.cell_id,"
        f" (SELECT ch.id FROM {charters} ch WHERE ch.partnership_id = m.partnership_id"
        " ORDER BY ch.version DESC LIMIT 1) AS charter_id"
        f" FROM {seats} m WHERE m.user_id = %s AND m.started_on <= %s"
        " AND (m.ended_on IS NULL OR m.ended_on > %s)) s"
        f" LEFT JOIN {cells} c ON c.id = s.cell_id"
        " ORDER BY s.partnership_id, s.cell_id"
    )


@cache
def signed_partnerships_sql() -> str:
    """SQL: the ids of the partnerships where a user holds a current seat that
    opens nominative data (not a DPO's) with the current charter signed: the
    seats `Seat.nominative and Seat.signed` would list, as a subquery.

    The charter gate of disclosures (`permissions.visibility`) embeds it, so
    that an excluded or unsigned agent reads nothing of a case shared with
    their institution. params: user id, day, day, user id.
    """
    seats = Membership._meta.db_table
    charters = Charter._meta.db_table
    signatures = CharterSignature._meta.db_table
    return (
        f"SELECT m.partnership_id FROM {seats} m WHERE m.user_id = %s"
        f" AND m.role <> '{Membership.Role.DPO.value}'"
        " AND m.started_on <= %s AND (m.ended_on IS NULL OR m.ended_on > %s)"
        f" AND EXISTS (SELECT 1 FROM {signatures} sig WHERE sig.user_id = %s AND sig.charter_id ="
        f" (SELECT ch.id FROM {charters} ch WHERE ch.partnership_id = m.partnership_id"
        " ORDER BY ch.version DESC LIMIT 1))"
    )


# {(user id, day): seats} while a request is served; None outside requests.
_request_seats: ContextVar[dict | None] = ContextVar("request_seats", default=None)


class SeatsPerRequestMiddleware:
    """Keep each user's seats for the duration of one request (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_seats.set({})
        try:
            return self.get_response(request)
        finally:
            _request_seats.reset(token)


def forget_seats() -> None:
    """Drop the seats kept for this request: a seat or a signature changed."""
    kept = _request_seats.get()
    if kept is not None:
        kept.clear()


def current_seats(user, on: date | None = None) -> list[Seat]:
    """The current memberships of `user` on `on` (default: today); none for an
    anonymous or inactive account."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    on = on or timezone.localdate()
    kept = _request_seats.get()
    if kept is not None and (user.pk, on) in kept:
        return list(kept[(user.pk, on)])
    seats = _read(user, on)
    if kept is not None:
        kept[(user.pk, on)] = seats
    return seats


def _read(user, on: date) -> list[Seat]:
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [user.pk, user.pk, on, on])
        return [
            Seat(
                role=role,
                partnership_id=partnership_id,
                cell_id=cell_id,
                cell_active=bool(cell_active),
                charter_id=charter_id,
                signed=bool(signed),
            )
            for role, partnership_id, cell_id, cell_active, charter_id, signed in cursor.fetchall()
        ]
