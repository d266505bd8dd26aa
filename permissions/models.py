"""Charter, object permissions (direct-FK guardian tables), disclosures, access log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("casework.Case", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission", "content_object"])]


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("casework.Case", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["group", "permission", "content_object"])]


class Charter(models.Model):
    """One version of a partnership's confidentiality charter. The latest adopted is current."""

    partnership = models.ForeignKey("casework.Partnership", on_delete=models.PROTECT, related_name="charters")
    version = models.PositiveIntegerField("version")
    text = models.TextField("texte de la charte")
    adopted_on = models.DateField("adoptée le", default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "charte de confidentialité"
        verbose_name_plural = "chartes de confidentialité"
        ordering = ["partnership", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "version"], name="uniq_charter_version")
        ]

    def __str__(self) -> str:
        return f"Charte de confidentialité – {self.partnership} – version {self.version}"


class CharterSignature(models.Model):
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="signatures")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="charter_signatures"
    )
    institution = models.ForeignKey("casework.Institution", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("signée le", default=timezone.now)

    class Meta:
        verbose_name = "signature de la charte"
        constraints = [models.UniqueConstraint(fields=["charter", "user"], name="uniq_charter_signature")]

    def __str__(self) -> str:
        return f"{self.user} – {self.charter}"


class DisclosureQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, starts_on__lte=on, ends_on__gte=on)


class Disclosure(models.Model):
    """A coordinator shares a case's scoped summary with an institution until `ends_on`.

    Expiry needs no job: every read filters on the dates (DisclosureQuerySet.active).
    """

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="disclosures")
    institution = models.ForeignKey(
        "casework.Institution", on_delete=models.PROTECT, related_name="disclosures"
    )
    reason = models.CharField("motif du partage", max_length=300)
    starts_on = models.DateField("à partir du", default=timezone.localdate)
    ends_on = models.DateField("jusqu'au")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = "partage d'information"
        verbose_name_plural = "partages d'information"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["institution", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.case} → {self.institution} jusqu'au {self.ends_on:%d/%m/%Y}"


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise NotImplementedError("Le journal des accès est en ajout seul.")

    def delete(self):
        raise NotImplementedError("Le journal des accès est en ajout seul.")


class AccessLog(models.Model):
    """Append-only record of every display of nominative case data."""

    class Channel(models.TextChoices):
        UI_DETAIL = "ui_detail", "Fiche (écran)"
        UI_LIST = "ui_list", "Liste (écran)"
        API_DETAIL = "api_detail", "API – détail"
        API_LIST = "api_list", "API – liste"
        SEARCH = "search", "Recherche"
        EXPORT = "export", "Export"
        PRINT = "print", "Impression"
        ARCHIVE = "archive", "Archive intermédiaire"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Kept after a purge: the reference is not nominative.
    case = models.ForeignKey(
        "casework.Case", on_delete=models.SET_NULL, null=True, related_name="access_logs"
    )
    case_reference = models.CharField(max_length=20)
    representation = models.CharField(max_length=20)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    reason = models.CharField("motif", max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = "accès à un dossier"
        verbose_name_plural = "journal des accès"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.case_reference} ({self.channel})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise NotImplementedError("Le journal des accès est en ajout seul.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise NotImplementedError("Le journal des accès est en ajout seul.")


class CharterEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise NotImplementedError("Le journal de la charte est en ajout seul.")

    def delete(self):
        raise NotImplementedError("Le journal de la charte est en ajout seul.")


class CharterEvent(models.Model):
    """Append-only log of charter events: adoptions, signatures, memberships (domain.md §4.10).

    Feeds the annual report on how the charter was applied. Written only by
    `permissions.charter` services, in the same transaction as the change.
    """

    class Kind(models.TextChoices):
        ADOPTED = "adopted", "Nouvelle version adoptée"
        SIGNED = "signed", "Charte signée"
        MEMBERSHIP_STARTED = "membership_started", "Entrée dans le partenariat"
        MEMBERSHIP_ENDED = "membership_ended", "Fin de participation"

    partnership = models.ForeignKey(
        "casework.Partnership", on_delete=models.PROTECT, related_name="charter_events"
    )
    kind = models.CharField("événement", max_length=20, choices=Kind.choices)
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The member concerned (signatory, member who joined or left); null for adoptions.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    institution = models.ForeignKey(
        "casework.Institution", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_on = models.DateField("date")
    summary = models.CharField("résumé", max_length=300)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = CharterEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement de la charte"
        verbose_name_plural = "journal de la charte"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["partnership", "at"])]

    def __str__(self) -> str:
        return f"{self.occurred_on:%d/%m/%Y} – {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise NotImplementedError("Le journal de la charte est en ajout seul.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise NotImplementedError("Le journal de la charte est en ajout seul.")


class BreakGlassGrantQuerySet(models.QuerySet):
    def active(self, at=None):
        """Approved and not yet expired: expiry needs no job, every read checks it."""
        return self.filter(status=BreakGlassGrant.Status.APPROVED, expires_at__gt=at or timezone.now())


class BreakGlassGrant(models.Model):
    """Break-the-glass: a cell member asks for temporary full access to one case, with a reason.

    The coordinator approves or refuses; an approval lasts
    settings.BREAK_GLASS_HOURS (72 by default) and ends by itself
    (permissions.visibility checks `expires_at` at read time).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        APPROVED = "approved", "Accordé"
        REFUSED = "refused", "Refusé"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="break_glass_grants")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("motif", max_length=300)
    requested_at = models.DateTimeField("demandé le", auto_now_add=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decision_note = models.CharField("commentaire", max_length=300, blank=True)
    expires_at = models.DateTimeField("expire le", null=True, blank=True)

    objects = BreakGlassGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "bris de glace"
        verbose_name_plural = "bris de glace"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "case", "status", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(expires_at__isnull=False),
                name="break_glass_approved_expires",
            )
        ]

    def __str__(self) -> str:
        return f"Bris de glace – {self.case} – {self.get_status_display()}"
