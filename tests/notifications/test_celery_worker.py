"""A real Celery worker on the real Redis broker runs the beat's scan task,
which enqueues the reminder emails, which the worker sends (locmem backend)."""

import time
from datetime import date, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from config.celery import app
from notifications.models import Notification, StallFlag
from notifications.tasks import scan_stalled_cases
from tests.factories import make_case, make_coordinator, world


@pytest.mark.django_db(transaction=True)
def test_the_worker_scans_and_sends_the_reminders():
    assert app.conf.broker_url.startswith("redis://")
    w = world()
    coordinator = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    coordinator.email = "coord@example.org"
    coordinator.save()
    case = make_case(
        w["cells"]["Arras – centre"],
        first_name="Yanis",
        last_name="Dubreuil",
        birth_date=date(2010, 3, 14),
        signaled_on=timezone.localdate() - timedelta(days=40),
    )

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        scan_stalled_cases.delay()
        deadline = time.monotonic() + 30
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)

    assert StallFlag.objects.get().case == case
    [email] = mail.outbox
    assert email.to == ["coord@example.org"]
    assert case.reference in email.subject
    assert "Dubreuil" not in email.body and "Yanis" not in email.body
    assert Notification.objects.get().emailed_at is not None
