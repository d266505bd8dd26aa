"""Settings for `make run`: the local demo. DEBUG on, console email."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
os.environ.setdefault("REQUIRE_2FA", "false")

from config.settings.base import *  # noqa: E402,F403
