"""Second factor (TOTP, django-otp) enforcement.

Rule, in plain language: when `settings.REQUIRE_2FA` is on, a logged-in user
whose session has not verified a TOTP code reaches nothing but the pages that
let them enrol or verify one (and log out). This holds for every account, not
only the roles with nominative access: it is simpler to audit, and the roles
without nominative access (préfecture, DPO) still read access logs and purge
reports.

- Web pages: `RequireSecondFactorMiddleware` redirects to the verify page (a
  confirmed device exists) or to the setup page (none yet).
- API (DRF views opt out of LoginRequiredMiddleware, hence of this middleware
  too): the authentication classes below refuse a session that has not
  verified a code, and a token whose owner has no confirmed device. A token
  is a long-lived credential; it can only be obtained from a session (UI) that
  passed the second factor, so "owner has a confirmed device" is what is
  checked on each call.
"""

from base64 import b32encode
from datetime import timedelta
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

SECOND_FACTOR_REQUIRED = "Double authentification requise : validez un code à usage unique."
TOKEN_WITHOUT_DEVICE = (
    "Ce jeton appartient à un compte sans double authentification configurée : "
    "configurez-la depuis l'interface avant d'utiliser l'API."
)

# URL names reachable before the second factor is verified (besides the
# public views, marked login_not_required, and the 2FA pages themselves).
EXEMPT_URL_NAMES = frozenset({"logout"})


def second_factor_exempt(view_func):
    """Mark a view as reachable by a logged-in user who has not verified a code yet."""
    view_func.second_factor_exempt = True
    return view_func


def needs_second_factor(user) -> bool:
    """True when `user` is logged in but must still verify a code in this session."""
    if not settings.REQUIRE_2FA or not getattr(user, "is_authenticated", False):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


class RequireSecondFactorMiddleware:
    """Keep users without a verified second factor on the 2FA pages.

    Install after OTPMiddleware (which sets `user.is_verified`) and after
    LoginRequiredMiddleware (anonymous users are its business).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not needs_second_factor(request.user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_URL_NAMES:
            return None
        if getattr(view_func, "second_factor_exempt", False):
            return None
        # Public views (login_not_required) hold nothing nominative. DRF views
        # mark themselves so too and check the second factor in their
        # authentication classes (below).
        if getattr(view_func, "login_required", True) is False:
            return None
        target = "privacy:twofactor_verify" if user_has_device(request.user) else "privacy:twofactor_setup"
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF session authentication that requires the session's second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and needs_second_factor(request._request.user):
            raise AuthenticationFailed(SECOND_FACTOR_REQUIRED)
        return result


TOKEN_EXPIRED = "Jeton expiré : demandez-en un nouveau (POST /api/v1/auth/token/)."


def token_expiry_cutoff():
    """Tokens issued before this moment are expired (settings.API_TOKEN_HOURS)."""
    return timezone.now() - timedelta(hours=settings.API_TOKEN_HOURS)


class SecondFactorTokenAuthentication(TokenAuthentication):
    """DRF token authentication that refuses expired tokens (settings.API_TOKEN_HOURS)
    and tokens of accounts without a confirmed TOTP device."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token.created < token_expiry_cutoff():
            raise AuthenticationFailed(TOKEN_EXPIRED)
        if settings.REQUIRE_2FA and not user_has_device(user, confirmed=True):
            raise AuthenticationFailed(TOKEN_WITHOUT_DEVICE)
        return user, token


def totp_pending_device(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device (created on first call), for enrolment."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(
        user=user, name="Application d'authentification", confirmed=False
    )


def totp_confirm(*, user, code: str) -> TOTPDevice | None:
    """Confirm the pending device with a first valid code; returns it, or None if the code is wrong."""
    device = totp_pending_device(user)
    if not device.verify_token(code.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def totp_verify(*, user, code: str) -> TOTPDevice | None:
    """The confirmed device that accepts `code` (throttled by django-otp), or None."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code.strip()):
            return device
    return None


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (no image request, CSP-friendly)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


def totp_secret_b32(device: TOTPDevice) -> str:
    """The secret in base32, grouped by 4, for manual entry in an authenticator app."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
