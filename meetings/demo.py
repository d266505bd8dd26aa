"""Demo séances of "Arras – centre": one past séance, held and closed, with its
decisions, and one upcoming séance with its proposed agenda.

Driven through the real services (and so through the parcours tasks), with
three fictional youths of its own so that the other demo parcours keep their
stage. Idempotent: nothing is added when the cell already has séances.
"""

from datetime import date, time, timedelta

from django.utils import timezone

from casework.models.codes import Motif, PlanMeasure, Profil
from casework.services.cases import YouthIdentity
from meetings import services
from meetings.models import Seance
from workflows.services import case_signal_and_start

PLACE = "Mairie d'Arras – salle des commissions"
# (first name, last name, age, motif, profil): every name is invented.
YOUTHS = [
    ("Timéo", "Fictif-Séance", 14, Motif.ABSENTEISME, Profil.DECROCHEUR),
    ("Rose", "Exemple-Séance", 16, Motif.INCIVILITES, Profil.PRIMO),
    ("Malo", "Démo-Séance", 15, Motif.GROUPE, Profil.PRIMO),
]


def seed_demo_seances(*, users: dict, cells: dict, institutions: dict) -> int:
    """Create the two demo séances; return how many were added (0 on a second run).

    `users`: {"coord", "member", "referent", "pjj"} of the CLSPD d'Arras.
    """
    cell = cells["Arras – centre"]
    if Seance.objects.filter(cell=cell).exists():
        return 0
    coord = users["coord"]
    today = timezone.localdate()
    cases = [
        case_signal_and_start(
            cell=cell,
            identity=YouthIdentity(
                first_name=first,
                last_name=last,
                birth_date=date(today.year - age, 6, 15),
                sex="F" if first == "Rose" else "M",
                commune_id=cell.communes.first().pk,
            ),
            source_institution=institutions["college"],
            motifs=[motif],
            profil=profil,
            plan_measure=PlanMeasure.M2,
            signaled_on=today - timedelta(days=30),
            by=users["member"],
        )
        for first, last, age, motif, profil in YOUTHS
    ]
    invitees = [users["member"], users["referent"], users["pjj"]]

    past = services.seance_plan(cell=cell, starts_at=_at(today - timedelta(days=14)), place=PLACE, by=coord)
    for case in cases:
        services.agenda_item_add(seance=past, case=case, by=coord)
    services.seance_invite(seance=past, users=invitees, by=coord)
    for user in invitees:
        services.attendance_record(seance=past, user=user, present=user != users["pjj"], by=coord)
    oriented, filed, postponed = past.items.order_by("position")
    services.agenda_item_decide(
        item=oriented,
        data={
            "kind": "orientation",
            "orientations": ["rappel_ordre"],
            "pilot_institution": institutions["mairie_arras"],
        },
        by=coord,
    )
    services.agenda_item_decide(
        item=filed, data={"kind": "classement", "classement_reason": "droit_commun"}, by=coord
    )
    services.agenda_item_postpone(item=postponed, by=coord)
    services.seance_close(seance=past, by=coord)

    upcoming = services.seance_plan(
        cell=cell, starts_at=_at(today + timedelta(days=7)), place=PLACE, by=coord
    )
    services.agenda_propose(seance=upcoming, by=coord)
    services.seance_invite(seance=upcoming, users=invitees, by=coord)
    return 2


def _at(day: date):
    return services.seance_starts_at(day, time(17, 30))
