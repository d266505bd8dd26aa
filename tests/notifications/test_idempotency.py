"""One reminder per stall and step, whatever the number of scans, workers or retries."""

import threading

import pytest
from django.core import mail
from django.db import connection

from casework.models import JournalEntry
from notifications.emails import notification_send_email
from notifications.models import EmailMode, Notification, StallFlag
from notifications.periodic import SKIPPED, run_stall_scan, single_run
from notifications.services import notification_preference_set, stalls_scan
from tests.notifications.conftest import at, days


def snapshot():
    return (
        list(StallFlag.objects.values_list("pk", "level", "cleared_at", "notified_level")),
        list(Notification.objects.values_list("pk", "recipient_id", "level")),
        JournalEntry.objects.filter(data__has_key="stall").count(),
    )


def test_a_second_scan_at_the_same_time_changes_nothing(case, coord):
    stalls_scan(now=at(days(45)))
    before = snapshot()
    result = stalls_scan(now=at(days(45)))
    assert snapshot() == before
    assert sum(result.flagged.values()) == 0 and result.notifications == 0


def test_a_scan_while_another_holds_the_lock_is_skipped(case):
    with single_run("scan_stalled_cases", timeout=60) as acquired:
        assert acquired
        assert run_stall_scan(now=at(days(45))) == SKIPPED
    assert not StallFlag.objects.exists()
    assert run_stall_scan(now=at(days(45))) != SKIPPED


def test_an_email_is_sent_once_however_often_its_task_runs(case, coord):
    stalls_scan(now=at(days(30)))
    notification = Notification.objects.get()
    assert notification_send_email(notification_id=notification.pk) is True
    assert notification_send_email(notification_id=notification.pk) is False
    [email] = mail.outbox
    assert email.to == ["coord@example.org"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_produce_one_reminder(case, coord):
    """Two scans at once on real PostgreSQL, bypassing the cache lock: the
    row lock and the constraints still leave one flag and one reminder."""
    assert connection.vendor == "postgresql"
    # Digest mode: no email task is enqueued (no worker runs here to take it).
    notification_preference_set(user=coord, email_mode=EmailMode.DAILY)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            stalls_scan(now=at(days(30)))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert StallFlag.objects.filter(rule="examen").count() == 1
    assert list(Notification.objects.values_list("recipient__username", "level")) == [("coord", 1)]
    assert JournalEntry.objects.filter(case=case, data__has_key="stall").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_email_tasks_send_one_email(case, coord):
    notification_preference_set(user=coord, email_mode=EmailMode.DAILY)  # the tasks below send it
    stalls_scan(now=at(days(30)))
    notification = Notification.objects.get()
    barrier = threading.Barrier(2)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(notification_send_email(notification_id=notification.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
