"""Production-safe settings, driven by environment variables (see .env.example).

Every default fails closed: DEBUG is off unless set, SECRET_KEY is required
when DEBUG is off, cookies are secure outside debug. `dev.py` (make run) and
`test.py` (make test) only loosen what they must.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env is read when present; the real environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-only-key-never-used-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "viewflow",
    "viewflow.workflow",
    "casework",
    "permissions",
    "workflows",
    "notifications",
    "privacy",
    "indicators",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout below: rewrites the session at most once a minute.
    "permissions.idle.IdleSessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request reads each user's seats once (permissions.seats).
    "permissions.seats.SeatsPerRequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Anonymous users must never reach viewflow or guardian (both misbehave
    # with AnonymousUser); every view needs a login unless marked otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Logged-in users without a verified second factor reach only the 2FA pages.
    "permissions.twofactor.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Members who owe a charter signature reach only the signing page.
    "permissions.middleware.CharterGateMiddleware",
    # The charter and privacy pages in the site's frame (drawer menu).
    "workflows.middleware.SiteFrameMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a lockout into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.notifications",
            ],
        },
    },
]

# Without DATABASE_URL the app runs on an embedded SQLite file (the demo).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'demo.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections, one per worker (opening a PostgreSQL connection per
# request costs more than most pages' queries); `?conn_max_age=` in
# DATABASE_URL or DB_CONN_MAX_AGE=0 overrides it. Health checks replace a
# connection the server closed instead of failing the request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: its cost is decided from the planner's estimates, and
    # on the indicators' and scans' queries (estimated costly, run in a few
    # hundred ms) compiling took 40 to 400 ms per query (see bench/). Measured
    # on PostgreSQL 15; the server's own setting is left alone for other clients.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        # Parameters bound by the server, and a statement run 5 times on a
        # connection prepared there (psycopg's threshold): PostgreSQL then stops
        # planning it again. Planning the visibility rules' unions took ~3.5 ms
        # of the server's CPU per query, ~12 ms per list page (see bench/).
        # Off for a pooler that cannot keep prepared statements (PgBouncer
        # before 1.21, or without max_prepared_statements, in transaction mode).
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# The cache holds cross-process locks (timer sweep, stall scan): use Redis
# wherever more than one process runs (docker-compose, tests).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "casework.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any authentication of a locked-out user/IP before a password check.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the user's institution in the same query.
    "permissions.backends.InstitutionModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# guardian: no "AnonymousUser" row (it would be a real, authenticated user).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security: everything on outside debug.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# The age above is an idle timeout: permissions.idle rewrites the session
# (pushing its expiry back) when its last write is older than this.
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp 4). Scripts only from our origin, or
# inline with the per-request nonce ({{ request.csp_nonce }}); viewflow's
# Material frontend loads all its scripts from /static/ and uses no eval.
# Styles allow 'unsafe-inline': its templates carry style="" attributes and
# <style> blocks (a style cannot run code; scripts stay strict).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Two-factor authentication (TOTP, django-otp) for every account: with it on,
# a logged-in user reaches nothing but the 2FA pages until a code is verified
# in the session (permissions.twofactor). Off only in the demo (dev.py).
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Veille jeunes"

# Lockout after repeated failed logins (django-axes): 5 failures on one
# account, or from one client address, lock it for 30 minutes; a successful
# login resets the counters (an office behind one NAT address is not locked
# by a few typos). The client address is read behind TRUSTED_PROXY_COUNT
# reverse proxies (permissions.lockout.client_ip).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "permissions.lockout.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0 if DEBUG else 1)
AXES_LOCKOUT_TEMPLATE = "privacy/lockout.html"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="veille@localhost")

# Celery: reliable delivery over Redis (see engineering notes §4).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Longer than any task and any countdown we use; long delays live in the DB.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE: dict = {}
# Retention (domain.md §4.9): archive closed cases, purge expired ones, nightly.
CELERY_BEAT_SCHEDULE["apply-retention"] = {
    "task": "casework.tasks.apply_retention",
    "schedule": crontab(hour=2, minute=30),
    "options": {"expires": 6 * 3600},
}

REST_FRAMEWORK = {
    # Both refuse a user without a second factor when REQUIRE_2FA is on.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "permissions.twofactor.SecondFactorTokenAuthentication",
        "permissions.twofactor.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Password guessing on the token endpoint (per client IP).
    # api-cases: nominative reads per user (domain.md §4.5: no bulk extraction);
    # a reader paging through a few hundred cases stays far below it.
    "DEFAULT_THROTTLE_RATES": {
        "api-token": "10/minute",
        "api-cases": env.str("API_CASES_RATE", default="300/hour"),
    },
    # Throttles count per client address behind the same proxies as axes and
    # the access log; otherwise each forged X-Forwarded-For got its own quota.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Veille jeunes — API",
    "DESCRIPTION": "API de lecture des situations suivies, filtrée par la charte de confidentialité.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: the CSP allows no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Domain settings -------------------------------------------------------
# Target population (domain.md §3); the lower bound is configurable because
# the 2020-24 strategy also covers under-12s.
YOUTH_MIN_AGE = env.int("YOUTH_MIN_AGE", default=12)
YOUTH_MAX_AGE = env.int("YOUTH_MAX_AGE", default=25)

# Step deadlines in days (domain.md §3, [PROPOSED] defaults); each partnership
# may override any of them (casework.StepDeadline).
CASEWORK_DEFAULT_DEADLINES = {
    "examen": 30,
    "referent_designation": 15,
    "referent_acceptance": 15,
    "first_contact": 15,
    "contact_gap": 30,
    "rappel_convocation": 15,
    "rappel_held": 30,
    "cddf_hearing": 45,
    "cddf_accompagnement_review": 183,
    "bilan_interval": 183,
    "bilan_examen": 30,
    "case_review": 365,
}

# Break-the-glass: hours a coordinator's approval gives full access to one case.
BREAK_GLASS_HOURS = env.int("BREAK_GLASS_HOURS", default=72)
# An API token is refused this many hours after it was issued; asking again
# (password, and code when 2FA is on) issues a new one.
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=12)

STALL_SCAN_INTERVAL = timedelta(minutes=env.int("STALL_SCAN_MINUTES", default=15))

# Indicators (domain.md §5): counts below this are shown as "< N" below
# partnership level.
INDICATORS_SUPPRESSION_THRESHOLD = env.int("INDICATORS_SUPPRESSION_THRESHOLD", default=5)
# How long a published indicators report is reused (aggregates only; 0: none).
INDICATORS_CACHE_SECONDS = env.int("INDICATORS_CACHE_SECONDS", default=600)
# Escalation of a stalled case, in days after its deadline passed: alert the
# coordinators, then propose the case for the cell's next séance. Overridable
# per partnership and rule (StepDeadline steps "<step>.alerte" / "<step>.seance").
STALL_ESCALATION_DEFAULTS = {"alerte": 15, "seance": 30}

# Periodic work, run by exactly one `celery beat` (or `manage.py
# run_periodic_inline` when Redis is down). Every task is idempotent and the
# scan and the timer sweep also take a cache lock, so an overlap does no harm;
# `expires` drops a run that waited longer than its own period.
CELERY_BEAT_SCHEDULE |= {
    "scan-stalled-cases": {
        "task": "notifications.tasks.scan_stalled_cases",
        "schedule": STALL_SCAN_INTERVAL,
        "options": {"expires": STALL_SCAN_INTERVAL.total_seconds() * 0.9},
    },
    "fire-workflow-timers": {
        "task": "notifications.tasks.fire_workflow_timers",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    "daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=30),
        "options": {"expires": 6 * 3600},
    },
    "weekly-digests": {
        "task": "notifications.tasks.send_weekly_digests",
        "schedule": crontab(hour=7, minute=45, day_of_week="mon"),
        "options": {"expires": 6 * 3600},
    },
}
