"""Retention: archive after closure, purge at 3 years or 25, indicators unchanged, report, command."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from casework.models import (
    Bilan,
    Case,
    Decision,
    JournalEntry,
    PersonInformation,
    PurgeReport,
    RappelALOrdre,
    Youth,
)
from casework.models.codes import Adhesion, ClosureReason, Situation, age_band
from casework.services.retention import RETENTION_POLICY, PurgeReason, case_purge, retention_run, years_later
from casework.tasks import apply_retention
from permissions.models import (
    AccessLog,
    BreakGlassGrant,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Disclosure,
)
from permissions.visibility import visible_cases
from tests.factories import make_case


def close(case, on, reason=ClosureReason.OBJECTIFS):
    # Test setup: the closure service belongs to the workflow; only the dates matter here.
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOS, closed_on=on, closure_reason=reason)
    case.refresh_from_db()
    return case


def fill(case, by):
    """Give the case nominative content of every kind the purge handles."""
    decision = Decision.objects.create(
        case=case, kind=Decision.Kind.ORIENTATION, orientations=["rappel_ordre"], decided_on=case.signaled_on
    )
    RappelALOrdre.objects.create(
        case=case,
        decision=decision,
        opened_on=case.signaled_on,
        elu="M. le maire",
        parents_absence_reason="Père hospitalisé",
        outcome=RappelALOrdre.Outcome.REALISE,
    )
    Bilan.objects.create(
        case=case,
        period_start=case.signaled_on,
        period_end=case.signaled_on + timedelta(days=180),
        adhesion=Adhesion.BONNE,
        situation=Situation.FORMATION,
        recommendation=Bilan.Recommendation.CLORE,
        text="Jean va mieux, reprise en CAP.",
        presented_on=case.signaled_on + timedelta(days=181),
    )
    PersonInformation.objects.create(
        case=case,
        addressee=PersonInformation.Addressee.JEUNE,
        informed_on=case.signaled_on,
        channel=PersonInformation.Channel.ENTRETIEN,
        adhesion=PersonInformation.Adhesion.ADHERE,
    )
    Disclosure.objects.create(
        case=case,
        institution=by.institution,
        reason="Suivi PJJ de Jean",
        starts_on=case.signaled_on,
        ends_on=case.signaled_on + timedelta(days=30),
    )
    BreakGlassGrant.objects.create(case=case, requested_by=by, reason="Urgence : Jean a disparu")
    JournalEntry.objects.create(
        case=case,
        kind=JournalEntry.Kind.CONTACT,
        summary="Entretien",
        note="Jean dit que…",
        occurred_on=case.signaled_on,
    )


def indicators(partnership, year):
    """Indicator-style aggregates (domain.md §5) for cases signalled in `year`."""
    cases = Case.objects.filter(partnership=partnership, signaled_on__year=year)
    by_profile = {
        (row["profil"], age_band(row["age_at_signalement"]), row["sex"], row["commune"]): row["n"]
        for row in cases.values("profil", "age_at_signalement", "sex", "commune").annotate(n=Count("id"))
    }
    return {
        "reperes": cases.count(),
        "by_profile": by_profile,
        "motifs": sorted(cases.values_list("motifs__code", flat=True)),
        "rappels_realises": RappelALOrdre.objects.filter(
            case__in=cases, outcome=RappelALOrdre.Outcome.REALISE
        ).count(),
        "bilans": Bilan.objects.filter(case__in=cases).count(),
        "closures": sorted(cases.exclude(closure_reason="").values_list("closure_reason", flat=True)),
    }


def published_indicators(partnership):
    """What the indicators app publishes for the past years, in every breakdown."""
    import indicators

    return {
        (period, group_by): indicators.compute(
            f"partnership:{partnership.pk}", period, group_by, today=date(2025, 2, 1)
        )
        for period in ("2021", "2022")
        for group_by in (None, "profil", "age_band", "sex", "orientation")
    }


def test_youth_turning_25_is_purged_before_the_three_years(cell, coordinator):
    case = make_case(cell, by=coordinator, birth_date=date(2000, 6, 1), signaled_on=date(2020, 1, 10))
    close(case, date(2024, 9, 1))
    fill(case, coordinator)
    youth_pk = case.youth_id

    assert retention_run(today=date(2025, 5, 31)).total()["cases_purged"] == 0
    run = retention_run(today=date(2025, 6, 1))

    assert [(d.case.pk, d.reason) for d in run.to_purge] == [(case.pk, PurgeReason.AGE_LIMIT)]
    case.refresh_from_db()
    assert case.status == Case.Status.PURGE
    assert case.purged_on == date(2025, 6, 1)
    assert case.youth is None
    assert not Youth.objects.filter(pk=youth_pk).exists()


def test_turning_25_purges_every_identity_row_of_the_youth(w, cell, coordinator):
    """A youth signalled twice has one identity row per signalement (as typed):
    the 25th birthday purges both, while a three-year purge takes only its
    own case's row and leaves the identity of the case still followed."""
    first = make_case(cell, by=coordinator, birth_date=date(2000, 6, 1), signaled_on=date(2018, 1, 10))
    close(first, date(2018, 6, 1))
    second = make_case(
        w["cells"]["Arras – quartiers ouest"],
        by=coordinator,
        first_name="JEAN",
        last_name=first.youth.last_name.upper(),
        birth_date=date(2000, 6, 1),
        signaled_on=date(2020, 1, 10),  # signalled again while the first case is archived
    )
    rows = [first.youth_id, second.youth_id]
    assert rows[0] != rows[1] and second.youth_number == first.youth_number

    retention_run(today=date(2021, 6, 1))  # three years after the first closure
    assert not Youth.objects.filter(pk=rows[0]).exists()
    assert Youth.objects.filter(pk=rows[1]).exists()

    run = retention_run(today=date(2025, 6, 1))

    assert [(d.case.pk, d.reason) for d in run.to_purge] == [(second.pk, PurgeReason.AGE_LIMIT)]
    assert not Youth.objects.filter(pk__in=rows).exists()
    assert set(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        Case.Status.PURGE
    }


def test_open_case_is_closed_with_reason_25_ans_then_purged(cell, coordinator):
    case = make_case(cell, by=coordinator, birth_date=date(2000, 6, 1), signaled_on=date(2024, 1, 10))
    assert case.is_open

    run = retention_run(today=date(2025, 6, 1))

    case.refresh_from_db()
    assert case.status == Case.Status.PURGE
    assert case.closure_reason == ClosureReason.AGE_LIMITE
    assert case.closed_on == date(2025, 6, 1)
    assert run.total()["cases_closed_25_ans"] == 1


def test_closed_case_is_purged_three_years_after_closure(cell, coordinator):
    case = make_case(cell, by=coordinator, birth_date=date(2008, 3, 14), signaled_on=date(2021, 1, 5))
    close(case, date(2022, 2, 1))
    fill(case, coordinator)

    retention_run(today=date(2025, 1, 31))
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVE  # archived, not yet purged

    run = retention_run(today=date(2025, 2, 1))
    assert [(d.case.pk, d.reason) for d in run.to_purge] == [(case.pk, PurgeReason.THREE_YEARS)]
    case.refresh_from_db()
    assert case.status == Case.Status.PURGE


def test_purge_removes_every_nominative_content(cell, coordinator):
    case = make_case(cell, by=coordinator, birth_date=date(2008, 3, 14), signaled_on=date(2021, 1, 5))
    close(case, date(2022, 2, 1))
    fill(case, coordinator)
    AccessLog.objects.create(
        user=coordinator, case=case, case_reference=case.reference, representation="full", channel="ui_detail"
    )
    assert CaseGroupObjectPermission.objects.filter(content_object=case).exists()

    counts = case_purge(case=case, reason=PurgeReason.THREE_YEARS, today=date(2025, 2, 1))

    assert [e.summary for e in JournalEntry.objects.filter(case=case)] == [
        "Purge des données nominatives (3 ans après la clôture)"
    ]
    assert Bilan.objects.get(case=case).text == ""
    rappel = RappelALOrdre.objects.get(case=case)
    assert (rappel.elu, rappel.parents_absence_reason, rappel.outcome) == (
        "",
        "",
        RappelALOrdre.Outcome.REALISE,
    )
    assert not PersonInformation.objects.filter(case=case).exists()
    assert not Disclosure.objects.filter(case=case).exists()
    assert not BreakGlassGrant.objects.filter(case=case).exists()
    assert not CaseGroupObjectPermission.objects.filter(content_object=case).exists()
    assert not CaseUserObjectPermission.objects.filter(content_object=case).exists()
    # The audit trail stays, by reference only.
    assert AccessLog.objects.filter(case=case, case_reference=case.reference).count() == 1
    assert counts["journal_entries"] == 2  # signalement + contact
    assert counts["youths"] == 1
    assert (
        counts["bilan_texts"]
        == counts["measure_texts"]
        == counts["informations"]
        == counts["disclosures"]
        == 1
    )


def test_purged_case_is_visible_to_nobody(cell, coordinator):
    case = make_case(cell, by=coordinator, birth_date=date(2008, 3, 14), signaled_on=date(2021, 1, 5))
    close(case, date(2022, 2, 1))
    retention_run(today=date(2025, 2, 1))
    assert not visible_cases(coordinator).filter(pk=case.pk).exists()


def test_purge_leaves_indicators_unchanged(w, cell, coordinator):
    partnership = w["partnerships"]["arras"]
    purged = make_case(cell, by=coordinator, birth_date=date(2008, 3, 14), signaled_on=date(2021, 1, 5))
    close(purged, date(2022, 2, 1), reason=ClosureReason.REFUS)
    fill(purged, coordinator)
    aged_out = make_case(
        cell, by=coordinator, birth_date=date(2000, 1, 15), signaled_on=date(2021, 3, 1), sex="F"
    )
    fill(aged_out, coordinator)
    kept = make_case(cell, by=coordinator, birth_date=date(2009, 5, 5), signaled_on=date(2021, 9, 9))
    fill(kept, coordinator)
    before = indicators(partnership, 2021)
    published_before = published_indicators(partnership)
    assert any(row.value for row in published_before[("2021", None)])

    run = retention_run(today=date(2025, 2, 1))

    assert run.total()["cases_purged"] == 2
    assert published_indicators(partnership) == published_before
    after = indicators(partnership, 2021)
    # The only change: the aged-out case now has a closure reason.
    assert after["closures"] == sorted(before["closures"] + [ClosureReason.AGE_LIMITE])
    after["closures"] = before["closures"]
    assert after == before


def test_dry_run_lists_without_changing_anything(cell, coordinator):
    case = make_case(cell, by=coordinator, birth_date=date(2000, 6, 1), signaled_on=date(2020, 1, 10))
    closed = make_case(cell, by=coordinator, birth_date=date(2009, 1, 1), signaled_on=date(2023, 1, 10))
    close(closed, date(2025, 5, 1))
    out = StringIO()

    call_command("purge_expired", "--dry-run", "--date", "2025-06-01", stdout=out)

    output = out.getvalue()
    assert f"à purger      {case.reference}  (25 ans du jeune)" in output
    assert f"à archiver    {closed.reference}" in output
    assert "1 situation(s) à purger, 1 à archiver." in output
    assert case.youth.last_name not in output and case.youth.first_name not in output
    case.refresh_from_db()
    closed.refresh_from_db()
    assert (case.status, closed.status) == (Case.Status.SIGNALE, Case.Status.CLOS)
    assert Youth.objects.filter(pk=case.youth_id).exists()
    assert not PurgeReport.objects.exists()


def test_command_purges_and_prints_counts(cell, coordinator):
    case = make_case(cell, by=coordinator, birth_date=date(2000, 6, 1), signaled_on=date(2020, 1, 10))
    out = StringIO()
    call_command("purge_expired", "--date", "2025-06-01", stdout=out)
    case.refresh_from_db()
    assert case.status == Case.Status.PURGE
    assert "situations purgées : 1" in out.getvalue()


def test_archive_happens_the_night_after_closure(cell, coordinator):
    case = make_case(cell, by=coordinator, birth_date=date(2009, 1, 1), signaled_on=date(2024, 1, 10))
    close(case, date(2025, 3, 10))

    retention_run(today=date(2025, 3, 10))
    case.refresh_from_db()
    assert case.status == Case.Status.CLOS  # the closure day stays in the active base

    retention_run(today=date(2025, 3, 11))
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVE
    assert case.archived_on == date(2025, 3, 11)
    assert not visible_cases(coordinator).filter(pk=case.pk).exists()
    assert case.youth is not None  # archived, not purged


def test_report_keeps_counts_never_names_or_references(w, cell, coordinator):
    case = make_case(
        cell,
        by=coordinator,
        first_name="Kevin",
        last_name="Durand",
        birth_date=date(2000, 6, 1),
        signaled_on=date(2020, 1, 10),
    )
    reference = case.reference

    retention_run(today=date(2025, 6, 1))

    report = PurgeReport.objects.get(partnership=w["partnerships"]["arras"])
    assert report.counts["cases_purged"] == 1
    assert report.counts["youths"] == 1
    assert report.run_on == date(2025, 6, 1)
    dumped = json.dumps(report.counts)
    assert reference not in dumped and "Durand" not in dumped and "Kevin" not in dumped
    # A report is written for every active partnership, even with nothing to do.
    assert PurgeReport.objects.filter(partnership=w["partnerships"]["lens"], counts={}).exists()


def test_journal_stays_append_only_outside_the_purge(cell, coordinator):
    case = make_case(cell, by=coordinator)
    case_purge(case=case, reason=PurgeReason.AGE_LIMIT, today=timezone.localdate())
    entry = JournalEntry.objects.get(case=case)
    # The purge flag was switched off again: raw deletes are refused.
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM casework_journalentry WHERE id = %s", [entry.pk])


def test_beat_runs_the_retention_job_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "casework.tasks.apply_retention"
    assert entry["schedule"].hour == {2} and entry["schedule"].day_of_week == set(range(7))


def test_celery_task_applies_retention(cell, coordinator, monkeypatch):
    case = make_case(cell, by=coordinator, birth_date=date(2000, 6, 1), signaled_on=date(2020, 1, 10))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: date(2025, 6, 1))
    result = apply_retention.apply().get()
    case.refresh_from_db()
    assert case.status == Case.Status.PURGE
    assert result["cases_purged"] == 1


def test_every_model_pointing_at_a_case_has_a_retention_decision():
    pointing = {
        f"{model._meta.app_label}.{model.__name__}"
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if f.many_to_one and f.related_model is Case and f.concrete
    }
    undecided = pointing - set(RETENTION_POLICY)
    assert not undecided, f"Decide what the purge does with {sorted(undecided)} (casework.services.retention)"


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2022, 2, 1), 3, date(2025, 2, 1)),
        (date(2024, 2, 29), 3, date(2027, 2, 28)),
        (date(2025, 2, 28), -25, date(2000, 2, 28)),
    ],
)
def test_years_later(day, years, expected):
    assert years_later(day, years) == expected
