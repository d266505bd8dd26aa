"""Celery adapters for casework services (thin: a lock, then the service)."""

from celery import shared_task
from django.core.cache import cache

from casework.services.retention import retention_run

RETENTION_LOCK = "lock:apply_retention"


@shared_task(ignore_result=True, acks_late=False)
def apply_retention() -> dict | str:
    """Daily retention job: purge what is due, archive what was closed (casework.services.retention).

    Idempotent; a cache lock keeps two overlapping runs (two beats by mistake)
    from racing. Returns total counts, never references.
    """
    if not cache.add(RETENTION_LOCK, "1", timeout=3600):
        return "skipped"
    try:
        return dict(retention_run().total())
    finally:
        cache.delete(RETENTION_LOCK)
