"""API access rules: token login (with the second factor) and the charter gate."""

from django.conf import settings
from rest_framework import permissions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from permissions.access import pending_charters
from permissions.twofactor import totp_verify

OTP_REQUIRED = "Indiquez le code à usage unique de votre application d'authentification (champ « otp »)."
OTP_INVALID = "Code à usage unique invalide."


class ChartersSigned(permissions.BasePermission):
    """403 naming the charter while the user has a current membership whose charter they have not signed."""

    message = "Signature de la charte de confidentialité requise."

    def has_permission(self, request, view) -> bool:
        pending = pending_charters(request.user)
        if pending:
            self.message = pending[0].message
            return False
        return True


class TokenSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        label="Code à usage unique",
        required=False,
        write_only=True,
        help_text="Obligatoire quand la double authentification est activée (REQUIRE_2FA).",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if settings.REQUIRE_2FA:
            # Without this, a password alone would yield a long-lived token
            # and bypass the second factor the web UI enforces.
            code = attrs.get("otp", "").strip()
            if not code:
                raise serializers.ValidationError(OTP_REQUIRED, code="authorization")
            if totp_verify(user=attrs["user"], code=code) is None:
                raise serializers.ValidationError(OTP_INVALID, code="authorization")
        return attrs


class TokenView(ObtainAuthToken):
    """`POST {"username", "password"[, "otp"]}` → `{"token": "…"}`; use it as `Authorization: Token …`."""

    serializer_class = TokenSerializer
    # No session auth here: a logged-in browser must not need a CSRF token to
    # ask for an API token, and the endpoint authenticates by password anyway.
    authentication_classes = ()
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "api-token"
