"""The 30-minute idle timeout, without a session write on every request.

Django's SESSION_SAVE_EVERY_REQUEST pushes the expiry back by rewriting the
session row on every request (an UPDATE and its transaction on every page
view). This middleware rewrites it only when the last write is older than
SESSION_REFRESH_SECONDS (60 s by default): the session then expires between
SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the
last request, never later.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

LAST_SAVED_KEY = "_idle_refreshed_at"


class IdleSessionRefreshMiddleware:
    """Install right after SessionMiddleware (its response pass runs first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(timezone.now().timestamp())  # the clock sessions expire by
        if session.modified or now - session.get(LAST_SAVED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            # Written now either way: record it, so the next refresh counts from here.
            session[LAST_SAVED_KEY] = now
        return response
