"""Date checks shared by the casework services.

A date typed on a step (signalement, décision, désignation, contact, bilan,
rappel à l'ordre, clôture) is a day already lived: not after today, and not
before the step it follows. A mistyped year would otherwise move a closure
years back (the nightly retention purges the case at once) or a contact a
year ahead (silencing the stall alerts).
"""

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from casework.services.errors import ServiceError

IN_FUTURE = "{what} ne peut pas être dans le futur."
BEFORE = "{what} ne peut pas précéder {event} ({date:%d/%m/%Y})."


def today() -> date:
    """Today in Paris (settings.TIME_ZONE), the day the services compare with."""
    return timezone.localdate()


def check_date(
    day: date, *, what: str = "La date", not_before: Iterable[tuple[date | None, str]] = ()
) -> None:
    """Raise ServiceError unless `day` is today or earlier, and no earlier than
    any `(bound, event)` of `not_before` (a None bound is skipped).

    `what` names the date ("La date de clôture"); `event` names the bound
    ("le signalement"): « La date de clôture ne peut pas précéder le
    signalement (10/01/2026). »
    """
    if day > today():
        raise ServiceError(IN_FUTURE.format(what=what))
    for bound, event in not_before:
        if bound is not None and day < bound:
            raise ServiceError(BEFORE.format(what=what, event=event, date=bound))
