"""Decisions recorded en séance complete the parcours tasks; postponement carries items over."""

from datetime import timedelta

import pytest
from viewflow.workflow.status import STATUS

from casework.models import Case, JournalEntry
from casework.services.errors import ServiceError
from meetings import selectors, services
from meetings.models import AgendaItem, Seance
from notifications.detection import review_clock
from tests.meetings.conftest import DAY, TODAY
from tests.workflows.helpers import active_tasks, journal_kinds, the_task
from workflows.services import task_complete

ORIENT = {
    "kind": "orientation",
    "orientations": ["referent"],
    "classement_reason": "",
    "pilot_institution": None,
}


def test_an_examen_decision_completes_the_examen_task_with_the_seance_date(held, coord, signal):
    case = signal(signaled_on=TODAY - 5 * DAY)
    task = the_task(case, "examen")
    seance = held(case)
    item = seance.items.get()

    services.agenda_item_decide(item=item, data=ORIENT, by=coord)

    task.refresh_from_db()
    assert task.status == STATUS.DONE and task.owner == coord
    case.refresh_from_db()
    assert case.status == Case.Status.ORIENTE and case.examined_on == TODAY
    assert list(active_tasks(case)) == ["designate"]
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.DECIDED
    assert item.decision == case.decisions.get() and item.decision.decided_on == seance.date
    assert item.decision_summary == "Orientation : Référent de parcours"
    assert journal_kinds(case)[-2:] == ["decision", "other"]
    entry = case.journal.order_by("-id").first()
    assert (
        entry.summary == f"Décision de la séance du {seance.label_date} : Orientation : Référent de parcours"
    )
    assert entry.data == {"seance": seance.pk, "agenda_item": item.pk}


def test_a_classement_en_seance_closes_the_case(held, coord, signal):
    case = signal()
    seance = held(case)
    services.agenda_item_decide(
        item=seance.items.get(),
        data={"kind": "classement", "orientations": [], "classement_reason": "droit_commun"},
        by=coord,
    )
    case.refresh_from_db()
    assert case.status == Case.Status.CLOS
    assert seance.items.get().decision_summary == "Classement : Orientation vers le droit commun"


def test_a_bilan_decision_completes_the_examen_bilan_task(held, coord, signal, to_bilan):
    case = to_bilan(signal())
    seance = held(case)
    item = seance.items.get()
    assert item.kind == AgendaItem.Kind.EXAMEN_BILAN

    services.agenda_item_decide(
        item=item, data={"outcome": "clore", "closure_reason": "objectifs_atteints"}, by=coord
    )

    case.refresh_from_db()
    assert case.status == Case.Status.CLOS and case.closure_reason == "objectifs_atteints"
    assert active_tasks(case) == {}
    assert seance.items.get().decision_summary == "Bilan examiné : Clôture (Objectifs atteints)"


def test_a_review_decision_records_its_coded_outcome(held, coord, signal):
    case = signal(signaled_on=TODAY - timedelta(days=400))
    task_complete(task=the_task(case, "examen"), user=coord, data={**ORIENT, "decided_on": TODAY - 300 * DAY})
    seance = held(case)
    item = seance.items.get()
    assert item.kind == AgendaItem.Kind.REVIEW
    with pytest.raises(ServiceError, match="Choisissez la décision"):
        services.agenda_item_decide(item=item, data={"outcome": "n'importe quoi"}, by=coord)
    services.agenda_item_decide(item=item, data={"outcome": "relance"}, by=coord)
    assert seance.items.get().decision_summary == "Relance des intervenants décidée"
    assert list(active_tasks(case)) == ["designate"]  # the parcours is untouched


def test_a_refused_decision_leaves_nothing_written(held, coord, signal):
    case = signal()
    seance = held(case)
    journal_before = case.journal.count()
    with pytest.raises(ServiceError, match="orientation"):
        services.agenda_item_decide(item=seance.items.get(), data={**ORIENT, "orientations": []}, by=coord)
    assert seance.items.get().status == AgendaItem.Status.PENDING
    assert case.journal.count() == journal_before
    assert the_task(case, "examen").status == STATUS.NEW


def test_a_decision_taken_outside_the_seance_is_reported(held, coord, signal):
    case = signal()
    seance = held(case)
    task_complete(task=the_task(case, "examen"), user=coord, data={**ORIENT, "decided_on": TODAY})
    with pytest.raises(ServiceError, match="n'attend plus cette étape"):
        services.agenda_item_decide(item=seance.items.get(), data=ORIENT, by=coord)


def test_an_item_is_decided_once(held, coord, signal):
    seance = held(signal())
    services.agenda_item_decide(item=seance.items.get(), data=ORIENT, by=coord)
    with pytest.raises(ServiceError, match="déjà été traité"):
        services.agenda_item_decide(item=seance.items.get(), data=ORIENT, by=coord)


def test_decisions_wait_for_the_seance_day(plan, coord, signal):
    case = signal()
    seance = plan(TODAY + 2 * DAY)
    services.agenda_item_add(seance=seance, case=case, by=coord)
    with pytest.raises(ServiceError, match="n'a pas encore eu lieu"):
        services.agenda_item_decide(item=seance.items.get(), data=ORIENT, by=coord)


def test_only_the_coordinator_records_decisions(held, member, signal):
    seance = held(signal())
    with pytest.raises(ServiceError, match="Seul un coordonnateur"):
        services.agenda_item_decide(item=seance.items.get(), data=ORIENT, by=member)


def test_postponed_item_is_proposed_at_the_next_seance_and_carried_over(held, plan, coord, signal):
    case = signal()
    seance = held(case)
    following = plan(TODAY + 14 * DAY)
    item = services.agenda_item_postpone(item=seance.items.get(), by=coord)

    assert item.status == AgendaItem.Status.POSTPONED and item.postponed_to == following
    assert the_task(case, "examen").status == STATUS.NEW  # still awaiting its examen
    assert case.journal.order_by("-id").first().summary == (
        f"Examen en cellule reporté à la séance du {following.label_date} (séance du {seance.label_date})"
    )
    (proposal,) = selectors.agenda_proposals(following, coord).shown
    assert proposal.case == case and proposal.carried_from == item
    assert proposal.reasons[0] == f"Reporté de la séance du {seance.label_date}"

    services.agenda_propose(seance=following, by=coord)
    carried = following.items.get()
    assert carried.carried_from == item and carried.kind == AgendaItem.Kind.EXAMEN
    assert selectors.agenda_proposals(following, coord).shown == []


def test_an_item_postponed_without_a_next_seance_waits_for_the_next_one_planned(held, plan, coord, signal):
    case = signal()
    seance = held(case)
    item = services.agenda_item_postpone(item=seance.items.get(), by=coord)
    assert item.postponed_to is None
    later = plan(TODAY + 30 * DAY)
    assert [p.carried_from for p in selectors.agenda_proposals(later, coord).shown] == [item]


def test_closing_needs_every_item_decided_or_postponed(held, coord, signal):
    a, b = signal(), signal()
    seance = held(a, b)
    services.agenda_item_decide(item=seance.items.get(case=a), data=ORIENT, by=coord)
    with pytest.raises(ServiceError, match="1 point de l'ordre du jour n'a ni décision ni report"):
        services.seance_close(seance=seance, by=coord)
    services.agenda_item_postpone(item=seance.items.get(case=b), by=coord)
    seance = services.seance_close(seance=seance, by=coord)
    assert seance.status == Seance.Status.CLOSED
    with pytest.raises(ServiceError, match="close"):
        services.agenda_item_move(item=seance.items.get(case=b), position=1, by=coord)
    assert JournalEntry.objects.filter(case=a, data__seance=seance.pk).count() == 2


def test_a_review_restarts_the_twelve_months(held, plan, coord, signal):
    """Reviewed by the cell, a long-running case is not proposed for review again at the next
    séance, and the stall scan's 12-month clock starts at the review."""
    case = signal(signaled_on=TODAY - timedelta(days=400))
    task_complete(task=the_task(case, "examen"), user=coord, data={**ORIENT, "decided_on": TODAY - 300 * DAY})
    seance = held(case)
    services.agenda_item_decide(item=seance.items.get(), data={"outcome": "poursuivi"}, by=coord)

    next_seance = plan(TODAY + 30 * DAY)
    assert case.pk not in {p.case.pk for p in selectors.agenda_proposals(next_seance, coord).shown}
    assert Case.objects.annotate(since=review_clock()).get(pk=case.pk).since == TODAY
