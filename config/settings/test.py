"""Settings for `make test`: real PostgreSQL and Redis, no outside services."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-000000000000")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/veille")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("CACHE_URL", "rediscache://127.0.0.1:6379/1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Tests log in with client.force_login, which verifies no second factor; the
# 2FA tests (tests/permissions/test_twofactor.py) turn it on explicitly.
os.environ.setdefault("REQUIRE_2FA", "false")

from config.settings.base import *  # noqa: E402,F403

# Tests that run threads (concurrency) must not leave connections open behind
# them: the test database is dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Static files are served by runserver/gunicorn+whitenoise after collectstatic;
# tests never collect them.
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405

# Several test runs may share one Redis (worktrees, CI): keep their task queues
# and cache keys apart so that one run's worker never eats another's tasks.
_RUN_ID = f"test-{os.getpid()}"
CELERY_TASK_DEFAULT_QUEUE = _RUN_ID
CACHES["default"]["KEY_PREFIX"] = _RUN_ID  # noqa: F405
