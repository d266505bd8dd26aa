"""Emails: immediate or daily digest per user, weekly digest for coordinators,
never any nominative data (only references and links)."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from notifications.emails import (
    daily_digest_recipients,
    digest_send_daily,
    digest_send_weekly,
    weekly_digest_targets,
)
from notifications.models import EmailMode, Notification
from notifications.services import notification_preference_set, stalls_scan
from tests.notifications.conftest import at, days, decide, following

NOMINATIVE = ["Yanis", "Dubreuil", "DUBREUIL", "14/03/2010", "2010-03-14", "14 mars 2010", "14.03.2010"]


def assert_not_nominative(email) -> None:
    for text in (email.subject, email.body):
        for needle in NOMINATIVE:
            assert needle.lower() not in text.lower(), f"{needle!r} leaked into: {text}"


@pytest.fixture
def stalled(case, referent, coord, eager, django_capture_on_commit_callbacks):
    """The case stalls on every coordinator level: reminder, alert and séance emails."""
    with django_capture_on_commit_callbacks(execute=True):
        stalls_scan(now=at(days(30)))
    with django_capture_on_commit_callbacks(execute=True):
        stalls_scan(now=at(days(45)))
    with django_capture_on_commit_callbacks(execute=True):
        stalls_scan(now=at(days(60)))
    return case


def test_immediate_emails_carry_the_reference_and_a_link_only(stalled, settings):
    reminder, alert, seance = mail.outbox
    assert reminder.subject == f"[Veille jeunes] Relance – {stalled.reference} : signalement non examiné"
    assert alert.subject.startswith(
        f"[Veille jeunes] Alerte – {stalled.reference} bloquée depuis le 04/02/2026"
    )
    assert seance.subject.startswith(f"[Veille jeunes] {stalled.reference} proposée pour la prochaine séance")
    notifications = Notification.objects.order_by("level")
    for email, notification in zip(mail.outbox, notifications, strict=True):
        assert email.to == ["coord@example.org"]
        assert (
            f"Consulter la situation : {settings.SITE_URL}{reverse('relances:open', args=[notification.pk])}\n"
            in (email.body)
        )
        assert_not_nominative(email)


def test_daily_digest_users_get_no_immediate_email(case, coord, eager, django_capture_on_commit_callbacks):
    notification_preference_set(user=coord, email_mode=EmailMode.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        stalls_scan(now=at(days(30)))
    assert mail.outbox == []

    assert digest_send_daily(user_id=coord.pk, day=days(31)) is True
    assert digest_send_daily(user_id=coord.pk, day=days(31)) is False
    [digest] = mail.outbox
    assert case.reference in digest.body
    assert "signalement non examiné" in digest.body.lower()
    assert_not_nominative(digest)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_weekly_digest_counts_per_reason_with_references(stalled, coord, referent):
    following_case = stalled
    following(following_case, referent, accepted_on=days(20))
    stalls_scan(now=at(days(61)))
    today = date(2026, 3, 9)
    assert (coord.pk, stalled.partnership_id) in weekly_digest_targets(today)
    mail.outbox.clear()

    assert digest_send_weekly(user_id=coord.pk, partnership_id=stalled.partnership_id, today=today) is True
    assert digest_send_weekly(user_id=coord.pk, partnership_id=stalled.partnership_id, today=today) is False
    [digest] = mail.outbox
    assert "CLSPD d'Arras" in digest.subject
    assert "Premier contact non établi : 1" in digest.body
    assert stalled.reference in digest.body
    assert_not_nominative(digest)


def test_the_weekly_digest_lists_only_cases_the_coordinator_sees(stalled, w):
    from tests.factories import make_coordinator

    unsigned = make_coordinator(
        stalled.partnership, institution=w["institutions"]["mairie_arras"], signed=False, username="unsigned"
    )
    unsigned.email = "unsigned@example.org"
    unsigned.save()
    mail.outbox.clear()
    assert (
        digest_send_weekly(user_id=unsigned.pk, partnership_id=stalled.partnership_id, today=days(61))
        is False
    )
    assert mail.outbox == []


@pytest.fixture
def unsigned(coord, w):
    """A coordinator of the partnership who has not signed its charter: sees no case."""
    from tests.factories import make_coordinator

    user = make_coordinator(
        coord.memberships.first().partnership,
        institution=w["institutions"]["mairie_arras"],
        signed=False,
        username="unsigned",
    )
    user.email = "unsigned@example.org"
    user.save(update_fields=["email"])
    user.memberships.update(started_on=days(-365))
    return user


def test_no_email_tells_a_stall_the_recipient_may_not_read(
    case, coord, unsigned, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        stalls_scan(now=at(days(30)))
    assert Notification.objects.filter(recipient=unsigned).exists()  # created, as for any coordinator
    assert [email.to for email in mail.outbox] == [["coord@example.org"]]


def test_no_daily_digest_tells_a_stall_the_recipient_may_not_read(
    case, coord, unsigned, eager, django_capture_on_commit_callbacks
):
    notification_preference_set(user=unsigned, email_mode=EmailMode.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        stalls_scan(now=at(days(30)))
    mail.outbox.clear()
    assert digest_send_daily(user_id=unsigned.pk, day=days(31)) is False
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=unsigned, emailed_at__isnull=True).exists()


def test_the_daily_digest_leaves_out_stalls_that_ended_since(
    case, coord, eager, django_capture_on_commit_callbacks
):
    notification_preference_set(user=coord, email_mode=EmailMode.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        stalls_scan(now=at(days(30)))
    decide(case, days(31))  # examined the next morning
    stalls_scan(now=at(days(31)))

    assert digest_send_daily(user_id=coord.pk, day=days(31)) is False
    assert mail.outbox == []
    # Settled: no later digest waits on it.
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert coord.pk not in daily_digest_recipients()
