"""API access rules: token login (with the second factor) and the charter gate."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from permissions.access import pending_charters
from permissions.twofactor import token_expiry_cutoff, totp_verify

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
        help_text="Obligatoire quand la double authentification est exigée.",
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


@extend_schema(
    summary="Obtenir un jeton d'accès",
    description=(
        "Envoyer l'identifiant, le mot de passe et, si la double authentification est exigée, le code "
        "à usage unique ; le jeton reçu s'utilise dans l'en-tête `Authorization: Token …`."
    ),
)
class TokenView(ObtainAuthToken):
    """`POST {"username", "password"[, "otp"]}` → `{"token": "…"}`; use it as `Authorization: Token …`."""

    serializer_class = TokenSerializer
    # No session auth here: a logged-in browser must not need a CSRF token to
    # ask for an API token, and the endpoint authenticates by password anyway.
    authentication_classes = ()
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "api-token"

    def post(self, request, *args, **kwargs):
        # django-axes refuses a locked-out account inside authenticate(), which
        # DRF reports as "wrong credentials"; say what happens instead, as the
        # HTML login's lockout page does (no account existence is revealed:
        # failures are counted per username, known or not, and per address).
        # A JSON body may be a list or a string: the serializer answers 400 then.
        username = request.data.get("username", "") if hasattr(request.data, "get") else ""
        if AxesProxyHandler.is_locked(request._request, {"username": username}):
            return Response({"detail": locked_out_message()}, status=status.HTTP_403_FORBIDDEN)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"token": api_token_for(serializer.validated_data["user"]).key})


def api_token_for(user) -> Token:
    """The user's API token: the current one, or a new one when it expired
    (settings.API_TOKEN_HOURS)."""
    Token.objects.filter(user=user, created__lt=token_expiry_cutoff()).delete()
    return Token.objects.get_or_create(user=user)[0]


def locked_out_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    duration = f"pendant {minutes} minutes" if minutes else "jusqu'à déblocage par un administrateur"
    return (
        "Trop de tentatives de connexion ont échoué pour ce compte ou depuis ce poste : par sécurité, "
        f"la connexion est bloquée {duration}. "
        "Si vous n'êtes pas à l'origine de ces tentatives, prévenez le coordonnateur."
    )
