"""The case (situation): one youth followed by one cell.

Beside the youth FK, the case keeps the non-nominative facts the indicators
need (age at signalement, sex, commune), so that purging the youth's identity
leaves published indicators unchanged.
"""

from django.conf import settings
from django.db import models

from casework.models.codes import ClosureReason, Motif, PlanMeasure, Profil


class Case(models.Model):
    class Status(models.TextChoices):
        SIGNALE = "signale", "Signalé – à examiner"
        ORIENTE = "oriente", "Orienté – mesures en cours"
        BILAN = "bilan", "Bilan à examiner"
        CLOS = "clos", "Clos"
        ARCHIVE = "archive", "Archive intermédiaire"
        PURGE = "purge", "Purgé"

    OPEN_STATUSES = (Status.SIGNALE, Status.ORIENTE, Status.BILAN)

    reference = models.CharField("référence", max_length=20, unique=True, editable=False)
    partnership = models.ForeignKey("casework.Partnership", on_delete=models.PROTECT, related_name="cases")
    cell = models.ForeignKey("casework.Cell", on_delete=models.PROTECT, related_name="cases")
    youth = models.ForeignKey(
        "casework.Youth", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    # Opaque number of the youth (the id of the Youth row of their first
    # signalement in the partnership; each signalement has its own row), kept
    # after a purge: it links one youth's cases for the indicators' "distinct
    # youths" without any identity.
    youth_number = models.BigIntegerField(
        "numéro de jeune (pseudonyme)", null=True, editable=False, db_index=True
    )
    source_institution = models.ForeignKey(
        "casework.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="institution à l'origine",
    )
    signaled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signaled_on = models.DateField("date du signalement")
    profil = models.CharField("profil", max_length=20, choices=Profil.choices)
    plan_measure = models.CharField("mesure du plan", max_length=1, choices=PlanMeasure.choices)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.SIGNALE)

    # Non-nominative facts kept for indicators.
    age_at_signalement = models.PositiveSmallIntegerField("âge au signalement")
    sex = models.CharField("sexe", max_length=1)
    commune = models.ForeignKey("casework.Commune", on_delete=models.PROTECT, related_name="cases")

    examined_on = models.DateField("date du premier examen", null=True, blank=True)
    closed_on = models.DateField("date de clôture", null=True, blank=True)
    closure_reason = models.CharField(
        "motif de clôture", max_length=30, choices=ClosureReason.choices, blank=True
    )
    archived_on = models.DateField("date d'archivage", null=True, blank=True)
    purged_on = models.DateField("date de purge", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "situation"
        ordering = ["-signaled_on", "-id"]
        # Charter verbs, granted per object by permissions services only.
        default_permissions = ()
        permissions = [
            ("view_case_full", "Voir le dossier complet"),
            ("view_case_cell_summary", "Voir la fiche de synthèse de la cellule"),
            ("view_case_scoped_summary", "Voir la synthèse restreinte"),
            # Workflow verbs: who may pick up the coordinator's tasks of the
            # parcours (examen, mesures, désignation, examen du bilan).
            ("coordinate_case", "Coordonner la situation (examen, mesures, bilans)"),
        ]
        indexes = [
            models.Index(fields=["cell", "status"]),
            models.Index(fields=["partnership", "signaled_on"]),
            models.Index(fields=["status", "closed_on"]),
            # The lists join a user's visible case ids (from the grant tables)
            # to the cases to filter on status, sort and count: with these
            # columns in the index, PostgreSQL reads them from it (index-only
            # scan) instead of visiting each case's row. Ignored on SQLite.
            models.Index(fields=["id"], include=["status", "cell", "signaled_on"], name="case_list_cover"),
            # The same, for the open cases only (OPEN_STATUSES, the lists'
            # default filter; a test keeps the two equal): a member's grants
            # name every case of the cell, closed ones included, and each is
            # probed here; in this quarter-size index a probe reads fewer pages
            # (bench/: member list query 6.9 -> 5.3 ms, coordinator 17.4 -> 13.2).
            models.Index(
                fields=["id"],
                include=["status", "cell", "signaled_on"],
                condition=models.Q(status__in=["signale", "oriente", "bilan"]),
                name="case_open_list_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class CaseMotif(models.Model):
    """One coded motif de repérage of a case (a case has one or more)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="motifs")
    code = models.CharField("motif", max_length=20, choices=Motif.choices)

    class Meta:
        verbose_name = "motif de repérage"
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="uniq_case_motif")]

    def __str__(self) -> str:
        return self.get_code_display()


class ReferenceSequence(models.Model):
    """Per partnership and year counter behind ARR-2026-0042 style references."""

    partnership = models.ForeignKey("casework.Partnership", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "year"], name="uniq_ref_seq")]

    def __str__(self) -> str:
        return f"{self.partnership_id}/{self.year}: {self.last_value}"
