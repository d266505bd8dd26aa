"""The periodic jobs, each behind a cross-process lock (the Django cache: Redis
in production), so that at most one run of each is in progress anywhere.

Celery beat calls them through notifications.tasks; `manage.py
scan_stalled_cases` and `manage.py run_periodic_inline` call them directly.
"""

import logging
from datetime import datetime

from django.conf import settings
from viewflow.workflow.timers import fire_due_conditions, fire_due_start_timers, fire_due_timers

from casework.locks import single_run
from notifications.services import ScanResult, stalls_scan

logger = logging.getLogger(__name__)

SKIPPED = "skipped"


def run_stall_scan(*, now: datetime | None = None) -> ScanResult | str:
    """One stall scan, or SKIPPED when another is running."""
    with single_run("scan_stalled_cases", timeout=settings.CELERY_TASK_TIME_LIMIT + 60) as acquired:
        if not acquired:
            logger.info("Stall scan skipped: another scan holds the lock")
            return SKIPPED
        return stalls_scan(now=now)


def run_workflow_timers() -> dict[str, int] | str:
    """Fire viewflow's due timers, start timers and conditions; SKIPPED when a sweep is running.

    viewflow's own Celery task is not in the free wheel: this is our wrapper.
    """
    with single_run("fire_workflow_timers", timeout=55) as acquired:
        if not acquired:
            return SKIPPED
        return {
            "timers": fire_due_timers(),
            "start_timers": fire_due_start_timers(),
            "conditions": fire_due_conditions(),
        }
