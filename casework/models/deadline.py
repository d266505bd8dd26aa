"""Pending steps of a case and their due dates (domain.md §3, "reminder deadline").

A step is opened when the parcours starts waiting on someone (a workflow task
is created), closed when that task is done, and flagged overdue by the
database-backed timer when its due date passes first. Reminders and
escalation read these rows; they never change them.
"""

from django.db import models
from django.utils import timezone


class PendingStepQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)

    def overdue(self):
        return self.open().filter(overdue_on__isnull=False)


class PendingStep(models.Model):
    class Step(models.TextChoices):
        EXAMEN = "examen", "Examen en cellule"
        RAPPEL = "rappel_ordre", "Rappel à l'ordre"
        CDDF = "cddf", "Conseil des droits et devoirs des familles"
        DESIGNATION = "designation", "Désignation du référent"
        ACCEPTATION = "acceptation", "Acceptation par le référent"
        SUIVI = "suivi", "Suivi et bilan de parcours"
        EXAMEN_BILAN = "examen_bilan", "Examen du bilan"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="pending_steps")
    step = models.CharField("étape", max_length=20, choices=Step.choices)
    due_on = models.DateField("échéance")
    opened_on = models.DateField("ouverte le", default=timezone.localdate)
    closed_on = models.DateField("terminée le", null=True, blank=True)
    overdue_on = models.DateField("signalée en retard le", null=True, blank=True)

    objects = PendingStepQuerySet.as_manager()

    class Meta:
        verbose_name = "étape en attente"
        verbose_name_plural = "étapes en attente"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["case", "closed_on"])]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_step_display()} (échéance {self.due_on:%d/%m/%Y})"

    @property
    def is_overdue(self) -> bool:
        return self.closed_on is None and self.overdue_on is not None
