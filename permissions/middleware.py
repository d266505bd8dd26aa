"""The charter gate of the web UI.

Rule: a logged-in user holding a current membership whose partnership's
current charter they have not signed reaches only the signing page (and the
pages marked `charter_exempt`: logout, the coordinator's charter and
membership screens). Everything else redirects there with a French message.
Aggregate-only screens (indicators) are not gated either: they hold no
nominative data, and the préfecture or the plenary read them without any
charter. The API is not gated here: DRF views opt out of LoginRequiredMiddleware
(login_not_required) and answer 403 themselves (`api.auth.ChartersSigned`).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from permissions.access import pending_charters

# The 2FA pages come before anything else (RequireSecondFactorMiddleware).
EXEMPT_URL_NAMES = frozenset({"logout", "privacy:twofactor_setup", "privacy:twofactor_verify"})
# Aggregates only, with small counts suppressed: nothing nominative to gate.
EXEMPT_NAMESPACES = frozenset({"indicators"})


def charter_exempt(view_func):
    """Mark a view as reachable by a member who has not signed the current charter."""
    view_func.charter_exempt = True
    return view_func


class CharterGateMiddleware:
    """Install after the authentication, login-required and second-factor middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not getattr(request.user, "is_authenticated", False):
            return None
        if getattr(view_func, "login_required", True) is False or getattr(view_func, "charter_exempt", False):
            return None
        match = request.resolver_match
        if match is not None and (
            match.view_name in EXEMPT_URL_NAMES or set(match.namespaces) & EXEMPT_NAMESPACES
        ):
            return None
        pending = pending_charters(request.user)
        if not pending:
            return None
        messages.warning(request, pending[0].message)
        target = reverse("permissions:charter_sign")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
