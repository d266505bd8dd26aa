"""Celery tasks: thin adapters that load by id and call services."""

from celery import shared_task
from django.core.cache import cache


@shared_task
def ping(token: str) -> None:
    """Round-trip probe: answers through the shared cache (we keep no result backend)."""
    cache.set(f"ping:{token}", "pong", timeout=60)
