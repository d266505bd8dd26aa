"""Celery tasks: thin adapters that load by id and call services.

All are idempotent (locks, row claims, unique ledger keys) and acknowledged
late (settings), so a redelivery after a lost worker does no harm.
"""

from datetime import date

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from notifications import emails, periodic

# SMTP and network hiccups: retry with backoff. Anything else is a bug: fail loudly.
RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task
def ping(token: str) -> None:
    """Round-trip probe: answers through the shared cache (we keep no result backend)."""
    cache.set(f"ping:{token}", "pong", timeout=60)


@shared_task
def scan_stalled_cases() -> dict | str:
    result = periodic.run_stall_scan()
    return result if isinstance(result, str) else result.as_dict()


@shared_task
def fire_workflow_timers() -> dict | str:
    return periodic.run_workflow_timers()


@shared_task(**RETRY)
def send_notification_email(notification_id: int) -> bool:
    return emails.notification_send_email(notification_id=notification_id)


@shared_task
def send_daily_digests() -> int:
    """Fan out: one task per user in digest mode with notifications waiting."""
    day = timezone.localdate().isoformat()
    user_ids = emails.daily_digest_recipients()
    for user_id in user_ids:
        send_daily_digest.delay_on_commit(user_id, day)
    return len(user_ids)


@shared_task(**RETRY)
def send_daily_digest(user_id: int, day: str) -> bool:
    return emails.digest_send_daily(user_id=user_id, day=date.fromisoformat(day))


@shared_task
def send_weekly_digests() -> int:
    """Fan out: one task per coordinator and partnership with stalled cases."""
    today = timezone.localdate()
    targets = emails.weekly_digest_targets(today)
    for user_id, partnership_id in targets:
        send_weekly_digest.delay_on_commit(user_id, partnership_id, today.isoformat())
    return len(targets)


@shared_task(**RETRY)
def send_weekly_digest(user_id: int, partnership_id: int, day: str) -> bool:
    return emails.digest_send_weekly(
        user_id=user_id, partnership_id=partnership_id, today=date.fromisoformat(day)
    )
