"""Planning a séance and building its agenda (services and proposals)."""

from datetime import timedelta

import pytest

from casework.models import JournalEntry
from casework.services.deadlines import step_flag_overdue
from casework.services.errors import ServiceError
from meetings import selectors, services
from meetings.models import AgendaItem
from notifications.models import StallFlag, StallLevel
from tests.meetings.conftest import DAY, TODAY, at
from tests.workflows.helpers import the_task
from workflows.services import task_complete


def kinds(proposals):
    return {p.case.reference: p.kind for p in proposals}


def test_only_a_signed_coordinator_of_the_partnership_plans_a_seance(cell, member, outsider):
    for user in (member, outsider):
        with pytest.raises(ServiceError, match="Seul un coordonnateur"):
            services.seance_plan(cell=cell, starts_at=at(TODAY), place="Mairie", by=user)


def test_a_seance_needs_a_place(cell, coord):
    with pytest.raises(ServiceError, match="lieu"):
        services.seance_plan(cell=cell, starts_at=at(TODAY), place="  ", by=coord)


def test_proposals_cover_examens_bilans_overdue_and_old_cases(plan, coord, signal, to_bilan, w):
    examen = signal(last_name="Examen")
    bilan = to_bilan(signal(last_name="Bilan"))
    overdue = signal(last_name="Retard")
    # Past its due date: the examen step of this case is flagged overdue...
    step_flag_overdue(step_id=overdue.pending_steps.get().pk)
    # ...but it still awaits its examen, the more pressing kind.
    old = to_bilan(signal(last_name="Ancien", signaled_on=TODAY - timedelta(days=400)))
    signal(in_cell=w["cells"]["Arras – quartiers ouest"], last_name="Ailleurs")
    seance = plan(TODAY + 7 * DAY)

    proposals = selectors.agenda_proposals(seance, coord).shown

    assert kinds(proposals) == {
        examen.reference: "examen",
        overdue.reference: "examen",
        bilan.reference: "examen_bilan",
        old.reference: "examen_bilan",
    }
    by_ref = {p.case.reference: p for p in proposals}
    due = overdue.pending_steps.get().due_on
    assert (
        f"Échéance dépassée : Examen en cellule (prévue le {due:%d/%m/%Y})"
        in by_ref[overdue.reference].reasons
    )
    assert "Ouverte depuis plus de 12 mois" in by_ref[old.reference].reasons


def test_a_stalled_case_without_pending_examen_is_proposed_as_overdue(plan, coord, signal):
    case = signal()

    task_complete(
        task=the_task(case, "examen"),
        user=coord,
        data={"kind": "orientation", "orientations": ["rappel_ordre"], "decided_on": TODAY},
    )
    step_flag_overdue(step_id=case.pending_steps.open().get().pk)
    proposals = selectors.agenda_proposals(plan(), coord).shown
    assert kinds(proposals) == {case.reference: "stalled"}


def test_a_case_the_stall_scan_escalated_to_the_next_seance_is_proposed(plan, coord, signal):
    case = signal()
    task_complete(
        task=the_task(case, "examen"),
        user=coord,
        data={"kind": "orientation", "orientations": ["referent"], "decided_on": TODAY},
    )
    # Test setup: the scan (notifications.services) writes these flags; only the level matters here.
    StallFlag.objects.create(
        case=case,
        rule="referent_designation",
        since=TODAY - 20 * DAY,
        level=StallLevel.ALERTE,
        escalated_on=TODAY,
    )
    seance = plan()
    assert selectors.agenda_proposals(seance, coord).shown == []  # an alert is not yet for the séance
    StallFlag.objects.filter(case=case).update(level=StallLevel.SEANCE)
    (proposal,) = selectors.agenda_proposals(seance, coord).shown
    assert proposal.kind == "stalled" and proposal.reasons == ["Suivi bloqué : Référent non désigné"]


def test_a_case_open_for_more_than_a_year_is_proposed_for_review(plan, coord, signal):
    case = signal(signaled_on=TODAY - timedelta(days=380))

    task_complete(
        task=the_task(case, "examen"),
        user=coord,
        data={"kind": "orientation", "orientations": ["rappel_ordre"], "decided_on": TODAY},
    )
    assert kinds(selectors.agenda_proposals(plan(), coord).shown) == {case.reference: "review"}


def test_proposals_skip_cases_already_on_the_agenda_and_closed_cases(plan, coord, signal):
    on_agenda, closed, proposed = signal(), signal(), signal()

    task_complete(
        task=the_task(closed, "examen"),
        user=coord,
        data={"kind": "classement", "classement_reason": "sans_suite", "decided_on": TODAY},
    )
    seance = plan()
    services.agenda_item_add(seance=seance, case=on_agenda, by=coord)
    assert kinds(selectors.agenda_proposals(seance, coord).shown) == {proposed.reference: "examen"}


def test_proposals_only_show_cases_the_user_sees(plan, coord, outsider, signal):
    signal()
    seance = plan()
    # Lens' coordinator sees no case of Arras (and cannot open the séance anyway).
    assert selectors.agenda_proposals(seance, outsider).shown == []


def test_agenda_propose_adds_every_proposal_in_order_and_journals_it(plan, coord, signal, to_bilan):
    bilan = to_bilan(signal())
    examen = signal()
    seance = plan()

    items = services.agenda_propose(seance=seance, by=coord)

    assert [(i.position, i.case_id, i.kind) for i in items] == [
        (1, examen.pk, "examen"),
        (2, bilan.pk, "examen_bilan"),
    ]
    entry = examen.journal.filter(kind=JournalEntry.Kind.OTHER).get()
    assert (
        entry.summary == f"Inscrite à l'ordre du jour de la séance du {seance.label_date} (Examen en cellule)"
    )
    assert entry.data["seance"] == seance.pk and entry.actor == coord


def test_items_are_added_removed_and_reordered(plan, coord, signal):
    a, b, c = signal(), signal(), signal()
    seance = plan()
    for case in (a, b, c):
        services.agenda_item_add(seance=seance, case=case, by=coord)
    item_c = seance.items.get(case=c)

    services.agenda_item_move(item=item_c, position=1, by=coord)
    assert list(seance.items.order_by("position").values_list("case_id", flat=True)) == [c.pk, a.pk, b.pk]

    services.agenda_item_remove(item=seance.items.get(case=a), by=coord)
    assert list(seance.items.order_by("position").values_list("case_id", "position")) == [
        (c.pk, 1),
        (b.pk, 2),
    ]
    assert a.journal.filter(summary__startswith="Retirée de l'ordre du jour").exists()


def test_a_case_is_on_an_agenda_once(plan, coord, signal):
    case = signal()
    seance = plan()
    services.agenda_item_add(seance=seance, case=case, by=coord)
    with pytest.raises(ServiceError, match="déjà inscrite"):
        services.agenda_item_add(seance=seance, case=case, by=coord)


def test_a_case_of_another_cell_cannot_be_added(plan, coord, signal, w):
    other = signal(in_cell=w["cells"]["Arras – quartiers ouest"])
    with pytest.raises(ServiceError, match="introuvable"):
        services.agenda_item_add(seance=plan(), case=other, by=coord)
    assert not AgendaItem.objects.exists()


def test_the_agenda_is_frozen_once_the_seance_is_held(held, coord, signal):
    seance = held(signal())
    with pytest.raises(ServiceError, match="a commencé"):
        services.agenda_item_add(seance=seance, case=signal(), by=coord)
    with pytest.raises(ServiceError, match="a commencé"):
        services.agenda_item_remove(item=seance.items.get(), by=coord)
