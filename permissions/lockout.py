"""Client address for the login lockout (django-axes).

Behind `settings.TRUSTED_PROXY_COUNT` reverse proxies, the client is the
entry that many hops from the right of X-Forwarded-For: entries further left
are written by the client and can be forged. Without proxies, REMOTE_ADDR.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
