"""A case that stops being open leaves the agendas where it waits for a decision.

Closed outside the séance (examen du bilan on the task screen), at the age
limit by the retention job, or by a classement en séance: its pending items
are withdrawn at once (`case_closed` signal), so that the séance can be
closed, nothing is decided or postponed on a closed case, nothing is ever
journalled on an archived or purged case, and no invitee of a strict cell
reads it through that agenda.
"""

import pytest

from casework.models import Case, JournalEntry, Youth
from casework.services.errors import ServiceError
from casework.services.retention import retention_run, years_later
from meetings import services
from meetings.models import AgendaItem, Seance
from permissions.visibility import representation_for
from tests.meetings.conftest import DAY, TODAY
from tests.workflows.helpers import the_task
from workflows.services import task_complete

ORIENT = {
    "kind": "orientation",
    "orientations": ["referent"],
    "classement_reason": "",
    "pilot_institution": None,
}
CLORE = {
    "outcome": "clore",
    "closure_reason": "objectifs_atteints",
    "next_due_on": None,
    "examined_on": TODAY,
}


@pytest.fixture
def review_items(plan, coord, member, signal, to_bilan):
    """`case` awaits its examen du bilan; it is on today's séance (held, `member` present)
    as a review, and on the next séance; `other` is on today's séance too."""
    case = to_bilan(signal(signaled_on=TODAY - 30 * DAY))
    other = signal()
    seance = plan()
    services.agenda_item_add(seance=seance, case=other, by=coord)
    services.agenda_item_add(seance=seance, case=case, by=coord, kind=AgendaItem.Kind.REVIEW)
    services.seance_invite(seance=seance, users=[member], by=coord)
    services.attendance_record(seance=seance, user=member, present=True, by=coord)
    following = plan(TODAY + 14 * DAY)
    services.agenda_item_add(seance=following, case=case, by=coord)
    return seance, following, case, other


def test_a_case_closed_outside_the_seance_leaves_its_agendas(review_items, coord):
    seance, following, case, other = review_items
    task_complete(task=the_task(case, "examen_bilan"), user=coord, data=CLORE)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOS

    assert not AgendaItem.objects.filter(case=case).exists()
    assert list(seance.items.values_list("case", "position")) == [(other.pk, 1)]
    withdrawn = case.journal.filter(data__seance__in=[seance.pk, following.pk]).exclude(
        summary__startswith="Inscrite"
    )
    assert sorted(withdrawn.values_list("summary", flat=True)) == sorted(
        f"Retirée de l'ordre du jour de la séance du {s.label_date} : la situation n'est plus en cours (clos)"
        for s in (seance, following)
    )
    assert not case.journal.filter(summary__startswith="Décision de la séance").exists()

    # The séance closes once the other item is decided.
    services.agenda_item_decide(item=seance.items.get(case=other), data=ORIENT, by=coord)
    assert services.seance_close(seance=seance, by=coord).status == Seance.Status.CLOSED


def test_a_classement_en_seance_keeps_its_item_and_withdraws_the_case_from_later_agendas(
    held, plan, coord, signal
):
    case = signal()
    seance = held(case)
    following = plan(TODAY + 14 * DAY)
    services.agenda_item_add(seance=following, case=case, by=coord)
    item = services.agenda_item_decide(
        item=seance.items.get(),
        data={"kind": "classement", "orientations": [], "classement_reason": "droit_commun"},
        by=coord,
    )
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.DECIDED
    assert item.decision_summary == "Classement : Orientation vers le droit commun"
    assert not following.items.exists()
    assert services.seance_close(seance=seance, by=coord).status == Seance.Status.CLOSED


def test_a_case_purged_at_the_age_limit_leaves_the_agenda_and_the_seance_closes(held, plan, coord, signal):
    case, other = signal(signaled_on=TODAY - 30 * DAY), signal()
    seance = held(case, other)
    following = plan(TODAY + 14 * DAY)
    services.agenda_item_add(seance=following, case=case, by=coord)
    # Test setup: the youth turns 25 today.
    Youth.objects.filter(pk=case.youth_id).update(birth_date=years_later(TODAY, -25))

    retention_run(today=TODAY)

    case.refresh_from_db()
    assert case.status == Case.Status.PURGE
    assert not AgendaItem.objects.filter(case=case).exists()
    # Only the purge's own entry: nothing journalled on the purged case afterwards.
    assert list(case.journal.values_list("summary", flat=True)) == [
        "Purge des données nominatives (25 ans du jeune)"
    ]
    services.agenda_item_postpone(item=seance.items.get(case=other), by=coord)
    assert services.seance_close(seance=seance, by=coord).status == Seance.Status.CLOSED
    assert JournalEntry.objects.filter(case=case).count() == 1


@pytest.fixture
def left_behind(held, coord, signal):
    """A pending item of a case no longer open, left on a held séance (data from before
    the withdrawal existed, or a closure the receiver did not see)."""

    def _left_behind(status):
        case, other = signal(), signal()
        seance = held(case, other)
        Case.objects.filter(pk=case.pk).update(status=status)  # Test setup: bypasses the closing services.
        return seance, case, other

    return _left_behind


@pytest.mark.parametrize("status", [Case.Status.CLOS, Case.Status.ARCHIVE, Case.Status.PURGE])
def test_decide_and_postpone_refuse_a_case_no_longer_open(left_behind, coord, status):
    seance, case, _ = left_behind(status)
    item = seance.items.get(case=case)
    journal = case.journal.count()
    label = Case.Status(status).label.lower()
    message = (
        f"La situation {case.reference} n'est plus en cours \\({label}\\) : ce point ne peut plus être décidé"
    )
    with pytest.raises(ServiceError, match=message):
        services.agenda_item_decide(item=item, data={"outcome": "poursuivi"}, by=coord)
    with pytest.raises(ServiceError, match=message):
        services.agenda_item_postpone(item=item, by=coord)
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.PENDING
    assert case.journal.count() == journal


@pytest.mark.parametrize(
    ("status", "journalled"), [(Case.Status.CLOS, 1), (Case.Status.ARCHIVE, 0), (Case.Status.PURGE, 0)]
)
def test_closing_the_seance_withdraws_what_was_left_behind(left_behind, coord, status, journalled):
    seance, case, other = left_behind(status)
    journal = case.journal.count()
    services.agenda_item_postpone(item=seance.items.get(case=other), by=coord)
    assert services.seance_close(seance=seance, by=coord).status == Seance.Status.CLOSED
    assert not seance.items.filter(case=case).exists()
    assert case.journal.count() == journal + journalled


def test_cancelling_withdraws_a_closed_case_instead_of_postponing_it(plan, coord, signal):
    case, other = signal(), signal()
    seance = plan(TODAY + 7 * DAY)
    for c in (case, other):
        services.agenda_item_add(seance=seance, case=c, by=coord)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.ARCHIVE)  # Test setup, as above.
    journal = case.journal.count()
    services.seance_cancel(seance=seance, by=coord)
    assert list(seance.items.values_list("case", "status")) == [(other.pk, AgendaItem.Status.POSTPONED)]
    assert case.journal.count() == journal


def test_a_strict_cell_shows_no_closed_case_to_a_new_invitee(
    cell, coord, member, member2, plan, signal, to_bilan
):
    services.cell_need_to_know_set(cell=cell, strict=True, by=coord)
    cell.refresh_from_db()
    case = to_bilan(signal(signaled_on=TODAY - 30 * DAY))
    seance = plan(TODAY + 7 * DAY)
    services.agenda_item_add(seance=seance, case=case, by=coord)
    services.seance_invite(seance=seance, users=[member], by=coord)
    assert representation_for(member, case) == "cell_summary"

    task_complete(task=the_task(case, "examen_bilan"), user=coord, data=CLORE)

    services.seance_invite(seance=seance, users=[member2], by=coord)
    assert representation_for(member, case) is None
    assert representation_for(member2, case) is None


def test_a_strict_cell_grants_nothing_through_an_item_left_behind(cell, coord, member, plan, signal):
    services.cell_need_to_know_set(cell=cell, strict=True, by=coord)
    cell.refresh_from_db()
    case = signal()
    seance = plan(TODAY + 7 * DAY)
    services.agenda_item_add(seance=seance, case=case, by=coord)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOS
    )  # Test setup: bypasses the closing services.
    services.seance_invite(seance=seance, users=[member], by=coord)
    assert representation_for(member, case) is None
