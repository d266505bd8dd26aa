"""Load the fictional demo world, idempotently. Refuses to run when DEBUG is off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casework.demo import DEMO_PASSWORD, seed_demo_world


class Command(BaseCommand):
    help = "Crée (ou complète) les données fictives de démonstration."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuse de s'exécuter quand DEBUG est désactivé : "
                "ces comptes ont un mot de passe connu."
            )
        accounts = seed_demo_world()
        self.stdout.write(f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        for username, description in accounts:
            self.stdout.write(f"  {username:<18} {description}")
