"""TOTP second factor: with REQUIRE_2FA on, no page but the 2FA pages before a verified code."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from permissions.twofactor import SecondFactorTokenAuthentication, VerifiedSessionAuthentication
from tests.factories import make_user


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _example_paths(patterns, prefix=""):
    """One concrete path per URL pattern of the project (dummy values for parameters)."""
    for entry in patterns:
        route = str(entry.pattern)
        for converter, value in (("<int:", "1"), ("<slug:", "x"), ("<str:", "x"), ("<path:", "x")):
            while converter in route:
                start = route.index(converter)
                route = route[:start] + value + route[route.index(">", start) + 1 :]
        route = route.lstrip("^").rstrip("$").replace("\\", "")
        if "(" in route or "<" in route:
            continue  # regex groups (viewflow, admin): covered by the prefix sweep below
        if isinstance(entry, URLResolver):
            yield prefix + route
            yield from _example_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def test_every_page_redirects_an_unverified_user_to_the_second_factor(client, require_2fa):
    user = make_user()
    client.force_login(user)
    checked = 0
    for path in sorted(set(_example_paths(get_resolver().url_patterns))):
        path = "/" + path
        try:
            match = resolve(path)
        except Exception:
            continue
        view = match.func
        if getattr(view, "login_required", True) is False or getattr(view, "second_factor_exempt", False):
            continue
        if match.view_name == "logout":
            continue
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("privacy:twofactor_setup")), path
        checked += 1
    assert checked >= 1


def test_admin_is_closed_to_an_unverified_superuser(client, require_2fa):
    user = make_user(is_staff=True, is_superuser=True)
    confirmed_device(user)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('privacy:twofactor_verify')}?next=%2Fadmin%2F"


def test_a_verified_code_opens_the_session(client, require_2fa):
    user = make_user(is_staff=True, is_superuser=True)
    device = confirmed_device(user)
    client.force_login(user)
    response = client.post(
        reverse("privacy:twofactor_verify"), {"code": current_code(device), "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_keeps_the_session_unverified(client, require_2fa):
    user = make_user(is_staff=True, is_superuser=True)
    device = confirmed_device(user)
    client.force_login(user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("privacy:twofactor_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_setup_shows_a_qr_code_and_confirms_the_device(client, require_2fa):
    user = make_user()
    client.force_login(user)
    page = client.get(reverse("privacy:twofactor_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("privacy:twofactor_setup"), {"code": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_setup_refuses_to_replace_a_confirmed_device(client, require_2fa):
    user = make_user()
    confirmed_device(user)
    client.force_login(user)
    response = client.get(reverse("privacy:twofactor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("privacy:twofactor_verify"))
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_login_and_logout_stay_reachable(client, require_2fa):
    client.force_login(make_user())
    assert client.get(reverse("login")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_without_require_2fa_no_code_is_asked(client, settings):
    settings.REQUIRE_2FA = False
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200


def test_api_token_of_an_account_without_device_is_refused(require_2fa):
    user = make_user()
    token = Token.objects.create(user=user)
    with pytest.raises(AuthenticationFailed, match="double authentification"):
        SecondFactorTokenAuthentication().authenticate_credentials(token.key)
    confirmed_device(user)
    assert SecondFactorTokenAuthentication().authenticate_credentials(token.key)[0] == user


def test_api_session_without_verified_code_is_refused(require_2fa):
    from rest_framework.request import Request

    user = make_user()
    django_request = APIRequestFactory().get("/api/")
    django_request.user = user
    user.is_verified = lambda: False
    django_request._dont_enforce_csrf_checks = True
    with pytest.raises(AuthenticationFailed, match="Double authentification requise"):
        VerifiedSessionAuthentication().authenticate(Request(django_request))
    user.is_verified = lambda: True
    assert VerifiedSessionAuthentication().authenticate(Request(django_request))[0] == user
