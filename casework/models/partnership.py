"""Partnerships (CLSPD/CISPD, the tenant and data controller), their cells,
the institutions that sit in them, and the memberships that tie users to them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Partnership(models.Model):
    """A CLSPD or CISPD: the tenant. No youth record is visible across tenants."""

    class Kind(models.TextChoices):
        CLSPD = "clspd", "CLSPD"
        CISPD = "cispd", "CISPD"

    kind = models.CharField("type", max_length=5, choices=Kind.choices)
    name = models.CharField("nom", max_length=150, unique=True)
    code = models.SlugField(
        "code", max_length=10, unique=True, help_text="Préfixe des références de dossier (ex. ARR)."
    )
    communes = models.ManyToManyField(
        "casework.Commune", related_name="partnerships", verbose_name="communes"
    )
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "partenariat (CLSPD/CISPD)"
        verbose_name_plural = "partenariats (CLSPD/CISPD)"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StepDeadline(models.Model):
    """A partnership's override of one step deadline (defaults in settings)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField("étape", max_length=40)
    days = models.PositiveIntegerField("délai (jours)")

    class Meta:
        verbose_name = "délai d'étape"
        verbose_name_plural = "délais d'étape"
        constraints = [models.UniqueConstraint(fields=["partnership", "step"], name="uniq_step_deadline")]

    def __str__(self) -> str:
        return f"{self.partnership} – {self.step} : {self.days} j"


class Cell(models.Model):
    """A cellule de veille: belongs to one partnership, covers some communes."""

    class Kind(models.TextChoices):
        COMMUNALE = "communale", "Communale"
        INTERCOMMUNALE = "intercommunale", "Intercommunale"
        QUARTIER = "quartier", "Quartier"
        ZSP = "zsp", "Cellule de coordination opérationnelle (ZSP)"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="cells")
    name = models.CharField("nom", max_length=150)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    communes = models.ManyToManyField("casework.Commune", related_name="cells", verbose_name="communes")
    strict_need_to_know = models.BooleanField(
        "besoin d'en connaître strict",
        default=False,
        help_text="Un membre ne voit que les situations inscrites aux séances où il est convoqué.",
    )
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "cellule de veille"
        verbose_name_plural = "cellules de veille"
        ordering = ["partnership__name", "name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="uniq_cell_name")]

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    class Kind(models.TextChoices):
        EDUCATION_NATIONALE = "education_nationale", "Éducation nationale"
        CONSEIL_DEPARTEMENTAL = "conseil_departemental", "Conseil départemental / ASE"
        PREVENTION_SPECIALISEE = "prevention_specialisee", "Prévention spécialisée"
        PJJ = "pjj", "Protection judiciaire de la jeunesse"
        SPIP = "spip", "SPIP"
        POLICE_NATIONALE = "police_nationale", "Police nationale"
        GENDARMERIE = "gendarmerie", "Gendarmerie"
        POLICE_MUNICIPALE = "police_municipale", "Police municipale"
        MISSION_LOCALE = "mission_locale", "Mission locale"
        BAILLEUR = "bailleur", "Bailleur social"
        ASSOCIATION = "association", "Association"
        MAIRIE = "mairie", "Mairie"
        PARQUET = "parquet", "Parquet"
        PREFECTURE = "prefecture", "Préfecture"

    # Institutions whose agents may be named référent de parcours.
    REFERENT_KINDS = frozenset(
        {
            Kind.CONSEIL_DEPARTEMENTAL,
            Kind.PREVENTION_SPECIALISEE,
            Kind.PJJ,
            Kind.SPIP,
            Kind.MISSION_LOCALE,
            Kind.ASSOCIATION,
            Kind.MAIRIE,
            Kind.EDUCATION_NATIONALE,
        }
    )
    # Natural référents for récidive prevention (domain.md §1, [S3]).
    RECIDIVE_KINDS = frozenset({Kind.PJJ, Kind.SPIP})
    # Institutions a coordinator may share a scoped summary with.
    DISCLOSABLE_KINDS = frozenset({Kind.PARQUET, Kind.PJJ, Kind.SPIP})

    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    departement = models.ForeignKey(
        "casework.Departement",
        on_delete=models.PROTECT,
        related_name="institutions",
        null=True,
        blank=True,
    )
    tribunal = models.ForeignKey(
        "casework.TribunalJudiciaire",
        on_delete=models.PROTECT,
        related_name="institutions",
        null=True,
        blank=True,
        help_text="Pour un parquet : son tribunal judiciaire.",
    )

    class Meta:
        verbose_name = "institution"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


SEAT_ALREADY_OPEN = (
    "Ce siège est déjà ouvert à ce membre : mettez fin à sa participation avant d'en ouvrir une autre."
)


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on)
        )


class Membership(models.Model):
    """A user's seat in a partnership: coordinator (partnership-wide) or cell member.

    A coordinator membership has no cell; a member's membership names its cell.
    Ending a membership (ended_on) removes its access at once.
    """

    class Role(models.TextChoices):
        COORDONNATEUR = "coordonnateur", "Coordonnateur"
        MAIRE_PRESIDENT = "maire_president", "Maire / président"
        MEMBRE = "membre", "Membre de la cellule"
        # Reads access logs, purge reports and break-the-glass reviews; no case data.
        DPO = "dpo", "Délégué à la protection des données"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="memberships")
    cell = models.ForeignKey(
        Cell, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    started_on = models.DateField("début", default=timezone.localdate)
    ended_on = models.DateField("fin", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "membre"
        ordering = ["partnership__name", "cell__name", "user__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="membre", cell__isnull=False) | ~models.Q(role="membre"),
                name="member_has_cell",
            ),
            # One open seat per user, partnership, role and cell, so that
            # ending a seat ends the access it opened (permissions.charter.
            # membership_start). Two partial constraints rather than one with
            # nulls_distinct=False: partnership-wide seats have no cell, and
            # SQLite (make run) has no NULLS NOT DISTINCT.
            models.UniqueConstraint(
                fields=["user", "partnership", "role", "cell"],
                condition=models.Q(ended_on__isnull=True, cell__isnull=False),
                name="uniq_open_cell_membership",
                violation_error_message=SEAT_ALREADY_OPEN,
            ),
            models.UniqueConstraint(
                fields=["user", "partnership", "role"],
                condition=models.Q(ended_on__isnull=True, cell__isnull=True),
                name="uniq_open_partnership_membership",
                violation_error_message=SEAT_ALREADY_OPEN,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.cell or self.partnership}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on > today)
