"""The only writers of stall flags, notifications and preferences.

`stalls_scan` is the whole detection pass: per rule, one query finds the
stalled cases, flags are opened and closed in bulk, the case journals get one
entry per change (in bulk), flags escalate by level in one UPDATE per level,
and the notifications each step owes are created once (unique per flag, level
and recipient). Emails leave after commit, through Celery tasks.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from casework.models import Case, JournalEntry, MeasureStatus, Membership, ReferentDesignation
from casework.services.errors import ServiceError
from casework.services.journal import journal_log_many
from notifications.detection import stalled_cases
from notifications.models import (
    EmailMode,
    Notification,
    NotificationPreference,
    ScanState,
    StallFlag,
    StallLevel,
)
from notifications.rules import RULES, RULES_BY_CODE, Delays, Responsible, default_days
from notifications.selectors import notifications_for


@dataclass
class ScanResult:
    """What one scan changed; `lines()` is the French summary the command prints."""

    today: date
    flagged: Counter = field(default_factory=Counter)
    cleared: Counter = field(default_factory=Counter)
    escalated: Counter = field(default_factory=Counter)
    notifications: int = 0
    open_by_rule: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "flagged": dict(self.flagged),
            "cleared": dict(self.cleared),
            "escalated": {str(level): n for level, n in self.escalated.items()},
            "notifications": self.notifications,
            "open_by_rule": self.open_by_rule,
        }

    def lines(self) -> list[str]:
        lines = [f"Détection des situations bloquées au {self.today:%d/%m/%Y}"]
        for rule in RULES:
            lines.append(
                f"  {rule.label} : {self.open_by_rule.get(rule.code, 0)} en cours "
                f"(+{self.flagged[rule.code]} nouvelles, -{self.cleared[rule.code]} levées)"
            )
        lines.append(
            f"  Escalades : {self.escalated[StallLevel.ALERTE]} alertes au coordonnateur, "
            f"{self.escalated[StallLevel.SEANCE]} propositions d'inscription en séance"
        )
        lines.append(f"  Notifications créées : {self.notifications}")
        return lines


def _lock_scan_state() -> ScanState:
    """Take the scan's row lock (created on first use; flushed test DBs have no row)."""
    ScanState.objects.get_or_create(pk=1)
    return ScanState.objects.select_for_update().get(pk=1)


@transaction.atomic
def stalls_scan(*, now: datetime | None = None) -> ScanResult:
    """Evaluate every rule at `now` and bring flags, journals and notifications up to date.

    Idempotent: a second scan at the same `now` changes nothing. Two scans
    that run together are serialised by the ScanState row lock, and the
    database constraints (one open flag per case and rule, one notification
    per flag, level and recipient) hold even without it.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    state = _lock_scan_state()
    delays = Delays.load()
    result = ScanResult(today=today)
    journal: list[dict] = []
    for rule in RULES:
        stalled = stalled_cases(rule, today, delays)
        open_flags = StallFlag.objects.open().filter(rule=rule.code)

        new_rows = stalled.exclude(Exists(open_flags.filter(case=OuterRef("pk")))).values_list(
            "pk", "partnership_id", "anchor", "due_override"
        )
        created = StallFlag.objects.bulk_create(
            [
                StallFlag(
                    case_id=case_id,
                    rule=rule.code,
                    since=due_override or anchor + timedelta(days=delays.days(partnership_id, rule.step)),
                    level=StallLevel.RELANCE,
                    escalated_on=today,
                )
                for case_id, partnership_id, anchor, due_override in new_rows
            ]
        )
        result.flagged[rule.code] = len(created)
        journal += [
            _journal_entry(flag.case_id, today, f"Situation bloquée : {rule.label.lower()}", flag, "stalled")
            for flag in created
        ]

        # Activity resumed (or the case left this step, or was closed): close the flag.
        to_clear = list(
            open_flags.exclude(case__in=stalled.values("pk")).values_list("pk", "case_id", "case__status")
        )
        StallFlag.objects.filter(pk__in=[pk for pk, _, _ in to_clear]).update(cleared_at=now)
        result.cleared[rule.code] = len(to_clear)
        journal += [
            _journal_entry(case_id, today, f"Blocage levé : {rule.label.lower()}", pk, "cleared")
            for pk, case_id, status in to_clear
            if status in Case.OPEN_STATUSES  # closed, archived and purged cases get no new entries
        ]
    journal_log_many(entries=journal)

    result.escalated = _escalate(today, delays)
    result.notifications = _notify_pending(today)
    result.open_by_rule = dict(Counter(StallFlag.objects.open().values_list("rule", flat=True).order_by()))
    state.last_started_at = now
    state.last_finished_at = timezone.now()
    state.last_summary = result.as_dict()
    state.save()
    return result


def _journal_entry(case_id: int, today: date, summary: str, flag, event: str) -> dict:
    # No actor: the scan is not activity, so these entries never reset `contact_gap`.
    return {
        "case_id": case_id,
        "actor": None,
        "kind": JournalEntry.Kind.OTHER,
        "summary": summary,
        "occurred_on": today,
        "data": {"stall": {"flag": getattr(flag, "pk", flag), "event": event}},
    }


def _escalate(today: date, delays: Delays) -> Counter:
    """Raise open flags to the highest level whose delay has passed: one UPDATE per level."""
    escalated = Counter()
    for level, suffix in ((StallLevel.SEANCE, "seance"), (StallLevel.ALERTE, "alerte")):
        due = reduce(
            or_,
            (
                Q(rule=rule.code)
                & delays.q(f"{rule.step}.{suffix}", "since", today, partnership_field="case__partnership_id")
                for rule in RULES
            ),
        )
        escalated[level] = (
            StallFlag.objects.open()
            .filter(level__lt=level)
            .filter(due)
            .update(level=level, escalated_on=today)
        )
    return escalated


def coordinators_by_partnership(partnership_ids, today: date) -> dict[int, list[int]]:
    """Active users with a current coordinator membership, per partnership (one query)."""
    rows = (
        Membership.objects.current(today)
        .filter(role=Membership.Role.COORDONNATEUR, partnership_id__in=partnership_ids, user__is_active=True)
        .values_list("partnership_id", "user_id")
        .distinct()
    )
    result: dict[int, list[int]] = defaultdict(list)
    for partnership_id, user_id in rows:
        result[partnership_id].append(user_id)
    return result


def _referents_by_case(case_ids) -> dict[int, list[int]]:
    rows = (
        ReferentDesignation.objects.filter(
            case_id__in=case_ids,
            referent__isnull=False,
            referent__is_active=True,
            ended_on__isnull=True,
            status=MeasureStatus.EN_COURS,
        )
        .values_list("case_id", "referent_id")
        .distinct()
    )
    result: dict[int, list[int]] = defaultdict(list)
    for case_id, user_id in rows:
        result[case_id].append(user_id)
    return result


def _notify_pending(today: date) -> int:
    """Create the notifications every open flag owes up to its level; enqueue immediate emails.

    Level 1 goes to the person responsible for the step (the référent, or the
    coordinators when the rule is theirs or no référent is named); levels 2 and
    3 go to the partnership's coordinators. A flag that jumps levels in one
    scan (detected late) gets its reminder and its current level, not the
    levels in between.
    """
    pending = list(
        StallFlag.objects.open()
        .filter(notified_level__lt=F("level"))
        .values_list("pk", "case_id", "case__partnership_id", "rule", "level", "notified_level")
    )
    if not pending:
        return 0
    coordinators = coordinators_by_partnership({row[2] for row in pending}, today)
    referents = _referents_by_case(
        {row[1] for row in pending if RULES_BY_CODE[row[3]].responsible == Responsible.REFERENT}
    )
    notifications = []
    for flag_id, case_id, partnership_id, rule, level, notified_level in pending:
        steps = []
        if notified_level < StallLevel.RELANCE:
            responsible = (
                referents.get(case_id) if RULES_BY_CODE[rule].responsible == Responsible.REFERENT else None
            )
            steps.append((StallLevel.RELANCE, responsible or coordinators.get(partnership_id, [])))
        if level > StallLevel.RELANCE:
            steps.append((level, coordinators.get(partnership_id, [])))
        notifications += [
            Notification(recipient_id=user_id, case_id=case_id, flag_id=flag_id, level=step)
            for step, recipients in steps
            for user_id in recipients
        ]
    flag_ids = [row[0] for row in pending]
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    StallFlag.objects.filter(pk__in=flag_ids).update(notified_level=F("level"))

    from notifications.tasks import send_notification_email

    immediate = (
        Notification.objects.filter(flag_id__in=flag_ids, emailed_at__isnull=True)
        .exclude(recipient__notification_preference__email_mode=EmailMode.DAILY)
        .values_list("pk", flat=True)
    )
    for notification_id in immediate:
        send_notification_email.delay_on_commit(notification_id)
    return len(notifications)


@transaction.atomic
def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications (all, or those in `ids`) as read;
    returns how many. Only those the user may still see (`notifications_for`):
    the count must not tell how many concern cases out of their sight."""
    queryset = notifications_for(user).unread()
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, user, email_mode: str) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_mode": EmailMode(email_mode)}
    )
    return preference


DELAYS_OUT_OF_ORDER = (
    "« {rule} » : l'inscription en séance doit venir après l'alerte au coordonnateur "
    "({alerte} jours puis {seance} jours)."
)
NOT_COORDINATOR = "Seuls les coordonnateurs du partenariat peuvent modifier ses délais de relance."


def is_coordinator(user, partnership) -> bool:
    return (
        Membership.objects.current()
        .filter(user=user, partnership=partnership, role=Membership.Role.COORDONNATEUR)
        .exists()
    )


@transaction.atomic
def stall_delays_set(*, partnership, by, values: dict[str, dict[str, int | None]]) -> None:
    """Override a partnership's stall delays: {rule code: {"deadline"|"alerte"|"seance": days or None}}.

    None restores the default. Refused (ServiceError) unless `by` coordinates
    the partnership, or when a rule's séance delay does not come after its alert.
    """
    from casework.services.deadlines import step_deadlines_set

    if not is_coordinator(by, partnership):
        raise ServiceError(NOT_COORDINATOR)
    delays = Delays.load()
    days_by_step: dict[str, int | None] = {}
    for code, fields in values.items():
        rule = RULES_BY_CODE[code]
        step, alerte_step, seance_step = rule.steps
        effective = {}
        for key, rule_step in (("deadline", step), ("alerte", alerte_step), ("seance", seance_step)):
            if key in fields:
                days_by_step[rule_step] = fields[key]
            effective[key] = (
                (fields[key] if fields.get(key) is not None else default_days(rule_step))
                if key in fields
                else delays.days(partnership.pk, rule_step)
            )
        if effective["seance"] <= effective["alerte"]:
            raise ServiceError(
                DELAYS_OUT_OF_ORDER.format(
                    rule=rule.label, alerte=effective["alerte"], seance=effective["seance"]
                )
            )
    step_deadlines_set(partnership=partnership, days_by_step=days_by_step)
