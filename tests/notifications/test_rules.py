"""Time travel through every rule: not stalled the day before its deadline,
stalled on the day (with the right `since`), cleared when activity resumes."""

from datetime import timedelta

import pytest

from casework.models import Bilan, Case, JournalEntry, StepDeadline
from notifications.models import StallFlag
from notifications.services import stalls_scan
from tests.notifications.conftest import at, bilan, contact, days, decide, designate, following


def open_rules(case) -> dict[str, object]:
    return {flag.rule: flag.since for flag in StallFlag.objects.open().filter(case=case)}


def stall_journal(case) -> list[str]:
    return list(
        JournalEntry.objects.filter(case=case, data__has_key="stall")
        .order_by("at", "id")
        .values_list("summary", flat=True)
    )


def assert_stalls_on(case, rule: str, deadline) -> None:
    """Not stalled the day before `deadline`, stalled on it with since == deadline."""
    stalls_scan(now=at(deadline - timedelta(days=1)))
    assert rule not in open_rules(case)
    stalls_scan(now=at(deadline))
    assert open_rules(case)[rule] == deadline


def test_examen_within_30_days_of_signalement(case):
    assert_stalls_on(case, "examen", days(30))
    assert stall_journal(case) == ["Situation bloquée : signalement non examiné"]

    decide(case, days(32))
    stalls_scan(now=at(days(33)))

    assert "examen" not in open_rules(case)
    flag = StallFlag.objects.get(case=case, rule="examen")
    assert flag.cleared_at == at(days(33))
    assert stall_journal(case)[-1] == "Blocage levé : signalement non examiné"


def test_examen_clock_restarts_when_the_case_goes_back_to_examen(case):
    JournalEntry.objects.create(
        case=case,
        kind="status",
        summary="Réorientation",
        to_status=Case.Status.SIGNALE,
        occurred_on=days(100),
    )
    assert_stalls_on(case, "examen", days(130))


def test_referent_designated_within_15_days_of_the_decision(case, referent):
    designation = designate(case, opened_on=days(10))
    assert_stalls_on(case, "referent_designation", days(25))

    designation.referent, designation.designated_on = referent, days(26)
    designation.save()
    stalls_scan(now=at(days(26)))
    assert "referent_designation" not in open_rules(case)


def test_referent_accepts_within_15_days(case, referent):
    designation = designate(case, opened_on=days(10), referent=referent, designated_on=days(12))
    assert_stalls_on(case, "referent_acceptance", days(27))

    designation.accepted_on = days(28)
    designation.save()
    stalls_scan(now=at(days(28)))
    assert "referent_acceptance" not in open_rules(case)


def test_first_contact_within_15_days_of_acceptance(case, referent):
    designation = following(case, referent, accepted_on=days(20))
    assert_stalls_on(case, "first_contact", days(35))

    designation.first_contact_on = days(36)
    designation.save()
    stalls_scan(now=at(days(36)))
    assert "first_contact" not in open_rules(case)


def test_no_journal_entry_for_30_days_during_follow_up(case, referent):
    following(case, referent, accepted_on=days(20), first_contact_on=days(22))
    contact(case, referent, days(22))
    contact(case, referent, days(40))
    assert_stalls_on(case, "contact_gap", days(70))

    contact(case, referent, days(75))
    stalls_scan(now=at(days(76)))
    assert "contact_gap" not in open_rules(case)


def test_the_scans_own_journal_entries_are_not_activity(case, referent):
    following(case, referent, accepted_on=days(20), first_contact_on=days(22))
    contact(case, referent, days(22))
    for day in range(52, 60):
        stalls_scan(now=at(days(day)))
    flag = StallFlag.objects.get(case=case, rule="contact_gap")
    assert flag.cleared_at is None and flag.since == days(52)


def test_a_bilan_every_6_months(case, referent):
    following(case, referent, accepted_on=days(20), first_contact_on=days(22))
    assert_stalls_on(case, "bilan_due", days(20 + 183))

    bilan(case, presented_on=days(205))
    stalls_scan(now=at(days(206)))
    assert "bilan_due" not in open_rules(case)


def test_after_a_prolongation_the_next_bilan_is_due_6_months_later(case, referent):
    following(case, referent, accepted_on=days(20), first_contact_on=days(22))
    bilan(case, presented_on=days(150), examined_on=days(160), cell_decision=Bilan.CellDecision.PROLONGER)
    assert_stalls_on(case, "bilan_due", days(160 + 183))


def test_a_bilan_due_date_fixed_by_the_cell_wins(case, referent):
    designation = following(case, referent, accepted_on=days(20), first_contact_on=days(22))
    bilan(case, presented_on=days(100), examined_on=days(105), cell_decision=Bilan.CellDecision.PROLONGER)
    designation.next_bilan_due_on = days(200)
    designation.save()
    assert_stalls_on(case, "bilan_due", days(200))
    bilan(case, presented_on=days(201))
    stalls_scan(now=at(days(201)))
    assert "bilan_due" not in open_rules(case)


def test_a_bilan_is_examined_within_30_days(case, referent):
    following(case, referent, accepted_on=days(20), first_contact_on=days(22))
    waiting = bilan(case, presented_on=days(100))
    assert_stalls_on(case, "bilan_examen", days(130))

    Bilan.objects.filter(pk=waiting.pk).update(
        examined_on=days(131), cell_decision=Bilan.CellDecision.PROLONGER
    )
    stalls_scan(now=at(days(131)))
    assert "bilan_examen" not in open_rules(case)


def test_a_case_open_more_than_12_months_is_due_for_review(case, referent):
    assert_stalls_on(case, "case_review", days(365))
    bilan(case, presented_on=days(370), examined_on=days(372), cell_decision=Bilan.CellDecision.PROLONGER)
    stalls_scan(now=at(days(372)))
    assert "case_review" not in open_rules(case)
    # A prolongation restarts the 12 months.
    assert_stalls_on(case, "case_review", days(372 + 365))


def test_a_partnership_override_moves_the_deadline(case, arras):
    StepDeadline.objects.create(partnership=arras, step="examen", days=10)
    assert_stalls_on(case, "examen", days(10))


def test_other_partnerships_keep_the_default(case, w):
    StepDeadline.objects.create(partnership=w["partnerships"]["lens"], step="examen", days=10)
    assert_stalls_on(case, "examen", days(30))


def test_closing_a_case_clears_its_flags_without_a_journal_entry(case):
    stalls_scan(now=at(days(30)))
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOS, closed_on=days(31))
    stalls_scan(now=at(days(31)))
    assert open_rules(case) == {}
    assert stall_journal(case) == ["Situation bloquée : signalement non examiné"]


@pytest.mark.parametrize("status", [Case.Status.ARCHIVE, Case.Status.PURGE, Case.Status.CLOS])
def test_cases_that_are_not_open_never_stall(case, status):
    Case.objects.filter(pk=case.pk).update(status=status)
    stalls_scan(now=at(days(1000)))
    assert not StallFlag.objects.exists()


def test_a_case_can_be_stalled_for_several_reasons(case, referent):
    designate(case, opened_on=days(1))
    stalls_scan(now=at(days(400)))
    assert set(open_rules(case)) == {"referent_designation", "case_review"}


def test_referent_rules_pause_while_the_bilan_waits_for_its_examen(case, referent):
    following(case, referent, accepted_on=days(20))
    Case.objects.filter(pk=case.pk).update(status=Case.Status.BILAN)
    stalls_scan(now=at(days(100)))
    assert "first_contact" not in open_rules(case)


def test_putting_a_stalled_case_on_the_agenda_is_not_follow_up_activity(case, referent, coord):
    """Escalation writes the cell's handling in the journal (agenda, disclosure): the référent's
    silence goes on, and so does the stall."""
    from casework.services.journal import journal_log

    following(case, referent, accepted_on=days(20), first_contact_on=days(22))
    contact(case, referent, days(22))
    assert_stalls_on(case, "contact_gap", days(52))

    journal_log(
        case=case, actor=coord, kind="other", summary="Inscrite à l'ordre du jour", occurred_on=days(53)
    )
    stalls_scan(now=at(days(54)))
    assert "contact_gap" in open_rules(case)

    contact(case, referent, days(55))
    stalls_scan(now=at(days(56)))
    assert "contact_gap" not in open_rules(case)
