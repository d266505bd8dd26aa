"""Append-only journal of a case: every state change and every référent contact.

`save()` refuses updates and `delete()` refuses always; on PostgreSQL a trigger
(migration) also stops raw UPDATE/DELETE. Purge is the one exception and goes
through the trigger's session flag (see casework.services.retention).
"""

from django.conf import settings
from django.db import models

from casework.models.codes import Adhesion, ContactType, Domain


class JournalEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise NotImplementedError("Le journal est en ajout seul : modification interdite.")

    def delete(self):
        raise NotImplementedError("Le journal est en ajout seul : suppression interdite.")


class JournalEntry(models.Model):
    class Kind(models.TextChoices):
        # State changes written by services.
        SIGNALEMENT = "signalement", "Signalement"
        DECISION = "decision", "Décision d'examen"
        MEASURE = "measure", "Mesure"
        DESIGNATION = "designation", "Désignation de référent"
        ACCEPTANCE = "acceptance", "Acceptation du référent"
        DECLINE = "decline", "Refus de la désignation"
        DESIGNATION_END = "designation_end", "Fin de désignation"
        BILAN = "bilan", "Bilan de parcours"
        BILAN_EXAMEN = "bilan_examen", "Examen du bilan"
        CLOSURE = "closure", "Clôture"
        STATUS = "status", "Changement de statut"
        INFORMATION = "information", "Information de la personne"
        DISCLOSURE = "disclosure", "Partage d'information"
        OVERDUE = "overdue", "Échéance dépassée"
        DUPLICATE = "duplicate", "Doublon possible"
        OTHER = "other", "Autre événement"
        # Référent contacts.
        CONTACT = "contact", "Contact / action"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="journal")
    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    occurred_on = models.DateField("date de l'action")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    summary = models.CharField("événement", max_length=200)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    contact_type = models.CharField("type de contact", max_length=20, choices=ContactType.choices, blank=True)
    domain = models.CharField("domaine", max_length=15, choices=Domain.choices, blank=True)
    adhesion = models.CharField("adhésion", max_length=10, choices=Adhesion.choices, blank=True)
    note = models.TextField("note", blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée de journal"
        verbose_name_plural = "journal"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case", "at"]),
            models.Index(fields=["kind", "occurred_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} – {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise NotImplementedError("Le journal est en ajout seul : modification interdite.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise NotImplementedError("Le journal est en ajout seul : suppression interdite.")
