"""Emails: one per notification (immediate), a daily digest, a weekly coordinator digest.

No email carries nominative data: only case references, rule labels, dates
and links to the application (settings.SITE_URL), where reading goes through
the charter. Each email goes out once: an immediate email is claimed under
the notification's row lock (`emailed_at`), a digest by a unique ledger key
(SentDigest) inserted in the same transaction as the send.
"""

from collections import Counter
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from casework.models import Membership, Partnership, User
from notifications.models import EmailMode, Notification, SentDigest, StallFlag
from notifications.rules import RULES
from notifications.selectors import notifications_for
from permissions.representations import case_filter_showing

SUBJECT_PREFIX = "[Veille jeunes] "


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(recipient, template: str, context: dict) -> None:
    context = {**context, "site_url": settings.SITE_URL.rstrip("/")}
    subject = SUBJECT_PREFIX + " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])


def _claim(queryset):
    """Lock the unsent notifications of `queryset` (FOR UPDATE: a second sender waits, then finds them sent)."""
    return list(
        queryset.filter(emailed_at__isnull=True)
        .select_for_update(of=("self",))
        .select_related("flag", "case", "recipient")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def notification_send_email(*, notification_id: int) -> bool:
    """Email one notification unless already emailed; True when an email left.

    If sending fails the transaction rolls back, `emailed_at` stays empty and
    the task's retry sends it again.
    """
    recipient = User.objects.filter(notifications__pk=notification_id).first()
    if recipient is None:
        return False
    # Only what the recipient may read in the application now: a case whose
    # lateness they no longer see (ended designation, unsigned charter) is not mailed.
    claimed = _claim(notifications_for(recipient).filter(pk=notification_id))
    if not claimed or not recipient.email:
        return False
    notification = claimed[0]
    _send(
        notification.recipient,
        "notifications/email/notification",
        {
            "notification": notification,
            "url": absolute_url(reverse("relances:open", args=[notification.pk])),
        },
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def _ledger(key: str) -> bool:
    """Record `key` in the digest ledger; False if it was already there."""
    try:
        with transaction.atomic():
            SentDigest.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def daily_digest_recipients() -> list[int]:
    """Users in digest mode with notifications not yet emailed."""
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            recipient__notification_preference__email_mode=EmailMode.DAILY,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by()
    )


@transaction.atomic
def digest_send_daily(*, user_id: int, day: date) -> bool:
    """Send `user_id` one email listing their notifications not yet emailed whose
    stall is still open; once per day."""
    if not _ledger(f"daily:{user_id}:{day.isoformat()}"):
        return False
    recipient = User.objects.filter(pk=user_id).first()
    if recipient is None:
        return False
    claimed = _claim(notifications_for(recipient))  # see notification_send_email
    # A stall that ended since (activity resumed, case closed) is no longer
    # worth a reminder: it is left out, and settled so that no digest waits on it.
    notifications = [n for n in claimed if n.flag.cleared_at is None and n.case.is_open]
    settled = [n.pk for n in claimed if n not in notifications]
    if settled:
        Notification.objects.filter(pk__in=settled).update(emailed_at=timezone.now())
    if not notifications or not recipient.email:
        return False
    _send(
        notifications[0].recipient,
        "notifications/email/daily_digest",
        {"notifications": notifications, "day": day, "url": absolute_url(reverse("relances:index"))},
    )
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
    return True


def weekly_digest_targets(today: date) -> list[tuple[int, int]]:
    """(coordinator, partnership) pairs for this week's digest: partnerships with open stalls."""
    stalled_partnerships = StallFlag.objects.open().values("case__partnership_id")
    return list(
        Membership.objects.current(today)
        .filter(
            role=Membership.Role.COORDONNATEUR,
            user__is_active=True,
            partnership_id__in=stalled_partnerships,
        )
        .exclude(user__email="")
        .values_list("user_id", "partnership_id")
        .distinct()
        .order_by()
    )


@transaction.atomic
def digest_send_weekly(*, user_id: int, partnership_id: int, today: date) -> bool:
    """Send a coordinator the week's stalled cases of the partnership: counts per reason and references.

    Only cases whose lateness the coordinator reads are listed; once per ISO week.
    """
    year, week, _ = today.isocalendar()
    if not _ledger(f"weekly:{user_id}:{partnership_id}:{year}-W{week:02d}"):
        return False
    membership = (
        Membership.objects.current(today)
        .filter(user_id=user_id, partnership_id=partnership_id, role=Membership.Role.COORDONNATEUR)
        .select_related("user")
        .first()
    )
    if membership is None or not membership.user.email:
        return False
    user = membership.user
    flags = list(
        StallFlag.objects.open()
        .filter(case_filter_showing(user, "case", "overdue"), case__partnership_id=partnership_id)
        .select_related("case")
        .order_by("rule", "since", "case__reference")
    )
    if not flags:
        return False
    counts = Counter(flag.rule for flag in flags)
    _send(
        user,
        "notifications/email/weekly_digest",
        {
            "partnership": Partnership.objects.get(pk=partnership_id),
            "today": today,
            "counts": [(rule.label, counts[rule.code]) for rule in RULES if counts[rule.code]],
            "flags": flags,
            "url": absolute_url(reverse("relances:dashboard")),
        },
    )
    return True
