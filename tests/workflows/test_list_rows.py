"""The list rows' sections in one statement (`workflows.list_rows`): the same
motifs, open flags and overdue steps as the querysets that define them."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.models import CaseMotif, PendingStep
from casework.models.codes import Motif
from notifications.lateness import OpenFlag
from notifications.models import StallFlag, StallLevel
from tests.factories import make_case
from workflows.list_rows import RowSections, row_sections

DAY = timedelta(days=1)
TODAY = date(2026, 12, 6)


def step(case, kind, due_on, *, overdue: bool, closed: bool = False) -> PendingStep:
    return PendingStep.objects.create(
        case=case,
        step=kind,
        due_on=due_on,
        opened_on=due_on - 30 * DAY,
        overdue_on=due_on if overdue else None,
        closed_on=TODAY if closed else None,
    )


def flag(case, rule, since, *, cleared: bool = False) -> StallFlag:
    # Test setup: the stall scan (notifications.services) writes these flags.
    return StallFlag.objects.create(
        case=case,
        rule=rule,
        since=since,
        level=StallLevel.ALERTE,
        escalated_on=since,
        cleared_at=timezone.now() if cleared else None,
    )


@pytest.fixture
def cases(cell, coord):
    late = make_case(cell, by=coord, motifs=(Motif.INCIVILITES, Motif.ABSENTEISME))
    step(late, PendingStep.Step.EXAMEN, TODAY - 9 * DAY, overdue=True)
    step(late, PendingStep.Step.RAPPEL, TODAY - 3 * DAY, overdue=True)
    step(late, PendingStep.Step.CDDF, TODAY - 20 * DAY, overdue=True, closed=True)
    step(late, PendingStep.Step.SUIVI, TODAY + 9 * DAY, overdue=False)
    flag(late, "examen", TODAY - 2 * DAY)
    flag(late, "contact_gap", TODAY - 2 * DAY)  # same day: the older flag first
    flag(late, "bilan_due", TODAY - 40 * DAY, cleared=True)
    quiet = make_case(cell, by=coord, motifs=(Motif.ABSENTEISME,))
    hidden = make_case(cell, by=coord)
    step(hidden, PendingStep.Step.EXAMEN, TODAY - 9 * DAY, overdue=True)
    flag(hidden, "examen", TODAY - 9 * DAY)
    return late, quiet, hidden


def test_the_sections_are_those_of_their_querysets_in_one_query(cases):
    late, quiet, hidden = cases
    ids = [late.pk, quiet.pk, hidden.pk]

    with CaptureQueriesContext(connection) as queries:
        sections = row_sections(motif_ids=ids, late_ids=ids)

    assert len(queries) == 1
    for case_id in ids:
        assert sections.motifs.get(case_id, []) == sorted(
            CaseMotif.objects.filter(case_id=case_id).values_list("code", flat=True)
        )
        assert sections.flags.get(case_id, []) == [
            OpenFlag(*flag)
            for flag in StallFlag.objects.open()
            .filter(case_id=case_id)
            .order_by("since", "id")
            .values_list("rule", "since", "level")
        ]
        assert sorted(sections.steps.get(case_id, [])) == sorted(
            PendingStep.objects.overdue().filter(case_id=case_id).values_list("step", "due_on")
        )
    assert sections.flags[late.pk] == [
        OpenFlag("examen", TODAY - 2 * DAY, StallLevel.ALERTE),
        OpenFlag("contact_gap", TODAY - 2 * DAY, StallLevel.ALERTE),
    ]
    assert sorted(sections.steps[late.pk]) == [
        (PendingStep.Step.EXAMEN, TODAY - 9 * DAY),
        (PendingStep.Step.RAPPEL, TODAY - 3 * DAY),
    ]
    assert quiet.pk not in sections.flags and quiet.pk not in sections.steps


def test_each_section_is_read_only_for_the_cases_asked_for_it(cases):
    late, quiet, hidden = cases

    sections = row_sections(motif_ids=[quiet.pk], late_ids=[late.pk])

    assert set(sections.motifs) == {quiet.pk}
    assert set(sections.flags) == set(sections.steps) == {late.pk}
    assert row_sections(motif_ids=[], late_ids=[]) == row_sections(motif_ids=[hidden.pk + 1000], late_ids=[])


def test_no_ids_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert row_sections(motif_ids=[], late_ids=[]) == RowSections(motifs={}, flags={}, steps={})
