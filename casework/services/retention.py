"""Retention of case data (domain.md §4.9, CNIL AU-038 art. 5), applied automatically.

Life cycle, in plain language:

- While the follow-up runs, the case is in the active base.
- A closed case moves to the *intermediate archive* (status ARCHIVE) the night
  after its closure day: the daily job archives every CLOS case closed before
  today. The closure day is left for finishing the closing journal; from then
  on only the partnership's coordinator opens the file, each time with a
  reason (permissions.archive).
- Three years after closure, or on the youth's 25th birthday, whichever comes
  first, the job *purges* the case: the youth's identity and every nominative
  or free-text content go; the Case row stays with its coded, non-nominative
  facts (age at signalement, sex, commune, profile, motifs, dates, measures'
  codes and outcomes) in status PURGE, so that indicators computed from them
  do not change. An open case reaching the 25th birthday is first closed with
  reason "25 ans" (nothing is kept beyond 25).
- Each run writes, per partnership, a PurgeReport of counts (never names or
  references).

Dates: "n years after" a 29 February falls on 28 February in other years:
purging one day early is the safe side.

Every model that points at a case is listed in RETENTION_POLICY with what the
purge does to it; tests fail when a new one is added without a decision.
"""

import logging
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from casework.models import (
    Bilan,
    Case,
    JournalEntry,
    MeasureStatus,
    Partnership,
    PendingStep,
    PersonInformation,
    PurgeReport,
    RappelALOrdre,
    Youth,
)
from casework.models.codes import ClosureReason
from casework.services.closure import end_measures
from casework.services.journal import journal_log
from casework.services.transitions import require_status
from casework.signals import case_closed, case_closed_outside_parcours
from permissions import services as access
from permissions.models import AccessLog, BreakGlassGrant, Disclosure

logger = logging.getLogger(__name__)

RETENTION_YEARS_AFTER_CLOSURE = 3


class PurgeReason:
    THREE_YEARS = "3_ans"
    AGE_LIMIT = "25_ans"

    LABELS = {THREE_YEARS: "3 ans après la clôture", AGE_LIMIT: "25 ans du jeune"}


# What the purge does to each model that points at a case (label: policy).
RETENTION_POLICY = {
    "casework.JournalEntry": "deleted (notes, contacts, summaries); one non-nominative purge entry is written",
    "casework.Bilan": "text blanked; coded fields kept (bilans indicator)",
    "casework.RappelALOrdre": "free text blanked (élu, absence reason); coded outcome kept (indicator)",
    "casework.CddfReferral": "kept: dates and codes only",
    "casework.Decision": "kept: codes only",
    "casework.ReferentDesignation": "kept: dates, codes and the staff member",
    "casework.CaseMotif": "kept: codes only",
    "casework.PendingStep": "kept: step codes and dates; open steps closed, so no timer flags a purged case",
    "workflows.CaseProcess": "kept: no nominative data; its tasks leave every queue (visible_cases excludes PURGE)",
    "casework.PersonInformation": "deleted",
    "permissions.Disclosure": "deleted (free-text reason)",
    "permissions.CaseUserObjectPermission": "deleted (permissions.services.case_revoke_all)",
    "permissions.CaseGroupObjectPermission": "deleted (permissions.services.case_revoke_all)",
    "permissions.AccessLog": "kept: audit trail by reference; archive openings' typed reasons blanked",
    "notifications.StallFlag": "kept: rule codes and dates; the next scan clears the flags of a case no longer open",
    "notifications.Notification": "kept: reference and rule only; hidden (visible_cases excludes PURGE)",
    "meetings.AgendaItem": "kept: agenda kind and coded decision (its label is built from codes, no free text); "
    "pending items were withdrawn when the case closed (case_closed)",
    "permissions.BreakGlassGrant": "deleted (free-text reason); its reads stay in the access log",
}


def years_later(day: date, years: int) -> date:
    """`day` shifted by `years` (negative: earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def purge_due_on(case: Case, birth_date: date | None) -> tuple[date, str] | None:
    """The date the case must be purged and why, or None while nothing fixes it yet."""
    candidates = []
    if case.closed_on is not None:
        candidates.append(
            (years_later(case.closed_on, RETENTION_YEARS_AFTER_CLOSURE), PurgeReason.THREE_YEARS)
        )
    if birth_date is not None:
        candidates.append((years_later(birth_date, settings.YOUTH_MAX_AGE), PurgeReason.AGE_LIMIT))
    return min(candidates) if candidates else None


@dataclass(frozen=True)
class DuePurge:
    case: Case
    reason: str


def cases_due_for_purge(today: date) -> list[DuePurge]:
    """Cases (any status but PURGE) whose purge date has come, oldest reference first."""
    # One day of slack in SQL for the 29 February rule; the exact test is purge_due_on.
    closure_cutoff = years_later(today, -RETENTION_YEARS_AFTER_CLOSURE) + timedelta(days=1)
    birth_cutoff = years_later(today, -settings.YOUTH_MAX_AGE) + timedelta(days=1)
    candidates = (
        Case.objects.exclude(status=Case.Status.PURGE)
        .filter(Q(closed_on__lte=closure_cutoff) | Q(youth__birth_date__lte=birth_cutoff))
        .select_related("youth", "partnership")
        .order_by("reference")
    )
    due = []
    for case in candidates:
        when = purge_due_on(case, case.youth.birth_date if case.youth else None)
        if when is not None and when[0] <= today:
            due.append(DuePurge(case=case, reason=when[1]))
    return due


def cases_due_for_archive(today: date):
    """Closed cases whose closure day is over."""
    return Case.objects.filter(status=Case.Status.CLOS, closed_on__lt=today).order_by("reference")


@transaction.atomic
def case_archive(*, case: Case, today: date) -> Case:
    """Move a closed case to the intermediate archive.

    Raises TransitionNotAllowed when the case is no longer closed (re-read
    under a lock: a concurrent run may have purged it).
    """
    require_status(case, Case.Status.CLOS)
    previous = case.status
    case.status = Case.Status.ARCHIVE
    case.archived_on = today
    case.save(update_fields=["status", "archived_on", "updated_at"])
    journal_log(
        case=case,
        actor=None,
        kind=JournalEntry.Kind.STATUS,
        summary="Versement en archive intermédiaire (consultation ponctuelle et motivée)",
        from_status=previous,
        to_status=case.status,
        occurred_on=today,
    )
    return case


@transaction.atomic
def case_close_at_age_limit(*, case: Case, today: date) -> Case:
    """Close an open case because the youth turned 25 (nothing is kept beyond 25).

    Running measures are abandoned and designations ended (référents lose
    the file at once); the purge that follows removes every other grant. The
    case's parcours is ended by the `case_closed_outside_parcours` receivers,
    its pending agenda items withdrawn by the `case_closed` receivers.
    Raises TransitionNotAllowed when the case is no longer open (re-read under
    a lock: a coordinator may have closed it since the run listed it, and that
    closure's reason and date stand).
    """
    require_status(case, *Case.OPEN_STATUSES)
    previous = case.status
    end_measures(case, today, status=MeasureStatus.ABANDONNEE)
    case.status = Case.Status.CLOS
    case.closed_on = today
    case.closure_reason = ClosureReason.AGE_LIMITE
    case.save(update_fields=["status", "closed_on", "closure_reason", "updated_at"])
    journal_log(
        case=case,
        actor=None,
        kind=JournalEntry.Kind.CLOSURE,
        summary=f"Clôture automatique : {ClosureReason.AGE_LIMITE.label}",
        from_status=previous,
        to_status=case.status,
        occurred_on=today,
        data={"closure_reason": ClosureReason.AGE_LIMITE.value},
    )
    case_closed_outside_parcours.send(sender=Case, case=case)
    case_closed.send(sender=Case, case=case, by=None)
    return case


@contextmanager
def _purge_flag() -> Iterator:
    """A cursor under which the append-only triggers accept the purge's changes.

    On PostgreSQL the triggers of the case journal and of the access log let
    the purge's DELETE or blanking through only while the transaction-local
    flag `veille.purge` is on; it is switched off again at once so that
    nothing else in the transaction benefits from it.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('veille.purge', 'on', true)")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('veille.purge', 'off', true)")


def _delete_journal(case: Case) -> int:
    """Delete the case's journal: the one deletion the append-only journal allows."""
    with _purge_flag() as cursor:
        cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table} WHERE case_id = %s", [case.pk])
        return cursor.rowcount


def _blank_access_reasons(case: Case) -> int:
    """Blank the typed reasons of the case's archive openings; the access-log rows stay.

    An archive opening's reason is free text typed by a coordinator and may
    name the youth despite the form's warning: nothing nominative outlives
    the purge. Other channels' reasons are fixed labels (break the glass,
    right of access) and stay, as does who read what, when and how.
    """
    with _purge_flag() as cursor:
        cursor.execute(
            f"UPDATE {AccessLog._meta.db_table} SET reason = '' "
            "WHERE case_id = %s AND channel = %s AND reason <> ''",
            [case.pk, AccessLog.Channel.ARCHIVE],
        )
        return cursor.rowcount


@transaction.atomic
def case_purge(*, case: Case, reason: str, today: date) -> Counter:
    """Purge the case's nominative content and its youth's identity; returns counts per kind.

    Keeps the Case row (status PURGE) with its non-nominative facts. The youth
    row is deleted unless another, unpurged case still points at it.
    Decides on the row re-read under a lock: a case another run purged in the
    meantime is left as it is (empty counts).
    """
    counts: Counter = Counter()
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.PURGE:
        return counts
    if case.is_open:
        case_close_at_age_limit(case=case, today=today)
        counts["cases_closed_25_ans"] += 1
        case.refresh_from_db()
    previous = case.status

    counts["journal_entries"] += _delete_journal(case)
    counts["access_reasons"] += _blank_access_reasons(case)
    counts["bilan_texts"] += Bilan.objects.filter(case=case).exclude(text="").update(text="")
    counts["measure_texts"] += (
        RappelALOrdre.objects.filter(case=case)
        .exclude(elu="", parents_absence_reason="")
        .update(elu="", parents_absence_reason="")
    )
    counts["informations"] += PersonInformation.objects.filter(case=case).delete()[0]
    counts["disclosures"] += Disclosure.objects.filter(case=case).delete()[0]
    counts["break_glass"] += BreakGlassGrant.objects.filter(case=case).delete()[0]
    counts["permissions"] += access.case_revoke_all(case=case)
    PendingStep.objects.filter(case=case).open().update(closed_on=today)

    youth_id = case.youth_id
    case.youth = None
    case.status = Case.Status.PURGE
    case.purged_on = today
    case.save(update_fields=["youth", "status", "purged_on", "updated_at"])
    if youth_id is not None and not Case.objects.filter(youth_id=youth_id).exists():
        counts["youths"] += Youth.objects.filter(pk=youth_id).delete()[0]

    journal_log(
        case=case,
        actor=None,
        kind=JournalEntry.Kind.STATUS,
        summary=f"Purge des données nominatives ({PurgeReason.LABELS[reason]})",
        from_status=previous,
        to_status=case.status,
        occurred_on=today,
        data={"purge_reason": reason},
    )
    counts["cases_purged"] += 1
    counts[f"cases_purged_{reason}"] += 1
    return counts


@dataclass
class RetentionRun:
    """What a run did (or would do, for a dry run), per partnership."""

    today: date
    dry_run: bool
    to_archive: list[Case] = field(default_factory=list)
    to_purge: list[DuePurge] = field(default_factory=list)
    counts: dict[int, Counter] = field(default_factory=dict)
    reports: list[PurgeReport] = field(default_factory=list)

    def total(self) -> Counter:
        total: Counter = Counter()
        for counts in self.counts.values():
            total.update(counts)
        return total


def retention_run(
    *, today: date | None = None, dry_run: bool = False, deadline: float | None = None
) -> RetentionRun:
    """Purge what is due, then archive what was closed before today; report per partnership.

    Each case is handled in its own transaction: one failure is logged (by
    case id, never by name) and counted, and does not stop the others. A dry
    run only lists.

    `deadline` (a `time.monotonic()` value) bounds the run: past it, no case
    is started and the rest are counted as deferred (`cases_deferred`); the
    next run takes them up, since they are still due. The reports are written
    either way, so a backlog never loses what a run did.
    """
    today = today or timezone.localdate()
    run = RetentionRun(today=today, dry_run=dry_run)
    run.to_purge = cases_due_for_purge(today)
    purged_ids = {due.case.pk for due in run.to_purge}
    run.to_archive = [case for case in cases_due_for_archive(today) if case.pk not in purged_ids]
    if dry_run:
        return run

    partnerships = {p.pk: p for p in Partnership.objects.filter(is_active=True)}
    run.counts = {pk: Counter() for pk in partnerships}

    def out_of_time() -> bool:
        return deadline is not None and time.monotonic() >= deadline

    for due in run.to_purge:
        counts = run.counts.setdefault(due.case.partnership_id, Counter())
        if out_of_time():
            counts["cases_deferred"] += 1
            continue
        try:
            counts.update(case_purge(case=due.case, reason=due.reason, today=today))
        except Exception:
            logger.exception("Retention: purge of case id %s failed", due.case.pk)
            counts["errors"] += 1
    for case in run.to_archive:
        counts = run.counts.setdefault(case.partnership_id, Counter())
        if out_of_time():
            counts["cases_deferred"] += 1
            continue
        try:
            case_archive(case=case, today=today)
            counts["cases_archived"] += 1
        except Exception:
            logger.exception("Retention: archiving of case id %s failed", case.pk)
            counts["errors"] += 1
    for partnership_id, counts in run.counts.items():
        run.reports.append(
            PurgeReport.objects.create(partnership_id=partnership_id, run_on=today, counts=dict(counts))
        )
    return run
