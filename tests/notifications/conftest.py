"""Fixtures for the stall tests: a small world, dated case states built directly.

The workflow services that move a case through its steps belong to another
app; here each step's *state* is set up directly (dates in the past), then
the scan runs with an explicit `now`: time travel without freezing the clock.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from casework.models import Bilan, Case, Decision, JournalEntry, ReferentDesignation
from casework.models.codes import Adhesion, Orientation, Situation
from permissions.services import case_grant_referent
from tests.factories import make_case, make_coordinator, make_user

D0 = date(2026, 1, 5)  # the day every test case is signalled


def at(day: date) -> datetime:
    """Noon, Paris time, on `day`: the `now` a scan runs with."""
    return timezone.make_aware(datetime.combine(day, time(12)))


def days(n: int) -> date:
    return D0 + timedelta(days=n)


@pytest.fixture
def centre(w):
    return w["cells"]["Arras – centre"]


@pytest.fixture
def arras(w):
    return w["partnerships"]["arras"]


@pytest.fixture
def coord(w, arras):
    user = make_coordinator(arras, institution=w["institutions"]["mairie_arras"], username="coord")
    user.email = "coord@example.org"
    user.save(update_fields=["email"])
    # In office long before the scans' dates (they travel back to 2026).
    user.memberships.update(started_on=D0 - timedelta(days=365))
    return user


@pytest.fixture
def referent(w):
    return make_user("referent", institution=w["institutions"]["prev_spe"], email="referent@example.org")


@pytest.fixture
def case(centre):
    return make_case(
        centre, first_name="Yanis", last_name="Dubreuil", birth_date=date(2010, 3, 14), signaled_on=D0
    )


def decide(case: Case, on: date) -> Decision:
    """The cell examined the case and oriented it towards a référent."""
    decision = Decision.objects.create(
        case=case, kind=Decision.Kind.ORIENTATION, orientations=[Orientation.REFERENT], decided_on=on
    )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.ORIENTE, examined_on=on)
    case.refresh_from_db()
    return decision


def designate(
    case: Case,
    *,
    opened_on: date,
    referent=None,
    designated_on=None,
    accepted_on=None,
    first_contact_on=None,
    next_bilan_due_on=None,
) -> ReferentDesignation:
    decision = case.decisions.first() or decide(case, opened_on)
    if referent is not None:  # as referent_designate does: the référent reads the full file
        case_grant_referent(case=case, user=referent)
    return ReferentDesignation.objects.create(
        case=case,
        decision=decision,
        kind=ReferentDesignation.Kind.PARCOURS,
        referent=referent,
        designated_on=designated_on,
        accepted_on=accepted_on,
        first_contact_on=first_contact_on,
        next_bilan_due_on=next_bilan_due_on,
        opened_on=opened_on,
    )


def following(case: Case, referent, *, accepted_on: date, first_contact_on: date | None = None):
    """A référent accepted the case (and maybe made first contact)."""
    return designate(
        case,
        opened_on=accepted_on,
        referent=referent,
        designated_on=accepted_on,
        accepted_on=accepted_on,
        first_contact_on=first_contact_on,
    )


def contact(case: Case, actor, on: date) -> JournalEntry:
    return JournalEntry.objects.create(
        case=case, actor=actor, kind=JournalEntry.Kind.CONTACT, summary="Entretien", occurred_on=on
    )


def bilan(case: Case, *, presented_on: date, examined_on=None, cell_decision="") -> Bilan:
    return Bilan.objects.create(
        case=case,
        period_start=D0,
        period_end=presented_on,
        adhesion=Adhesion.BONNE,
        situation=Situation.SCOLARISE,
        recommendation=Bilan.Recommendation.PROLONGER,
        presented_on=presented_on,
        examined_on=examined_on,
        cell_decision=cell_decision,
    )


@pytest.fixture
def eager():
    """Run enqueued tasks in-process (the real-broker path has its own test)."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
