"""OpenAPI descriptions of the project's DRF authentication classes (drf-spectacular extensions).

Imported by `permissions.api.views` so that they are registered before the
schema is generated.
"""

from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):
    """Same cookie as Django's session; the session must also have passed the second factor."""

    target_class = "permissions.twofactor.VerifiedSessionAuthentication"
