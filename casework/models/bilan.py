from django.conf import settings
from django.db import models

from casework.models.codes import Adhesion, Situation


class Bilan(models.Model):
    """A bilan de parcours, written by the référent and examined by the cell."""

    class Recommendation(models.TextChoices):
        CLORE = "clore", "Clore"
        PROLONGER = "prolonger", "Prolonger"
        REORIENTER = "reorienter", "Réorienter"

    class CellDecision(models.TextChoices):
        CLORE = "clore", "Clôture"
        PROLONGER = "prolonger", "Prolongation"
        REORIENTER = "reorienter", "Réorientation"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="bilans")
    designation = models.ForeignKey(
        "casework.ReferentDesignation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bilans",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    period_start = models.DateField("début de période")
    period_end = models.DateField("fin de période")
    adhesion = models.CharField("adhésion", max_length=10, choices=Adhesion.choices)
    situation = models.CharField("situation", max_length=15, choices=Situation.choices)
    new_facts = models.BooleanField("faits nouveaux", default=False)
    recommendation = models.CharField("préconisation", max_length=12, choices=Recommendation.choices)
    text = models.TextField("observations", blank=True)
    presented_on = models.DateField("remis le")
    examined_on = models.DateField("examiné le", null=True, blank=True)
    cell_decision = models.CharField(
        "décision de la cellule", max_length=12, choices=CellDecision.choices, blank=True
    )

    class Meta:
        verbose_name = "bilan de parcours"
        verbose_name_plural = "bilans de parcours"
        ordering = ["-presented_on", "-id"]

    def __str__(self) -> str:
        return f"Bilan du {self.presented_on:%d/%m/%Y} – {self.case}"
