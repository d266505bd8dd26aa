"""Demo: charter v2 of the CLSPD d'Arras, disclosures, the "Administrateurs" group.

Called at the end of `casework.demo.seed_demo_world`, after the cases exist.
Idempotent. Everything goes through the permissions services; past
disclosures are replayed with `decided_on` so that some are expired today.
"""

from datetime import timedelta

from django.utils import timezone

from casework.models import Case, Membership, User
from permissions.charter import charter_adopt, charter_sign
from permissions.disclosures import disclosure_create
from permissions.models import Disclosure
from permissions.services import administrators_group, current_charter

CHARTER_V2_TEXT = (
    "Charte de confidentialité de la cellule de veille – version 2 (démonstration).\n\n"
    "1. Les membres ne partagent que les informations strictement nécessaires au suivi des jeunes "
    "inscrits à l'ordre du jour.\n"
    "2. Les faits et informations confidentiels échangés ne peuvent être communiqués à des tiers "
    "(article L132-5 du code de la sécurité intérieure).\n"
    "3. Aucune situation nominative n'est évoquée en séance plénière du CLSPD.\n"
    "4. Aucune information relevant du secret professionnel (article 226-13 du code pénal), ni "
    "aucune donnée de santé, n'est consignée.\n"
    "5. Tout accès aux dossiers est journalisé ; un manquement entraîne l'exclusion de la cellule."
)
UNSIGNED = "nonsigne.arras"


def seed_charter_v2(partnership, *, coordinator: User) -> None:
    """Version 2 for `partnership`, signed by every current member except `nonsigne.arras`."""
    charter = current_charter(partnership)
    if charter is None or charter.version < 2:
        charter = charter_adopt(partnership=partnership, text=CHARTER_V2_TEXT, by=coordinator)
    members = User.objects.filter(
        pk__in=Membership.objects.current().filter(partnership=partnership).values("user_id")
    ).exclude(username=UNSIGNED)
    for user in members:
        if not charter.signatures.filter(user=user).exists():
            charter_sign(user=user, charter=charter)


def seed_disclosures(partnership, *, coordinator: User, institutions: dict) -> None:
    """An active and an expired disclosure to each of the parquet and the PJJ, on open cases.

    The PJJ's are on cases of the "quartiers ouest" cell, where the demo PJJ
    educator is neither a member nor the référent: what they see there comes
    from the disclosure alone.
    """
    open_cases = Case.objects.filter(partnership=partnership, status__in=Case.OPEN_STATUSES).order_by(
        "reference"
    )
    pjj_cases = list(
        open_cases.filter(cell__name="Arras – quartiers ouest")
        .exclude(designations__referent__institution=institutions["pjj"])
        .distinct()[:2]
    )
    parquet_cases = list(open_cases.exclude(pk__in=[c.pk for c in pjj_cases])[:2])
    long_ago = timezone.localdate() - timedelta(days=270)
    plans = [
        (parquet_cases, "parquet_arras", "Protocole parquet–commune : suivi du rappel à l'ordre", 0, {}),
        (pjj_cases, "pjj", "Articulation avec la mesure éducative en cours", 0, {}),
        (
            parquet_cases,
            "parquet_arras",
            "Information du parquet avant l'audience",
            1,
            {"decided_on": long_ago, "starts_on": long_ago, "ends_on": long_ago + timedelta(days=120)},
        ),
        (
            pjj_cases,
            "pjj",
            "Préparation de la sortie de mesure",
            1,
            {"decided_on": long_ago, "starts_on": long_ago, "ends_on": long_ago + timedelta(days=180)},
        ),
    ]
    for cases, key, reason, index, dates in plans:
        if len(cases) <= index:
            continue  # fewer demo cases than planned: seed what exists
        case, institution = cases[index], institutions[key]
        if not Disclosure.objects.filter(case=case, institution=institution).exists():
            disclosure_create(case=case, institution=institution, reason=reason, by=coordinator, **dates)


def seed_permissions_demo(*, partnerships: dict, coordinators: dict, institutions: dict, admin: User) -> None:
    seed_disclosures(partnerships["arras"], coordinator=coordinators["arras"], institutions=institutions)
    # After the disclosures: the coordinator must hold a current signature to share.
    seed_charter_v2(partnerships["arras"], coordinator=coordinators["arras"])
    admin.groups.add(administrators_group())
