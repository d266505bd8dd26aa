"""Retention runs that overlap, run late or run out of time; typed reasons do not outlive a purge."""

import time
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from casework.locks import single_run
from casework.models import Case, JournalEntry, PurgeReport
from casework.models.codes import ClosureReason
from casework.services.errors import TransitionNotAllowed
from casework.services.retention import (
    PurgeReason,
    case_archive,
    case_close_at_age_limit,
    case_purge,
    retention_run,
)
from casework.tasks import RETENTION_LOCK_SECONDS, RETENTION_RUN, apply_retention
from permissions.access_log import BREAK_GLASS_REASON
from permissions.models import AccessLog
from tests.factories import make_case

PURGE_DAY = date(2025, 6, 1)


def aged_out(cell, coordinator):
    """An open case whose youth turned 25 before PURGE_DAY."""
    return make_case(cell, by=coordinator, birth_date=date(2000, 5, 1), signaled_on=date(2020, 1, 10))


def close(case, on, reason=ClosureReason.OBJECTIFS):
    # Test setup: a closure recorded elsewhere (the cell's decision) while the run was going.
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOS, closed_on=on, closure_reason=reason)


def log(case, user, channel, reason=""):
    return AccessLog.objects.create(
        user=user,
        case=case,
        case_reference=case.reference,
        representation="full",
        channel=channel,
        reason=reason,
    )


def test_purge_blanks_archive_reasons_and_keeps_the_access_rows(cell, coordinator):
    case = aged_out(cell, coordinator)
    typed = log(case, coordinator, AccessLog.Channel.ARCHIVE, "Demande du juge pour Jean Testeur")
    glass = log(case, coordinator, AccessLog.Channel.UI_DETAIL, BREAK_GLASS_REASON)

    counts = case_purge(case=case, reason=PurgeReason.AGE_LIMIT, today=PURGE_DAY)

    typed.refresh_from_db()
    glass.refresh_from_db()
    assert (typed.reason, typed.case_reference, typed.user) == ("", case.reference, coordinator)
    assert glass.reason == BREAK_GLASS_REASON  # a fixed label, not typed text
    assert counts["access_reasons"] == 1


def test_access_log_reasons_stay_unchangeable_outside_the_purge(cell, coordinator):
    case = make_case(cell, by=coordinator)
    row = log(case, coordinator, AccessLog.Channel.ARCHIVE, "Contrôle du DPO")
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE permissions_accesslog SET reason = '' WHERE id = %s", [row.pk])


def test_purging_a_case_twice_changes_nothing_the_second_time(cell, coordinator):
    case = aged_out(cell, coordinator)
    stale = Case.objects.get(pk=case.pk)  # as a second run listed it, before the first purged it
    case_purge(case=case, reason=PurgeReason.AGE_LIMIT, today=PURGE_DAY)
    entries = list(JournalEntry.objects.filter(case=case).values_list("pk", "summary"))

    counts = case_purge(case=stale, reason=PurgeReason.AGE_LIMIT, today=PURGE_DAY)

    assert counts == {}
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (Case.Status.PURGE, ClosureReason.AGE_LIMITE)
    assert list(JournalEntry.objects.filter(case=case).values_list("pk", "summary")) == entries


def test_a_closure_recorded_during_the_run_keeps_its_reason_and_date(cell, coordinator):
    case = aged_out(cell, coordinator)
    listed = Case.objects.get(pk=case.pk)  # the run listed it while it was open
    close(case, date(2025, 5, 30), reason=ClosureReason.DEMENAGEMENT)

    counts = case_purge(case=listed, reason=PurgeReason.AGE_LIMIT, today=PURGE_DAY)

    case.refresh_from_db()
    assert case.status == Case.Status.PURGE
    assert (case.closure_reason, case.closed_on) == (ClosureReason.DEMENAGEMENT, date(2025, 5, 30))
    assert "cases_closed_25_ans" not in counts


def test_age_limit_closure_refuses_a_case_closed_meanwhile(cell, coordinator):
    case = aged_out(cell, coordinator)
    listed = Case.objects.get(pk=case.pk)
    close(case, date(2025, 5, 30), reason=ClosureReason.DEMENAGEMENT)
    with pytest.raises(TransitionNotAllowed):
        case_close_at_age_limit(case=listed, today=PURGE_DAY)
    case.refresh_from_db()
    assert case.closure_reason == ClosureReason.DEMENAGEMENT


def test_archiving_refuses_a_case_no_longer_closed(cell, coordinator):
    case = aged_out(cell, coordinator)
    listed = Case.objects.get(pk=case.pk)
    case_purge(case=case, reason=PurgeReason.AGE_LIMIT, today=PURGE_DAY)
    listed.status = Case.Status.CLOS  # what a run listed before the purge
    with pytest.raises(TransitionNotAllowed):
        case_archive(case=listed, today=PURGE_DAY)
    case.refresh_from_db()
    assert case.status == Case.Status.PURGE


def test_a_run_out_of_time_defers_the_rest_and_still_reports(w, cell, coordinator):
    cases = [aged_out(cell, coordinator) for _ in range(3)]

    run = retention_run(today=PURGE_DAY, deadline=time.monotonic())

    assert run.total()["cases_deferred"] == 3
    assert "cases_purged" not in run.total()
    assert Case.objects.filter(pk__in=[c.pk for c in cases], status=Case.Status.PURGE).count() == 0
    report = PurgeReport.objects.get(partnership=w["partnerships"]["arras"], run_on=PURGE_DAY)
    assert report.counts == {"cases_deferred": 3}

    # The next run takes them up: they are still due.
    assert retention_run(today=PURGE_DAY).total()["cases_purged"] == 3


def test_the_command_refuses_to_run_beside_another_run(cell, coordinator):
    case = aged_out(cell, coordinator)
    with single_run(RETENTION_RUN, timeout=RETENTION_LOCK_SECONDS) as acquired:
        assert acquired
        with pytest.raises(CommandError, match="déjà en cours"):
            call_command("purge_expired", "--date", PURGE_DAY.isoformat(), stdout=StringIO())
        # A dry run changes nothing: it needs no lock.
        out = StringIO()
        call_command("purge_expired", "--dry-run", "--date", PURGE_DAY.isoformat(), stdout=out)
        assert "1 situation(s) à purger" in out.getvalue()
    case.refresh_from_db()
    assert case.status == Case.Status.SIGNALE

    call_command("purge_expired", "--date", PURGE_DAY.isoformat(), stdout=StringIO())
    case.refresh_from_db()
    assert case.status == Case.Status.PURGE


def test_the_nightly_task_skips_while_the_command_runs(cell, coordinator, monkeypatch):
    case = aged_out(cell, coordinator)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: PURGE_DAY)
    with single_run(RETENTION_RUN, timeout=RETENTION_LOCK_SECONDS):
        assert apply_retention.apply().get() == "skipped"
    case.refresh_from_db()
    assert case.status == Case.Status.SIGNALE
    assert apply_retention.apply().get()["cases_purged"] == 1
