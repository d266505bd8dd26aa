from notifications.models.notification import (
    EmailMode,
    Notification,
    NotificationPreference,
    SentDigest,
)
from notifications.models.stall import ScanState, StallFlag, StallLevel

__all__ = [
    "EmailMode",
    "Notification",
    "NotificationPreference",
    "ScanState",
    "SentDigest",
    "StallFlag",
    "StallLevel",
]
