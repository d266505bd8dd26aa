"""In-app notifications, email preferences and the digest ledger.

Nothing here holds nominative data: a notification points to a case and a
stall flag, and is rendered from the case reference and the rule label.
"""

from django.conf import settings
from django.db import models


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One stall event for one person: reminder, coordinator alert or agenda proposal.

    Unique per (flag, level, recipient): retries and duplicate scans can never
    notify the same person twice for the same stall and step.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="+")
    flag = models.ForeignKey(
        "notifications.StallFlag", on_delete=models.CASCADE, related_name="notifications"
    )
    level = models.PositiveSmallIntegerField("niveau")
    created_at = models.DateTimeField("créée le", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    emailed_at = models.DateTimeField("envoyée par courriel le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["flag", "level", "recipient"], name="uniq_notification_per_step")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_id} – {self.flag_id} niveau {self.level}"

    @property
    def title(self) -> str:
        """One French line built from the reference, the rule and the level: never nominative."""
        from notifications.models.stall import StallLevel
        from notifications.rules import rule_label

        reference, reason = self.case.reference, rule_label(self.flag.rule).lower()
        if self.level == StallLevel.SEANCE:
            return f"{reference} proposée pour la prochaine séance ({reason})"
        if self.level == StallLevel.ALERTE:
            return f"Alerte – {reference} bloquée depuis le {self.flag.since:%d/%m/%Y} ({reason})"
        return f"Relance – {reference} : {reason}"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "Un courriel à chaque relance"
    DAILY = "daily", "Un récapitulatif quotidien"


class NotificationPreference(models.Model):
    """How a user wants stall notifications by email. No row means immediate."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(
        "courriels de relance", max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"

    def __str__(self) -> str:
        return f"{self.user_id} – {self.get_email_mode_display()}"


class SentDigest(models.Model):
    """Ledger of digests sent: the unique key makes each digest go out once.

    Keys look like `daily:<user>:<date>` and `weekly:<user>:<partnership>:<iso week>`.
    """

    key = models.CharField(max_length=100, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "récapitulatif envoyé"

    def __str__(self) -> str:
        return self.key
