"""Settings for `make bench`: the test settings on the bench's own database.

The database is always `BENCH_DATABASE_NAME` (default `veille_bench`) on the
server named by `DATABASE_URL`: whatever database a developer exported for
their tests or their data, the bench never writes to it.
"""

import os
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE_NAME = os.environ.get("BENCH_DATABASE_NAME", "veille_bench")


def bench_database_url(url: str) -> str:
    """`url` with its database name replaced by the bench's, persistent connections on."""
    parts = urlsplit(url)
    # Persistent connections, as a production deployment would configure them
    # (without them every request pays a PostgreSQL connection).
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE_NAME}", query="conn_max_age=600"))


os.environ["DATABASE_URL"] = bench_database_url(
    os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/veille")
)

from config.settings.test import *  # noqa: E402,F403

DEBUG = False
# The test settings turn persistent connections off for their threads; the
# bench measures a production-like deployment.
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
# Sessions live in the database: the load test authenticates with a cookie.
SESSION_COOKIE_SECURE = False
# The bench logs in a dozen personas: django-axes' login lines would bury its table.
AXES_VERBOSE = False
LOGGING["loggers"] = {**LOGGING.get("loggers", {}), "axes": {"level": "WARNING"}}  # noqa: F405
