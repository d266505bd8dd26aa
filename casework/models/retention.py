"""Retention runs (domain.md §4.9): what the daily job archived and purged.

A report holds counts only, never a youth's name or a case reference, so
that the coordinator and the DPO can read it without seeing what was purged.
"""

from django.db import models


class PurgeReport(models.Model):
    """One run of the retention job for one partnership."""

    partnership = models.ForeignKey(
        "casework.Partnership", on_delete=models.PROTECT, related_name="purge_reports"
    )
    run_at = models.DateTimeField("exécuté le", auto_now_add=True, db_index=True)
    run_on = models.DateField("date de référence")
    # Counts per kind, e.g. {"cases_archived": 2, "cases_purged": 1, "youths": 1, ...}.
    counts = models.JSONField("décomptes", default=dict)

    class Meta:
        verbose_name = "rapport de purge"
        verbose_name_plural = "rapports de purge"
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"Purge du {self.run_at:%d/%m/%Y} – {self.partnership}"
