"""Celery adapters for casework services (thin: a lock, then the service)."""

import time

from celery import shared_task

from casework.locks import single_run
from casework.services.retention import retention_run

RETENTION_RUN = "apply_retention"
# A run stops starting cases after RETENTION_BUDGET_SECONDS (the rest waits for
# the next night), well before Celery's limits, so that it always gets to write
# its reports; the lock outlives the hard limit, so a killed run's lock expires.
RETENTION_BUDGET_SECONDS = 50 * 60
RETENTION_SOFT_TIME_LIMIT = 55 * 60
RETENTION_TIME_LIMIT = 60 * 60
RETENTION_LOCK_SECONDS = RETENTION_TIME_LIMIT + 60


@shared_task(
    ignore_result=True,
    acks_late=False,
    soft_time_limit=RETENTION_SOFT_TIME_LIMIT,
    time_limit=RETENTION_TIME_LIMIT,
)
def apply_retention() -> dict | str:
    """Daily retention job: purge what is due, archive what was closed (casework.services.retention).

    Idempotent; a cache lock, shared with `manage.py purge_expired`, keeps two
    runs (two beats by mistake, the command during the nightly run) from
    racing. Returns total counts, never references.
    """
    with single_run(RETENTION_RUN, timeout=RETENTION_LOCK_SECONDS) as acquired:
        if not acquired:
            return "skipped"
        deadline = time.monotonic() + RETENTION_BUDGET_SECONDS
        return dict(retention_run(deadline=deadline).total())
