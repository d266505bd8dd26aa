"""Séances of a cellule de veille: agenda, attendance, decisions (domain.md §3, §4.3).

The séance is where the cell examines signalements and bilans: recording a
decision on an agenda item completes the matching workflow task. Case data
stays in casework; an agenda item only links a case to a séance and keeps the
coded outcome decided there (no free text: CNIL 2020).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Seance(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Prévue"
        HELD = "held", "Tenue"
        CLOSED = "closed", "Close"
        CANCELED = "canceled", "Annulée"

    cell = models.ForeignKey("casework.Cell", on_delete=models.PROTECT, related_name="seances")
    starts_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=200)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    canceled_at = models.DateTimeField("annulée le", null=True, blank=True)

    class Meta:
        verbose_name = "séance"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["cell", "starts_at"])]

    def __str__(self) -> str:
        return f"Séance du {self.label_date} – {self.cell}"

    @property
    def label_date(self) -> str:
        return f"{timezone.localtime(self.starts_at):%d/%m/%Y}"

    @property
    def date(self):
        return timezone.localtime(self.starts_at).date()

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_finished(self) -> bool:
        """Closed or canceled: nothing about it changes any more."""
        return self.status in (self.Status.CLOSED, self.Status.CANCELED)


class ReviewOutcome(models.TextChoices):
    """What the cell decides on a stalled case or a case open for more than 12 months."""

    POURSUIVI = "poursuivi", "Suivi poursuivi sans changement"
    RELANCE = "relance", "Relance des intervenants décidée"
    BILAN_ANTICIPE = "bilan_anticipe", "Bilan anticipé demandé au référent"


class AgendaItem(models.Model):
    """One case on a séance's agenda (a case appears at most once per séance)."""

    class Kind(models.TextChoices):
        EXAMEN = "examen", "Examen en cellule"
        EXAMEN_BILAN = "examen_bilan", "Examen du bilan"
        STALLED = "stalled", "Situation en retard ou bloquée"
        REVIEW = "review", "Revue (ouverte depuis plus de 12 mois)"

    class Status(models.TextChoices):
        PENDING = "pending", "À traiter"
        DECIDED = "decided", "Décision enregistrée"
        POSTPONED = "postponed", "Reporté"

    # Kinds whose decision completes a workflow task (node name of CaseFlow).
    TASK_NODES = {Kind.EXAMEN: "examen", Kind.EXAMEN_BILAN: "examen_bilan"}

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="agenda_items")
    kind = models.CharField("objet", max_length=15, choices=Kind.choices)
    position = models.PositiveSmallIntegerField("ordre")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    # Set when the item was carried over from a postponed item of an earlier séance.
    carried_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    postponed_to = models.ForeignKey(
        Seance,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postponed_items",
        verbose_name="reporté à",
    )
    # The outcome, coded (decision_data) and as a label built from the codes.
    decision_summary = models.CharField("décision", max_length=300, blank=True)
    decision_data = models.JSONField(default=dict, blank=True)
    decision = models.ForeignKey(
        "casework.Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["seance", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["seance", "case"], name="uniq_agenda_case"),
        ]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"{self.seance} – {self.position}. {self.case_id}"

    @property
    def task_node(self) -> str | None:
        return self.TASK_NODES.get(self.kind)


class Attendance(models.Model):
    """A member's invitation to a séance and their attendance (present: None until recorded)."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances")
    # The seat the member holds in the cell, kept for the relevé (institution of the day).
    institution = models.ForeignKey("casework.Institution", on_delete=models.PROTECT, related_name="+")
    invited = models.BooleanField("convoqué", default=True)
    invited_at = models.DateTimeField("convoqué le", null=True, blank=True)
    present = models.BooleanField("présent", null=True, blank=True)
    recorded_at = models.DateTimeField("présence notée le", null=True, blank=True)

    class Meta:
        verbose_name = "convocation et présence"
        verbose_name_plural = "convocations et présences"
        ordering = ["seance", "user__last_name", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["seance", "user"], name="uniq_seance_attendance")]

    def __str__(self) -> str:
        return f"{self.user} – {self.seance}"
