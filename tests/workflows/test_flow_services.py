"""CaseFlow driven end to end through workflows.services (no HTTP)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from casework.models import Case, PendingStep
from casework.services.errors import ServiceError
from tests.factories import inform_everyone, make_member
from tests.workflows.helpers import active_tasks, journal_kinds, the_task
from workflows.services import task_complete

TODAY = timezone.localdate()


def examen(case, coord, *orientations, **extra):
    data = {"kind": "orientation", "orientations": list(orientations), "decided_on": TODAY, **extra}
    task_complete(task=the_task(case, "examen"), user=coord, data=data)


def designate(case, coord, user, node="designate"):
    task_complete(task=the_task(case, node), user=coord, data={"referent": user, "designated_on": TODAY})


def accept(case, user, node="accept"):
    inform_everyone(case, by=user)
    task_complete(task=the_task(case, node), user=user, data={"accepted_on": TODAY})


BILAN = {
    "period_start": TODAY - timedelta(days=30),
    "period_end": TODAY,
    "adhesion": "bonne",
    "situation": "scolarise",
    "new_facts": False,
    "recommendation": "clore",
    "presented_on": TODAY,
    "text": "",
}


def examen_bilan(case, coord, outcome, **extra):
    data = {"outcome": outcome, "examined_on": TODAY, "closure_reason": "", "next_due_on": None, **extra}
    task_complete(task=the_task(case, "examen_bilan"), user=coord, data=data)


def test_signalement_starts_the_parcours_with_an_examen_task_for_coordinators(signal, coord):
    case = signal(signaled_on=TODAY - timedelta(days=3))
    tasks = active_tasks(case)
    assert list(tasks) == ["examen"]
    task = tasks["examen"]
    assert task.owner is None and task.owner_permission == "casework.coordinate_case"
    assert task.data["due_on"] == (TODAY - timedelta(days=3) + timedelta(days=30)).isoformat()
    assert case.pending_steps.get().step == PendingStep.Step.EXAMEN
    assert journal_kinds(case) == ["signalement"]


def test_classement_closes_the_case_and_ends_the_flow(signal, coord):
    case = signal()
    task_complete(
        task=the_task(case, "examen"),
        user=coord,
        data={"kind": "classement", "classement_reason": "droit_commun", "decided_on": TODAY},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.CLOS and case.closure_reason == "classement"
    assert case.processes.get().status == PROCESS.DONE
    assert active_tasks(case) == {}
    assert journal_kinds(case) == ["signalement", "decision"]
    assert not case.pending_steps.open().exists()


def test_referent_branch_end_to_end(signal, coord, referent, member):
    case = signal()
    examen(case, coord, "referent")
    assert list(active_tasks(case)) == ["designate"]
    designate(case, coord, referent)
    accept_task = the_task(case, "accept")
    assert accept_task.owner == referent  # assigned at once to the designated référent
    accept(case, referent)
    followup = the_task(case, "followup")
    assert followup.owner == referent
    assert followup.data["due_on"] == (TODAY + timedelta(days=183)).isoformat()
    task_complete(task=followup, user=referent, data=BILAN)
    case.refresh_from_db()
    assert case.status == Case.Status.BILAN
    examen_bilan(case, coord, "clore", closure_reason="objectifs_atteints")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOS and case.closure_reason == "objectifs_atteints"
    assert case.processes.get().status == PROCESS.DONE
    assert journal_kinds(case) == [
        "signalement",
        "decision",
        "designation",
        *["information"] * len(case.informations.all()),  # the youth, and parents of a minor
        "acceptance",
        "bilan",
        "status",
        "closure",
    ]
    # The référent lost the full file at closure.
    assert not referent.has_perm("casework.view_case_full", case)


def test_parallel_branches_join_before_the_examen_du_bilan(signal, coord, pjj):
    case = signal(birth_date=date(2008, 1, 1))
    examen(case, coord, "rappel_ordre", "cddf", "recidive")
    assert set(active_tasks(case)) == {"rappel", "cddf", "designate_recidive"}
    task_complete(
        task=the_task(case, "rappel"),
        user=coord,
        data={
            "outcome": "realise",
            "held_on": TODAY,
            "elu": "Adjointe au maire",
            "parents_present": True,
            "covered_by_protocol": True,
        },
    )
    task_complete(
        task=the_task(case, "cddf"),
        user=coord,
        data={"saisine_on": TODAY, "hearing_on": TODAY, "accompagnement": "accepte"},
    )
    assert set(active_tasks(case)) == {"designate_recidive"}
    designate(case, coord, pjj, node="designate_recidive")
    accept(case, pjj, node="accept_recidive")
    task_complete(task=the_task(case, "followup_recidive"), user=pjj, data=BILAN)
    assert list(active_tasks(case)) == ["examen_bilan"]


def test_prolonger_returns_to_follow_up_with_the_new_due_date(signal, coord, referent):
    case = signal()
    examen(case, coord, "referent")
    designate(case, coord, referent)
    accept(case, referent)
    task_complete(task=the_task(case, "followup"), user=referent, data=BILAN)
    new_due = TODAY + timedelta(days=90)
    examen_bilan(case, coord, "prolonger", next_due_on=new_due)
    case.refresh_from_db()
    assert case.status == Case.Status.ORIENTE
    followup = the_task(case, "followup")
    assert followup.owner == referent and followup.data["due_on"] == new_due.isoformat()
    task_complete(task=followup, user=referent, data=BILAN)
    assert list(active_tasks(case)) == ["examen_bilan"]


def test_reorienter_returns_to_examen_and_ends_the_referent_access(signal, coord, referent):
    case = signal()
    examen(case, coord, "referent")
    designate(case, coord, referent)
    accept(case, referent)
    task_complete(task=the_task(case, "followup"), user=referent, data=BILAN)
    examen_bilan(case, coord, "reorienter")
    case.refresh_from_db()
    assert case.status == Case.Status.SIGNALE
    assert list(active_tasks(case)) == ["examen"]
    assert not referent.has_perm("casework.view_case_full", case)
    examen(case, coord, "rappel_ordre")
    assert list(active_tasks(case)) == ["rappel"]


def test_prolonger_without_a_referent_is_refused(signal, coord):
    case = signal(birth_date=date(2004, 1, 1))
    examen(case, coord, "rappel_ordre")
    task_complete(task=the_task(case, "rappel"), user=coord, data={"outcome": "abandonne"})
    with pytest.raises(ServiceError, match="ne peut pas être prolongée"):
        examen_bilan(case, coord, "prolonger", next_due_on=TODAY + timedelta(days=30))
    assert list(active_tasks(case)) == ["examen_bilan"]
    assert the_task(case, "examen_bilan").owner is None  # the refused attempt left nothing behind


def test_only_coordinators_of_the_partnership_may_take_the_examen(signal, member, outsider):
    case = signal()
    for user in (member, outsider):
        with pytest.raises(ServiceError, match="pas habilité"):
            examen(case, user, "referent")
    assert list(active_tasks(case)) == ["examen"]


def test_a_user_not_designated_cannot_accept(signal, coord, referent, pjj):
    case = signal()
    examen(case, coord, "referent")
    designate(case, coord, referent)
    with pytest.raises(ServiceError, match="pas habilité"):
        accept(case, pjj)


def test_a_completed_task_cannot_be_completed_again(signal, coord):
    case = signal()
    task = the_task(case, "examen")
    examen(case, coord, "cddf")
    with pytest.raises(ServiceError, match="déjà été traitée"):
        task_complete(
            task=task, user=coord, data={"kind": "orientation", "orientations": ["cddf"], "decided_on": TODAY}
        )
    assert case.decisions.count() == 1


def decline(case, user, reason="Trop de suivis en cours", node="accept"):
    task_complete(
        task=the_task(case, node), user=user, data={"decision": "refuser", "decline_reason": reason}
    )


@pytest.mark.parametrize(
    ("orientation", "designate_node", "accept_node", "followup_node"),
    [
        ("referent", "designate", "accept", "followup"),
        ("recidive", "designate_recidive", "accept_recidive", "followup_recidive"),
    ],
)
def test_a_declined_designation_goes_back_to_the_coordinators(
    signal, coord, referent, pjj, orientation, designate_node, accept_node, followup_node
):
    case = signal()
    examen(case, coord, orientation)
    first = referent if orientation == "referent" else pjj
    designate(case, coord, first, node=designate_node)
    assert first.has_perm("casework.view_case_full", case)

    decline(case, first, node=accept_node)

    # The measure is again "référent à désigner": a coordinator task in the queue.
    tasks = active_tasks(case)
    assert list(tasks) == [designate_node]
    assert tasks[designate_node].owner is None
    assert case.pending_steps.open().get().step == PendingStep.Step.DESIGNATION
    designation = case.designations.get()
    assert designation.referent is None and designation.designated_on is None
    # The full file given at designation is withdrawn at once.
    assert not type(first).objects.get(pk=first.pk).has_perm("casework.view_case_full", case)
    entry = case.journal.get(kind="decline")
    assert entry.actor == first and entry.note == "Trop de suivis en cours"

    # Someone else (here the same person, who changed their mind) can be designated and accept.
    designate(case, coord, first, node=designate_node)
    accept(case, first, node=accept_node)
    assert the_task(case, followup_node).owner == first


def test_only_the_designated_referent_declines_and_never_after_accepting(signal, coord, referent, pjj):
    case = signal()
    examen(case, coord, "referent")
    designate(case, coord, referent)
    with pytest.raises(ServiceError, match="pas habilité"):
        decline(case, pjj)
    from casework.models import ReferentDesignation
    from casework.services.referents import referent_decline

    designation = ReferentDesignation.objects.get(case=case)
    with pytest.raises(ServiceError, match="motif du refus"):
        referent_decline(designation=designation, by=referent, on=TODAY, reason="  ")
    accept(case, referent)
    designation.refresh_from_db()
    with pytest.raises(ServiceError, match="déjà acceptée"):
        referent_decline(designation=designation, by=referent, on=TODAY, reason="Finalement non")
    assert not case.journal.filter(kind="decline").exists()


def test_closing_at_25_cancels_the_parcours_and_its_tasks(signal, coord, referent):
    from viewflow.workflow.status import STATUS

    from casework.services.retention import retention_run
    from workflows.models import CaseTask

    birthday = TODAY.replace(year=TODAY.year - 25) + timedelta(days=10)  # turns 25 in ten days
    case = signal(birth_date=birthday)
    examen(case, coord, "referent", "cddf")
    designate(case, coord, referent)
    assert set(active_tasks(case)) == {"accept", "cddf"}

    retention_run(today=TODAY + timedelta(days=10))

    case.refresh_from_db()
    assert case.status == Case.Status.PURGE
    process = case.processes.get()
    assert process.status == PROCESS.CANCELED
    still_open = CaseTask.objects.filter(process=process).exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
    assert not still_open.exists()  # human tasks and their deadline timers
    assert CaseTask.objects.filter(process=process, status=STATUS.CANCELED).count() >= 2


def test_declining_one_branch_keeps_the_file_of_a_referent_of_the_other(signal, coord, pjj):
    case = signal()
    examen(case, coord, "referent", "recidive")
    designate(case, coord, pjj, node="designate")
    designate(case, coord, pjj, node="designate_recidive")
    decline(case, pjj, node="accept_recidive")
    # Still the designated référent de parcours: the full file stays.
    assert type(pjj).objects.get(pk=pjj.pk).has_perm("casework.view_case_full", case)
    assert set(active_tasks(case)) == {"accept", "designate_recidive"}


def exclude(user, coord):
    """The coordinator ends the user's only seat in the partnership (exclusion)."""
    from casework.models import Membership
    from permissions.charter import membership_end

    membership_end(membership=Membership.objects.get(user=user), by=coord)


@pytest.mark.parametrize("accepted", [False, True], ids=["awaiting-answer", "following"])
@pytest.mark.parametrize(
    ("orientation", "designate_node", "accept_node", "followup_node"),
    [
        ("referent", "designate", "accept", "followup"),
        ("recidive", "designate_recidive", "accept_recidive", "followup_recidive"),
    ],
)
def test_an_excluded_referents_branch_goes_back_to_the_coordinators(
    signal, coord, referent, pjj, orientation, designate_node, accept_node, followup_node, accepted
):
    """As after a refusal: the référent's task closes, the designation task is
    the coordinators' again, and their full file is gone at once."""
    case = signal()
    examen(case, coord, orientation)
    first = referent if orientation == "referent" else pjj
    second = make_member(case.cell, institution=first.institution)
    designate(case, coord, first, node=designate_node)
    if accepted:
        accept(case, first, node=accept_node)
        assert list(active_tasks(case)) == [followup_node]

    exclude(first, coord)

    tasks = active_tasks(case)
    assert list(tasks) == [designate_node] and tasks[designate_node].owner is None
    assert case.pending_steps.open().get().step == PendingStep.Step.DESIGNATION
    assert not type(first).objects.get(pk=first.pk).has_perm("casework.view_case_full", case)
    assert case.journal.filter(kind="designation_end", actor=coord).count() == 1
    live = case.designations.get(ended_on__isnull=True)
    assert live.referent is None and live.designated_on is None
    assert case.designations.filter(referent=first).exists() == accepted  # an accepted one ended, kept

    designate(case, coord, second, node=designate_node)
    accept(case, second, node=accept_node)
    assert the_task(case, followup_node).owner == second
    task_complete(task=the_task(case, followup_node), user=second, data=BILAN)
    assert list(active_tasks(case)) == ["examen_bilan"]


def test_an_excluded_referent_whose_bilan_waits_leaves_the_decision_to_the_cell(signal, coord, referent):
    case = signal()
    examen(case, coord, "referent")
    designate(case, coord, referent)
    accept(case, referent)
    task_complete(task=the_task(case, "followup"), user=referent, data=BILAN)

    exclude(referent, coord)

    # Nothing to designate: the cell examines the bilan, and cannot prolong a follow-up nobody runs.
    assert list(active_tasks(case)) == ["examen_bilan"]
    assert not case.designations.filter(ended_on__isnull=True).exists()
    assert not type(referent).objects.get(pk=referent.pk).has_perm("casework.view_case_full", case)
    with pytest.raises(ServiceError, match="ne peut pas être prolongée"):
        examen_bilan(case, coord, "prolonger", next_due_on=TODAY + timedelta(days=90))
    examen_bilan(case, coord, "reorienter")
    assert list(active_tasks(case)) == ["examen"]
