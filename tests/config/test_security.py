"""Account security settings at work: lockout, idle expiry, password rules, CSP and headers."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failed_logins_lock_the_account(client, settings):
    user = make_user("alice")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "alice", "mauvais").status_code == 200
    locked = login(client, "alice", "mauvais")
    assert locked.status_code == 429
    assert "Compte temporairement bloqué" in locked.content.decode()
    assert "30 minutes" in locked.content.decode()
    # Even the right password is refused while locked.
    assert login(client, "alice", "pw").status_code == 429
    assert "_auth_user_id" not in client.session
    assert user.is_active


def test_a_successful_login_resets_the_failure_count(client, settings):
    make_user("bob")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "bob", "mauvais")
    assert login(client, "bob", "pw").status_code == 302
    client.logout()
    assert login(client, "bob", "mauvais").status_code == 200


def test_lockout_of_one_account_leaves_others_open(client, settings):
    make_user("carole")
    make_user("david")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "carole", "mauvais")
    client.defaults["REMOTE_ADDR"] = "192.0.2.10"
    assert login(client, "david", "pw").status_code == 302


class Clock:
    """Moves Django's notion of now (session expiry dates are computed from it)."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    clock = Clock()
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


def test_session_expires_after_30_idle_minutes(client, clock, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(make_user())
    page = reverse("privacy:twofactor_setup")
    assert client.get(page).status_code == 200
    clock.now += timedelta(minutes=29)
    assert client.get(page).status_code == 200  # activity pushes the expiry back
    clock.now += timedelta(minutes=29)
    assert client.get(page).status_code == 200
    clock.now += timedelta(minutes=31)
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "password",
    ["court1!", "123456789012345", "qwertyuiop123"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_password_close_to_the_username_is_refused():
    user = make_user("jeanne.dupont")
    with pytest.raises(ValidationError):
        validate_password("jeanne.dupont1", user=user)


def test_strong_password_is_accepted():
    validate_password("Cellule-de-veille-Arras-2026")


def test_pages_carry_csp_and_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_csp_nonce_is_added_when_a_template_uses_it(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    request = rf.get("/")
    middleware = CSPMiddleware(lambda req: HttpResponse(f"<script nonce='{req.csp_nonce}'></script>"))
    response = middleware(request)
    assert f"'nonce-{request.csp_nonce}'" in response["Content-Security-Policy"]


def test_second_factor_is_required_by_default_in_production():
    import subprocess
    import sys

    from tests.config.test_settings import PRODUCTION_ENV, ROOT

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.REQUIRE_2FA)",
        ],
        cwd=ROOT,
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split()[-1] == "True", result.stderr


def test_lockout_also_guards_the_api_token_endpoint(client, settings):
    make_user("eve")
    url = reverse("api:token")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "eve", "password": "mauvais"})
    response = client.post(url, {"username": "eve", "password": "pw"})
    # Locked: even the right password gets no token, and the answer says why.
    assert response.status_code == 403
    assert "token" not in response.json()
    assert response.json()["detail"].startswith("Trop de tentatives de connexion ont échoué")
    assert f"pendant {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in response.json()["detail"]
    # Another account, from another address, is not locked by eve's failures.
    make_user("bob")
    client.defaults["REMOTE_ADDR"] = "192.0.2.20"
    assert "token" in client.post(url, {"username": "bob", "password": "pw"}).json()


def session_writes(queries) -> int:
    return sum(
        1 for query in queries if query["sql"].startswith("UPDATE") and "django_session" in query["sql"]
    )


def test_session_is_rewritten_at_most_once_a_minute(client, clock, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert settings.SESSION_REFRESH_SECONDS == 60
    client.force_login(make_user())
    page = reverse("privacy:twofactor_setup")
    client.get(page)
    with CaptureQueriesContext(connection) as quiet:
        clock.now += timedelta(seconds=30)
        client.get(page)
    assert session_writes(quiet.captured_queries) == 0
    with CaptureQueriesContext(connection) as refresh:
        clock.now += timedelta(seconds=31)
        client.get(page)
    assert session_writes(refresh.captured_queries) == 1
    # Idle for the whole age minus the refresh interval, counted from that write: still in.
    clock.now += timedelta(minutes=29, seconds=30)
    assert client.get(page).status_code == 200
