"""A real worker on the real Redis broker round-trips a task."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from config.celery import app
from notifications.tasks import ping


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_round_trips_a_task_over_redis():
    assert app.conf.broker_url.startswith("redis://")
    token = uuid.uuid4().hex
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        ping.delay(token)
        deadline = time.monotonic() + 20
        while cache.get(f"ping:{token}") is None and time.monotonic() < deadline:
            time.sleep(0.1)
    assert cache.get(f"ping:{token}") == "pong"


def test_celery_defaults_are_reliable():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_reject_on_worker_lost is True
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
