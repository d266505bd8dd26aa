"""What the cell decides and the measures it orders (domain.md §3)."""

from django.conf import settings
from django.db import models

from casework.models.codes import ClassementReason, Orientation


class Decision(models.Model):
    """The outcome of an examen en cellule: classement or one or more orientations."""

    class Kind(models.TextChoices):
        ORIENTATION = "orientation", "Orientation"
        CLASSEMENT = "classement", "Classement"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField("décision", max_length=20, choices=Kind.choices)
    orientations = models.JSONField("orientations", default=list, blank=True)
    classement_reason = models.CharField(
        "motif du classement", max_length=20, choices=ClassementReason.choices, blank=True
    )
    pilot_institution = models.ForeignKey(
        "casework.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="institution pilote",
    )
    decided_on = models.DateField("date de la décision")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "décision d'examen"
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_kind_display()}"

    def orientation_labels(self) -> list[str]:
        return [Orientation(code).label for code in self.orientations]


class MeasureStatus(models.TextChoices):
    EN_COURS = "en_cours", "En cours"
    TERMINEE = "terminee", "Terminée"
    ABANDONNEE = "abandonnee", "Abandonnée"


class RappelALOrdre(models.Model):
    class Outcome(models.TextChoices):
        REALISE = "realise", "Réalisé"
        NON_PRESENTE = "non_presente", "Non présenté"
        ABANDONNE = "abandonne", "Abandonné"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="rappels")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.EN_COURS)
    covered_by_protocol = models.BooleanField("couvert par le protocole parquet–commune", default=False)
    planned_on = models.DateField("date prévue", null=True, blank=True)
    held_on = models.DateField("date de tenue", null=True, blank=True)
    elu = models.CharField("élu qui le prononce", max_length=150, blank=True)
    parents_present = models.BooleanField("parents ou représentant légal présents", null=True, blank=True)
    parents_absence_reason = models.CharField("motif de l'absence des parents", max_length=200, blank=True)
    outcome = models.CharField("issue", max_length=15, choices=Outcome.choices, blank=True)
    opened_on = models.DateField("ouvert le")

    class Meta:
        verbose_name = "rappel à l'ordre"
        verbose_name_plural = "rappels à l'ordre"

    def __str__(self) -> str:
        return f"Rappel à l'ordre – {self.case}"


class CddfReferral(models.Model):
    class Accompagnement(models.TextChoices):
        NON_PROPOSE = "non_propose", "Non proposé"
        PROPOSE = "propose", "Proposé"
        ACCEPTE = "accepte", "Accepté"
        REFUSE = "refuse", "Refusé"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="cddf_referrals")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.EN_COURS)
    saisine_on = models.DateField("date de saisine", null=True, blank=True)
    hearing_on = models.DateField("date d'audition de la famille", null=True, blank=True)
    recommendations = models.BooleanField("recommandations faites", null=True, blank=True)
    accompagnement = models.CharField(
        "accompagnement parental",
        max_length=12,
        choices=Accompagnement.choices,
        default=Accompagnement.NON_PROPOSE,
    )
    attestation_on = models.DateField("attestation remise le", null=True, blank=True)
    aesf_proposed = models.BooleanField("saisine du PCD proposée (AESF)", default=False)
    opened_on = models.DateField("ouvert le")

    class Meta:
        verbose_name = "saisine du CDDF"
        verbose_name_plural = "saisines du CDDF"

    def __str__(self) -> str:
        return f"CDDF – {self.case}"


class ReferentDesignation(models.Model):
    """A référent de parcours (or a PJJ/SPIP référent for récidive prevention)."""

    class Kind(models.TextChoices):
        PARCOURS = "referent", "Référent de parcours"
        RECIDIVE = "recidive", "Prévention de la récidive"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="designations")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.EN_COURS)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations",
    )
    institution = models.ForeignKey(
        "casework.Institution", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    designated_on = models.DateField("désigné le", null=True, blank=True)
    accepted_on = models.DateField("accepté le", null=True, blank=True)
    first_contact_on = models.DateField("premier contact le", null=True, blank=True)
    last_activity_on = models.DateField("dernière activité le", null=True, blank=True)
    next_bilan_due_on = models.DateField("prochain bilan attendu le", null=True, blank=True)
    ended_on = models.DateField("fin", null=True, blank=True)
    opened_on = models.DateField("ouvert le")

    class Meta:
        verbose_name = "désignation de référent"
        verbose_name_plural = "désignations de référent"
        indexes = [models.Index(fields=["referent", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.case}"

    @property
    def is_current(self) -> bool:
        return self.referent_id is not None and self.ended_on is None and self.accepted_on is not None
