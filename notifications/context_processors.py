from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count

# The bell shows up to 99 unread notifications, then "99+".
BELL_CAP = 99


def notifications(request) -> dict:
    """`notifications_unread` for the bell: counted only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user, cap=BELL_CAP))}
