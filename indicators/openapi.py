"""OpenAPI description of the project's session authentication.

drf-spectacular knows DRF's SessionAuthentication but not its subclasses;
`permissions.twofactor.VerifiedSessionAuthentication` only adds the second
factor check, so it is described as the same cookie scheme. (Token subclasses
are matched by drf-spectacular already.) Imported by IndicatorsConfig.ready,
the first app to expose an API view.
"""

from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "permissions.twofactor.VerifiedSessionAuthentication"
