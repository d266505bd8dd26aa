"""Apply the retention rules now: `manage.py purge_expired [--dry-run] [--date AAAA-MM-JJ]`.

The daily Celery beat job (casework.tasks.apply_retention) does the same;
this command is for the coordinator's or the host's checks. Output carries
case references and counts, never a youth's identity.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from casework.locks import single_run
from casework.services.retention import PurgeReason, retention_run
from casework.tasks import RETENTION_LOCK_SECONDS, RETENTION_RUN

KIND_LABELS = {
    "cases_purged": "situations purgées",
    "cases_closed_25_ans": "situations closes à 25 ans",
    "cases_archived": "situations versées en archive",
    "youths": "identités de jeunes supprimées",
    "journal_entries": "entrées de journal supprimées",
    "bilan_texts": "textes de bilan effacés",
    "measure_texts": "textes de mesure effacés",
    "informations": "informations de la personne supprimées",
    "disclosures": "partages supprimés",
    "break_glass": "demandes de bris de glace supprimées",
    "permissions": "habilitations supprimées",
    "access_reasons": "motifs d'accès effacés",
    "cases_deferred": "situations reportées au prochain passage",
    "errors": "erreurs",
}


class Command(BaseCommand):
    help = "Purge les situations arrivées à échéance et verse en archive les situations closes."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Liste sans rien modifier.")
        parser.add_argument("--date", help="Date de référence (AAAA-MM-JJ), aujourd'hui par défaut.")

    def handle(self, *args, dry_run=False, date=None, **options):
        today = self._parse_date(date)
        if dry_run:
            run = retention_run(today=today, dry_run=True)
            self.stdout.write(f"Simulation au {run.today:%d/%m/%Y} : rien n'est modifié.")
            for due in run.to_purge:
                self.stdout.write(f"  à purger      {due.case.reference}  ({PurgeReason.LABELS[due.reason]})")
            for case in run.to_archive:
                self.stdout.write(f"  à archiver    {case.reference}  (close le {case.closed_on:%d/%m/%Y})")
            self.stdout.write(f"{len(run.to_purge)} situation(s) à purger, {len(run.to_archive)} à archiver.")
            return
        # The nightly job's lock: two runs at once would purge the same cases twice.
        with single_run(RETENTION_RUN, timeout=RETENTION_LOCK_SECONDS) as acquired:
            if not acquired:
                raise CommandError(
                    "Une application des règles de conservation est déjà en cours "
                    "(tâche de nuit ou autre commande) : réessayez quand elle sera terminée."
                )
            run = retention_run(today=today)
        total = run.total()
        self.stdout.write(f"Rétention appliquée au {run.today:%d/%m/%Y}.")
        for kind, label in KIND_LABELS.items():
            self.stdout.write(f"  {label} : {total.get(kind, 0)}")
        if total.get("errors"):
            raise CommandError(f"{total['errors']} situation(s) en erreur : voir les journaux.")

    @staticmethod
    def _parse_date(value):
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError("Date attendue au format AAAA-MM-JJ.") from exc
