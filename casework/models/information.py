"""Information of the person (domain.md §4.8): who was told about the follow-up, when, how,
and whether they adhere to it.

The youth must be informed, and for a minor the holders of parental authority
too. When someone cannot or must not be informed (unreachable, danger for the
youth…), the reason is recorded instead: a référent follow-up cannot start
without one or the other (casework.services.information.require_information).
"""

from django.conf import settings
from django.db import models


class PersonInformation(models.Model):
    class Addressee(models.TextChoices):
        JEUNE = "jeune", "Le jeune"
        AUTORITE_PARENTALE = "autorite_parentale", "Titulaires de l'autorité parentale"

    class Channel(models.TextChoices):
        ENTRETIEN = "entretien", "Entretien"
        COURRIER = "courrier", "Courrier"
        TELEPHONE = "telephone", "Téléphone"
        REUNION = "reunion", "Réunion d'information"

    class Adhesion(models.TextChoices):
        ADHERE = "adhere", "Adhère à l'accompagnement"
        REFUSE = "refuse", "Refuse l'accompagnement"
        NE_SE_PRONONCE_PAS = "ne_se_prononce_pas", "Ne se prononce pas"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="informations")
    addressee = models.CharField("destinataire", max_length=20, choices=Addressee.choices)
    # Either informed (date, channel, adhesion) ...
    informed_on = models.DateField("informé le", null=True, blank=True)
    channel = models.CharField("moyen", max_length=12, choices=Channel.choices, blank=True)
    adhesion = models.CharField("adhésion", max_length=20, choices=Adhesion.choices, blank=True)
    # ... or not informed, for this recorded reason.
    not_informed_reason = models.CharField("motif de l'absence d'information", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "information de la personne"
        verbose_name_plural = "informations de la personne"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(informed_on__isnull=False, not_informed_reason="")
                    & ~models.Q(channel="")
                    & ~models.Q(adhesion="")
                )
                | (
                    models.Q(informed_on__isnull=True, channel="", adhesion="")
                    & ~models.Q(not_informed_reason="")
                ),
                name="information_informed_or_reason",
            )
        ]

    def __str__(self) -> str:
        if self.informed_on:
            return f"{self.get_addressee_display()} informé(s) le {self.informed_on:%d/%m/%Y}"
        return f"{self.get_addressee_display()} non informé(s) : {self.not_informed_reason}"
