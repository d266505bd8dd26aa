"""Escalation: reminder to the responsible person, alert to the coordinators,
then proposed for the cell's next séance; one notification per step."""

import pytest
from django.core import mail

from casework.models import StepDeadline
from notifications.models import Notification, StallFlag, StallLevel
from notifications.selectors import cases_for_next_agenda
from notifications.services import stalls_scan
from tests.factories import make_case, make_coordinator
from tests.notifications.conftest import at, days, following


def notified(flag) -> list[tuple[int, str]]:
    return sorted(flag.notifications.values_list("level", "recipient__username"))


@pytest.fixture
def stalled_first_contact(case, referent, coord):
    """A référent accepted on day 20 and never made contact: stalled from day 35."""
    following(case, referent, accepted_on=days(20))
    return case


def test_the_chain_reminder_then_alert_then_seance(
    stalled_first_contact, centre, coord, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        stalls_scan(now=at(days(35)))
    flag = StallFlag.objects.get(rule="first_contact")
    assert flag.level == StallLevel.RELANCE
    assert notified(flag) == [(1, "referent")]

    stalls_scan(now=at(days(35 + 14)))
    flag.refresh_from_db()
    assert flag.level == StallLevel.RELANCE

    stalls_scan(now=at(days(35 + 15)))
    flag.refresh_from_db()
    assert flag.level == StallLevel.ALERTE and flag.escalated_on == days(50)
    assert notified(flag) == [(1, "referent"), (2, "coord")]
    assert list(cases_for_next_agenda(centre)) == []

    stalls_scan(now=at(days(35 + 30)))
    flag.refresh_from_db()
    assert flag.level == StallLevel.SEANCE
    assert notified(flag) == [(1, "referent"), (2, "coord"), (3, "coord")]
    assert list(cases_for_next_agenda(centre)) == [stalled_first_contact]
    assert [m.to for m in mail.outbox] == [["referent@example.org"]]  # only the first scan ran its callbacks


def test_coordinator_rules_remind_the_coordinators(case, coord):
    stalls_scan(now=at(days(30)))
    assert notified(StallFlag.objects.get(rule="examen")) == [(1, "coord")]


def test_no_referent_named_falls_back_to_the_coordinators(case, coord, referent):
    designation = following(case, referent, accepted_on=days(20))
    designation.referent = None
    designation.save()
    stalls_scan(now=at(days(35)))
    assert notified(StallFlag.objects.get(rule="first_contact")) == [(1, "coord")]


def test_a_late_detection_reminds_and_jumps_to_the_current_level(stalled_first_contact, coord):
    stalls_scan(now=at(days(35 + 40)))
    flag = StallFlag.objects.get(rule="first_contact")
    assert flag.level == StallLevel.SEANCE
    assert notified(flag) == [(1, "referent"), (3, "coord")]


def test_escalation_delays_are_overridable_per_partnership(stalled_first_contact, arras, coord):
    StepDeadline.objects.create(partnership=arras, step="first_contact.alerte", days=2)
    stalls_scan(now=at(days(35)))
    stalls_scan(now=at(days(37)))
    assert StallFlag.objects.get(rule="first_contact").level == StallLevel.ALERTE


def test_alerts_go_to_the_coordinators_of_the_case_partnership_only(stalled_first_contact, coord, w):
    make_coordinator(
        w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"], username="coord_lens"
    )
    stalls_scan(now=at(days(35 + 15)))
    assert "coord_lens" not in dict(Notification.objects.values_list("recipient__username", "level"))


def test_a_cleared_then_stalled_again_case_starts_a_new_chain(case, coord):
    stalls_scan(now=at(days(30)))
    first = StallFlag.objects.get()
    StallFlag.objects.filter(pk=first.pk).update(cleared_at=at(days(31)))  # as if activity resumed
    stalls_scan(now=at(days(32)))
    second = StallFlag.objects.open().get()
    assert second.pk != first.pk
    assert notified(second) == [(1, "coord")]


def test_agenda_selector_is_per_cell_and_scoped_to_the_user(stalled_first_contact, centre, w, coord):
    other = make_case(w["cells"]["Arras – quartiers ouest"], signaled_on=days(0))
    stalls_scan(now=at(days(35 + 30)))
    assert list(cases_for_next_agenda(centre, user=coord)) == [stalled_first_contact]
    assert other not in cases_for_next_agenda(centre)
    outsider = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
    assert list(cases_for_next_agenda(centre, user=outsider)) == []
