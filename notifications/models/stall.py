"""Stall flags: one open row per (case, rule) while the case is stalled.

A flag is opened by the scan when a rule's deadline has passed, escalates
(reminder → coordinator alert → proposed for the cell's next séance) while it
stays open, and is closed (`cleared_at`) when the activity resumes. Closed
flags are kept: they are the history of delays, with no nominative data.
"""

from django.db import models


class StallLevel(models.IntegerChoices):
    RELANCE = 1, "Relance du responsable"
    ALERTE = 2, "Alerte au coordonnateur"
    SEANCE = 3, "Proposée à l'ordre du jour de la prochaine séance"


class StallFlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(cleared_at__isnull=True)


class StallFlag(models.Model):
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="stall_flags")
    # A code of notifications.rules.RULES (kept as a plain string so that a rule
    # can be retired without a migration).
    rule = models.CharField("motif de blocage", max_length=40)
    since = models.DateField("bloquée depuis le", help_text="Date à laquelle le délai a expiré.")
    level = models.PositiveSmallIntegerField(
        "niveau d'escalade", choices=StallLevel.choices, default=StallLevel.RELANCE
    )
    escalated_on = models.DateField("niveau atteint le")
    # Highest level whose notifications were created (the scan catches up to `level`).
    notified_level = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField("levée le", null=True, blank=True)

    objects = StallFlagQuerySet.as_manager()

    class Meta:
        verbose_name = "blocage"
        ordering = ["since", "id"]
        constraints = [
            # One open flag per case and rule, whatever the number of scans or workers.
            models.UniqueConstraint(
                fields=["case", "rule"],
                condition=models.Q(cleared_at__isnull=True),
                name="uniq_open_stall_flag",
            )
        ]
        indexes = [
            models.Index(fields=["rule", "cleared_at"]),
            models.Index(fields=["case", "cleared_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} – {self.rule} depuis le {self.since:%d/%m/%Y}"

    @property
    def rule_label(self) -> str:
        from notifications.rules import rule_label

        return rule_label(self.rule)


class ScanState(models.Model):
    """Singleton row: locked for the duration of a scan, and its last outcome.

    The cache lock keeps beat runs from overlapping; this row lock makes two
    scans that still meet (a stale cache, a manual run) run one after the other.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "état de la détection"

    def __str__(self) -> str:
        return f"Détection des blocages – {self.last_finished_at or 'jamais'}"
