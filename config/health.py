"""Liveness of the two backing services, for load balancers and `make run`."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def broker_ok(url: str | None = None, timeout: float = 2.0) -> bool:
    try:
        with Connection(url or settings.CELERY_BROKER_URL, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False


@never_cache
@require_GET
@login_not_required
def healthz(request):
    """200 with {"database": "ok", "broker": "ok"}; 503 naming whatever fails."""
    status = {
        "database": "ok" if database_ok() else "unavailable",
        "broker": "ok" if broker_ok() else "unavailable",
    }
    code = 200 if all(v == "ok" for v in status.values()) else 503
    return JsonResponse(status, status=code)
