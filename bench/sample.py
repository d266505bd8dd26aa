"""The sample: real cases driven through the real parcours by the product's services.

In every partnership, one case per archetype is signalled with
`workflows.services.case_signal_and_start` and moved on with
`workflows.services.task_complete` (the same path as the task screens) and
`casework.services.referents.contact_record`. These cases are the templates
the volume is cloned from (bench.clone), so every bulk row is a copy of a row
the services wrote: journal entries, grants, designations, pending steps,
viewflow processes and tasks.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from viewflow.workflow.status import STATUS

from bench.world import PartnershipPeople
from casework.models import Case, Institution, PersonInformation
from casework.models.codes import Motif, PlanMeasure, Profil
from casework.services import retention
from casework.services.cases import YouthIdentity
from casework.services.information import information_record, missing_information
from casework.services.referents import contact_record
from workflows.models import CaseTask
from workflows.services import case_signal_and_start, task_complete

# Days from the signalement to each step of a template (all in the past).
SPAN = 130
DECIDED, DESIGNATED, ACCEPTED, CONTACTS, PRESENTED, EXAMINED = 10, 14, 18, (24, 45, 70), 100, 110

# The parcours types; archive and purge are closed cases moved on by the
# retention services (casework.services.retention).
ARCHETYPES = (
    "signale",
    "rappel_en_cours",
    "referent_suivi",
    "recidive_suivi",
    "bilan",
    "classe",
    "clos_objectifs",
    "multi_clos",
    "archive",
    "purge",
)


@dataclass(frozen=True)
class Template:
    archetype: str
    case_id: int
    partnership_id: int
    cell_id: int
    # Users of the template, by role, so that clones can swap in their own.
    coordinator_id: int
    member_id: int
    referent_id: int | None
    recidive_referent_id: int | None


def _open_tasks(case) -> dict:
    tasks = CaseTask.objects.filter(
        process__caseprocess__case=case, flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    return {task.flow_task.name: task for task in tasks}


def _do(case, node: str, user, **data) -> None:
    task_complete(task=_open_tasks(case)[node], user=user, data=data)


def build_template(archetype: str, group: PartnershipPeople, n: int) -> Template:
    today = timezone.localdate()
    signaled_on = today - timedelta(days=SPAN)
    cell = group.cells[0]
    member = next(
        u for u in group.members[cell.pk] if u.institution.kind == Institution.Kind.EDUCATION_NATIONALE
    )
    coordinator = group.coordinators[0]
    referent = next(
        u for u in group.referents if u.institution.kind == Institution.Kind.PREVENTION_SPECIALISEE
    )
    recidive = group.recidive_referents[0]
    case = case_signal_and_start(
        cell=cell,
        identity=YouthIdentity(
            first_name="Modèle",
            last_name=f"{archetype}-{group.partnership.code}-{n}",
            birth_date=date(signaled_on.year - 16, 5, 17),
            sex="M",
            commune_id=cell.communes.first().pk,
        ),
        source_institution=member.institution,
        motifs=[Motif.ABSENTEISME, Motif.INCIVILITES],
        profil=Profil.DECROCHEUR,
        plan_measure=PlanMeasure.M2,
        signaled_on=signaled_on,
        by=member,
    )

    def day(offset: int) -> date:
        return signaled_on + timedelta(days=offset)

    def orient(*orientations: str) -> None:
        _do(
            case,
            "examen",
            coordinator,
            kind="orientation",
            orientations=list(orientations),
            decided_on=day(DECIDED),
        )

    def follow(kind_suffix: str, who) -> None:
        _do(case, f"designate{kind_suffix}", coordinator, referent=who, designated_on=day(DESIGNATED))
        for addressee in missing_information(case, day(DESIGNATED)):  # the gate before acceptance
            information_record(
                case=case,
                addressee=addressee,
                informed_on=day(DESIGNATED),
                channel=PersonInformation.Channel.ENTRETIEN,
                adhesion=PersonInformation.Adhesion.ADHERE,
                by=who,
            )
        _do(case, f"accept{kind_suffix}", who, accepted_on=day(ACCEPTED))
        for offset in CONTACTS:
            contact_record(
                case=case,
                by=who,
                occurred_on=day(offset),
                contact_type="entretien_jeune",
                domain="scolarite",
                adhesion="bonne",
            )

    def bilan(kind_suffix: str, who, recommendation: str) -> None:
        _do(
            case,
            f"followup{kind_suffix}",
            who,
            period_start=day(ACCEPTED),
            period_end=day(PRESENTED),
            adhesion="bonne",
            situation="formation",
            new_facts=False,
            recommendation=recommendation,
            presented_on=day(PRESENTED),
            text="",
        )

    def close() -> None:
        _do(
            case,
            "examen_bilan",
            coordinator,
            outcome="clore",
            examined_on=day(EXAMINED),
            closure_reason="objectifs_atteints",
            next_due_on=None,
        )

    if archetype == "classe":
        _do(
            case,
            "examen",
            coordinator,
            kind="classement",
            classement_reason="droit_commun",
            decided_on=day(DECIDED),
        )
    elif archetype == "rappel_en_cours":
        orient("rappel_ordre")
    elif archetype == "referent_suivi":
        orient("referent")
        follow("", referent)
    elif archetype == "recidive_suivi":
        orient("recidive")
        follow("_recidive", recidive)
    elif archetype == "bilan":
        orient("referent")
        follow("", referent)
        bilan("", referent, "clore")
    elif archetype in ("clos_objectifs", "archive"):
        orient("referent")
        follow("", referent)
        bilan("", referent, "clore")
        close()
        if archetype == "archive":
            retention.case_archive(case=case, today=today)
    elif archetype in ("multi_clos", "purge"):
        orient("rappel_ordre", "cddf", "referent")
        _do(
            case,
            "rappel",
            coordinator,
            outcome="realise",
            held_on=day(DESIGNATED),
            elu="Adjointe au maire",
            parents_present=True,
            covered_by_protocol=True,
        )
        _do(
            case,
            "cddf",
            coordinator,
            saisine_on=day(DESIGNATED),
            hearing_on=day(ACCEPTED),
            accompagnement="accepte",
        )
        follow("", referent)
        bilan("", referent, "clore")
        close()
        if archetype == "purge":
            retention.case_archive(case=case, today=today)
            retention.case_purge(case=case, reason=retention.PurgeReason.THREE_YEARS, today=today)
    case.refresh_from_db()
    expected = {
        "signale": Case.Status.SIGNALE,
        "rappel_en_cours": Case.Status.ORIENTE,
        "referent_suivi": Case.Status.ORIENTE,
        "recidive_suivi": Case.Status.ORIENTE,
        "bilan": Case.Status.BILAN,
        "classe": Case.Status.CLOS,
        "clos_objectifs": Case.Status.CLOS,
        "multi_clos": Case.Status.CLOS,
        "archive": Case.Status.ARCHIVE,
        "purge": Case.Status.PURGE,
    }[archetype]
    assert case.status == expected, f"{archetype}: {case.status} != {expected}"
    return Template(
        archetype=archetype,
        case_id=case.pk,
        partnership_id=group.partnership.pk,
        cell_id=cell.pk,
        coordinator_id=coordinator.pk,
        member_id=member.pk,
        referent_id=referent.pk,
        recidive_referent_id=recidive.pk,
    )


def build_templates(group: PartnershipPeople) -> list[Template]:
    return [build_template(archetype, group, n) for n, archetype in enumerate(ARCHETYPES)]
