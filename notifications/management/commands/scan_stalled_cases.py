"""Run the stall scan now (the same code as the beat task) and print what it did."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.periodic import SKIPPED, run_stall_scan


class Command(BaseCommand):
    help = "Détecte les situations bloquées, escalade et crée les relances (comme la tâche périodique)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Évaluer les règles à cette date (AAAA-MM-JJ), pour une vérification ponctuelle.",
        )

    def handle(self, *args, date=None, **options):
        now = None
        if date:
            try:
                day = datetime.strptime(date, "%Y-%m-%d")
            except ValueError as error:
                raise CommandError("Date attendue au format AAAA-MM-JJ.") from error
            now = timezone.make_aware(day.replace(hour=12))
        result = run_stall_scan(now=now)
        if result == SKIPPED:
            self.stdout.write("Une détection est déjà en cours : rien à faire.")
            return
        for line in result.lines():
            self.stdout.write(line)
