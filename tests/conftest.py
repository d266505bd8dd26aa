"""Shared fixtures. Every test gets database access; services must be real.

The suite runs on PostgreSQL and Redis (`make test`); when either cannot be
reached the session fails at once with the command that starts it.
"""

import pytest
from django.conf import settings

from scripts.check_services import PG_START, REDIS_START, reachable
from tests.factories import make_coordinator, make_disclosure_reader, make_member, world

pytest_plugins = ("celery.contrib.pytest", "tests.territories")


def pytest_sessionstart(session):
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql") and not reachable(
        f"postgres://{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}", 5432
    ):
        pytest.exit(f"PostgreSQL injoignable. Démarrez-le : {PG_START}", returncode=1)
    if not reachable(settings.REDIS_URL, 6379):
        pytest.exit(f"Redis injoignable. Démarrez-le : {REDIS_START}", returncode=1)


def pytest_sessionfinish(session):
    """Drop this run's Celery queue: tasks enqueued where no worker ran must not pile up in Redis."""
    import redis

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(queue, f"_kombu.binding.{queue}")
    client.close()


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.django_db)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Forget this run's cache keys (locks, counters) between tests, and only this run's."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*"):
        client.delete(key)
    yield


# --- The common cast (CLSPD d'Arras, cell "Arras – centre") ------------------
# Test directories with a different cast define their own fixtures of these
# names, which take precedence.


@pytest.fixture
def w():
    """The demo reference data: communes, partnerships, cells, institutions."""
    return world()


@pytest.fixture
def cell(w):
    return w["cells"]["Arras – centre"]


@pytest.fixture
def coord(w):
    """Signed coordinator of the CLSPD d'Arras: full access to its cells' cases."""
    return make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])


@pytest.fixture
def coordinator(coord):
    """The same coordinator, under the name some test modules use."""
    return coord


@pytest.fixture
def member(w, cell):
    """Signed Éducation nationale member of "Arras – centre": cell summaries."""
    return make_member(cell, institution=w["institutions"]["college"])


@pytest.fixture
def magistrate(w):
    """Agent of the parquet d'Arras, seated in the CLSPD's justice group (no
    case there), charter signed: scoped summaries of the cases disclosed to it."""
    return make_disclosure_reader(
        w["partnerships"]["arras"], institution=w["institutions"]["parquet_arras"], username="magistrat"
    )
