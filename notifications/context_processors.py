from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def notifications(request) -> dict:
    """`notifications_unread` for the bell: counted only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user))}
