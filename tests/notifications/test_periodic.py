"""The beat schedule, the timer sweep wrapper and the two management commands."""

import io
import os
import signal
import threading
from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command

from config.celery import app
from notifications.models import StallFlag
from notifications.periodic import SKIPPED, run_workflow_timers, single_run
from tests.notifications.conftest import days


def test_the_beat_schedule():
    schedule = app.conf.beat_schedule
    assert {"scan-stalled-cases", "fire-workflow-timers", "daily-digests", "weekly-digests"} <= set(schedule)

    scan = schedule["scan-stalled-cases"]
    assert scan["task"] == "notifications.tasks.scan_stalled_cases"
    assert scan["schedule"] == settings.STALL_SCAN_INTERVAL == timedelta(minutes=15)
    assert scan["options"]["expires"] < settings.STALL_SCAN_INTERVAL.total_seconds()

    timers = schedule["fire-workflow-timers"]
    assert timers["task"] == "notifications.tasks.fire_workflow_timers"
    assert timers["schedule"] == timedelta(minutes=1)
    assert timers["options"]["expires"] < 60

    daily, weekly = schedule["daily-digests"], schedule["weekly-digests"]
    assert daily["task"] == "notifications.tasks.send_daily_digests"
    assert daily["schedule"] == crontab(hour=7, minute=30)
    assert weekly["task"] == "notifications.tasks.send_weekly_digests"
    assert weekly["schedule"] == crontab(hour=7, minute=45, day_of_week="mon")
    for entry in schedule.values():
        app.loader.import_default_modules()
        assert entry["task"] in app.tasks


def test_the_timer_sweep_runs_viewflow_dispatchers_one_at_a_time():
    assert run_workflow_timers() == {"timers": 0, "start_timers": 0, "conditions": 0}
    with single_run("fire_workflow_timers", timeout=60):
        assert run_workflow_timers() == SKIPPED


def test_scan_stalled_cases_command_prints_a_summary(case, coord):
    out = io.StringIO()
    call_command("scan_stalled_cases", "--date", days(30).isoformat(), stdout=out)
    text = out.getvalue()
    assert "Détection des situations bloquées au 04/02/2026" in text
    assert "Signalement non examiné : 1 en cours (+1 nouvelles, -0 levées)" in text
    assert "Notifications créées : 1" in text
    assert StallFlag.objects.get().case == case


def test_run_periodic_inline_runs_every_task_once(case, coord):
    out = io.StringIO()
    call_command("run_periodic_inline", "--once", stdout=out)
    text = out.getvalue()
    for name in settings.CELERY_BEAT_SCHEDULE:
        assert f"{name} :" in text
    assert "Tâches périodiques arrêtées." in text
    assert app.conf.task_always_eager is True
    app.conf.task_always_eager = False


def test_run_periodic_inline_stops_cleanly_on_sigterm():
    out = io.StringIO()
    timer = threading.Timer(1.5, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        call_command("run_periodic_inline", "--tick", "0.1", stdout=out)
    finally:
        timer.cancel()
        app.conf.task_always_eager = False
    assert "scan-stalled-cases :" in out.getvalue()
    assert out.getvalue().rstrip().endswith("Tâches périodiques arrêtées.")
