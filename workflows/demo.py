"""Demo parcours: ≥40 fictional youths at every step and branch of CaseFlow.

Driven through the real services and flow (signalement, tasks completed by
the demo accounts, timers fired), so the demo data is what production would
hold. Every name is invented. Idempotent: a youth already present is skipped.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from viewflow.workflow.timers import fire_due_timers

from casework.models import PersonInformation, Youth
from casework.models.codes import Motif, PlanMeasure, Profil
from casework.services.cases import YouthIdentity
from casework.services.information import information_record, missing_information
from workflows.models import CaseTask
from workflows.services import case_signal_and_start, task_complete

FIRST_NAMES = [
    "Lucas",
    "Emma",
    "Nathan",
    "Léa",
    "Hugo",
    "Chloé",
    "Enzo",
    "Manon",
    "Théo",
    "Camille",
    "Yanis",
    "Inès",
    "Noah",
    "Jade",
    "Rayan",
    "Lina",
    "Mathis",
    "Sarah",
    "Tom",
    "Zoé",
    "Adam",
    "Louna",
    "Kylian",
    "Maëlys",
    "Bilal",
    "Anaïs",
    "Evan",
    "Nour",
    "Sacha",
    "Clara",
    "Ilyes",
    "Julie",
    "Maxime",
    "Yasmine",
    "Dylan",
    "Océane",
    "Kenzo",
    "Laura",
    "Axel",
    "Elsa",
    "Samy",
    "Lou",
    "Alexis",
    "Naïla",
]
LAST_NAMES = [
    "Fictif",
    "Exemple",
    "Démo",
    "Modèle",
    "Essai",
    "Prototype",
    "Maquette",
    "Brouillon",
    "Esquisse",
    "Ébauche",
    "Spécimen",
    "Témoin",
]

# Where each demo parcours stops. The order of steps is the flow's.
STAGES = [
    "signale",
    "signale_late",
    "classe",
    "rappel",
    "rappel_done",
    "cddf",
    "designate",
    "accept",
    "followup",
    "followup_late",
    "recidive",
    "examen_bilan",
    "prolonge",
    "clos",
    "reoriente",
]


@dataclass(frozen=True)
class DemoYouth:
    cell: str
    index: int
    stage: str
    age: int
    days_ago: int


def _plan() -> list[DemoYouth]:
    """44 youths: every stage in "Arras – centre", a spread in the two other cells."""
    plan = []
    index = 0
    for repeat in range(2):
        for stage in STAGES:
            if repeat and stage == "recidive":
                stage = "followup"  # pjj.arras follows exactly one récidive case
            plan.append(DemoYouth("Arras – centre", index, stage, 13 + (index * 3) % 12, 40 + 7 * repeat))
            index += 1
    for stage in ("signale", "classe", "rappel_done", "followup", "examen_bilan", "clos", "designate"):
        plan.append(DemoYouth("Arras – quartiers ouest", index, stage, 14 + index % 10, 50))
        index += 1
    # Lens-Liévin has no référent account in the demo: no référent branch there.
    for stage in ("signale", "signale_late", "classe", "cddf", "rappel", "rappel_done", "classe"):
        plan.append(DemoYouth("Lens-Liévin", index, stage, 12 + index % 13, 45))
        index += 1
    return plan


def _task(case, name):
    tasks = CaseTask.objects.filter(
        process__caseprocess__case=case, flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"]
    )
    return next(task for task in tasks if task.flow_task.name == name)


def _do(case, name, user, **data):
    task_complete(task=_task(case, name), user=user, data=data)


def _inform(case, user, on):
    for addressee in missing_information(case, on):
        information_record(
            case=case,
            addressee=addressee,
            informed_on=on,
            channel=PersonInformation.Channel.ENTRETIEN,
            adhesion=PersonInformation.Adhesion.ADHERE,
            by=user,
        )


BILAN = {
    "adhesion": "bonne",
    "situation": "formation",
    "new_facts": False,
    "recommendation": "clore",
    "text": "",
}


def _referent_path(case, users, start: date, *, until: str, recidive: bool = False):
    """designate → accept → bilan → examen du bilan, stopping at `until`; dated
    from `start`, the cell's decision (a designation cannot precede it)."""
    coord = users["coord"]
    referent = users["pjj"] if recidive else users["referent"]
    suffix = "_recidive" if recidive else ""
    _do(case, f"designate{suffix}", coord, referent=referent, designated_on=start + timedelta(days=2))
    if until == "accept":
        return
    _inform(case, referent, start + timedelta(days=4))
    _do(case, f"accept{suffix}", referent, accepted_on=start + timedelta(days=5))
    if until == "followup":
        return
    today = timezone.localdate()
    _do(
        case,
        f"followup{suffix}",
        referent,
        period_start=start + timedelta(days=5),
        period_end=today,
        presented_on=today,
        **BILAN,
    )


def _run(case, youth: DemoYouth, users):
    coord = users["coord"]
    today = timezone.localdate()
    start = case.signaled_on
    decided = start + timedelta(days=7)
    stage = youth.stage
    if stage in ("signale", "signale_late"):
        return
    if stage == "classe":
        _do(case, "examen", coord, kind="classement", classement_reason="droit_commun", decided_on=decided)
        return
    orientation = {
        "rappel": ["rappel_ordre"],
        "rappel_done": ["rappel_ordre"],
        "cddf": ["cddf"],
        "recidive": ["recidive"],
    }.get(stage, ["referent"])
    if stage in ("examen_bilan", "clos") and youth.index % 2:
        orientation = ["rappel_ordre", "referent"]  # parallel branches
    _do(case, "examen", coord, kind="orientation", orientations=orientation, decided_on=decided)
    if "rappel_ordre" in orientation and stage != "rappel":
        _do(
            case,
            "rappel",
            coord,
            outcome="realise",
            held_on=decided + timedelta(days=10),
            elu="Adjoint au maire délégué à la prévention",
            parents_present=True,
            covered_by_protocol=True,
        )
    if stage in ("rappel", "rappel_done", "cddf"):
        return
    if stage == "recidive":
        _referent_path(case, users, decided, until="followup", recidive=True)
        return
    until = {
        "designate": "designate",
        "accept": "accept",
        "followup": "followup",
        "followup_late": "followup",
    }
    if stage == "designate":
        return
    _referent_path(case, users, decided, until=until.get(stage, "bilan"))
    if stage in ("accept", "followup", "followup_late", "examen_bilan"):
        return
    if stage == "clos":
        _do(
            case,
            "examen_bilan",
            coord,
            outcome="clore",
            closure_reason="objectifs_atteints",
            examined_on=today,
        )
    elif stage == "prolonge":
        _do(
            case,
            "examen_bilan",
            coord,
            outcome="prolonger",
            next_due_on=today + timedelta(days=90),
            examined_on=today,
        )
    elif stage == "reoriente":
        _do(case, "examen_bilan", coord, outcome="reorienter", examined_on=today)


def seed_demo_cases(*, users: dict, cells: dict, institutions: dict) -> int:
    """Create the demo parcours; return how many youths were added (0 on a second run).

    `users`: {"member", "coord", "referent", "pjj"} for Arras, {"member_lens",
    "coord_lens"} for Lens-Liévin (the Lens cases are driven by its coordinator).
    """
    today = timezone.localdate()
    added = 0
    for youth in _plan():
        first = FIRST_NAMES[youth.index % len(FIRST_NAMES)]
        last = LAST_NAMES[youth.index % len(LAST_NAMES)]
        birth = date(today.year - youth.age, 1 + youth.index % 12, 1 + youth.index % 27)
        if Youth.objects.filter(first_name=first, last_name=last, birth_date=birth).exists():
            continue
        cell = cells[youth.cell]
        lens = youth.cell == "Lens-Liévin"
        # Late stages started long enough ago for their step to be overdue.
        days_ago = {"signale_late": 45, "followup_late": 220}.get(youth.stage, youth.days_ago)
        if youth.stage == "signale":
            days_ago = 5 + youth.index % 10
        case = case_signal_and_start(
            cell=cell,
            identity=YouthIdentity(
                first_name=first,
                last_name=last,
                birth_date=birth,
                sex="F" if youth.index % 2 else "M",
                commune_id=cell.communes.order_by("name")[youth.index % cell.communes.count()].pk,
            ),
            source_institution=institutions["college" if youth.index % 3 else "police"],
            motifs=[list(Motif.values)[youth.index % len(Motif.values)]],
            profil=list(Profil.values)[youth.index % len(Profil.values)],
            plan_measure=PlanMeasure.M3 if youth.stage == "recidive" else PlanMeasure.M2,
            signaled_on=today - timedelta(days=days_ago),
            by=users["coord_lens" if lens else "member"],
        )
        role = {"coord": users["coord_lens"]} if lens else {}
        _run(case, youth, {**users, **role})
        added += 1
    fire_due_timers()  # flag what is already overdue
    return added
