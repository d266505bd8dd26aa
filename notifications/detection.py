"""One SQL query per rule: the open cases that are stalled on `today`.

Each rule's candidates are open cases annotated with `anchor`, the date its
clock started (signalement, decision, designation, acceptance, last activity,
last bilan…). A case is stalled when its anchor is at least the partnership's
delay old (`Delays.q`), or, for bilans, when the due date the cell fixed has
passed. Everything is a queryset: nothing here loops over cases.
"""

from collections.abc import Callable
from datetime import date

from django.db.models import DateField, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from casework.models import Bilan, Case, JournalEntry, MeasureStatus, ReferentDesignation
from notifications.rules import RULES_BY_CODE, Delays, StallRule


def _open_cases() -> QuerySet[Case]:
    return Case.objects.filter(status__in=Case.OPEN_STATUSES)


def _in_follow_up() -> QuerySet[Case]:
    """Cases whose measures run (ORIENTE): a case waiting for its examen du
    bilan is the cell's to move, not the référent's."""
    return Case.objects.filter(status=Case.Status.ORIENTE)


def _designations(**filters) -> QuerySet[ReferentDesignation]:
    """Running designations of the outer case."""
    return ReferentDesignation.objects.filter(
        case=OuterRef("pk"), ended_on__isnull=True, status=MeasureStatus.EN_COURS, **filters
    )


def _earliest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(queryset.order_by(field).values(field)[:1], output_field=DateField())


def _latest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1], output_field=DateField())


def _latest_journal(queryset: QuerySet[JournalEntry]) -> Subquery:
    """The latest `occurred_on` of the outer case's journal entries in `queryset`.

    An aggregate over the case's own entries, not ORDER BY … LIMIT 1: filtered
    on kinds, PostgreSQL chose to walk the journal's (kind, occurred_on)
    index of a million entries newest first for each case, until it met one
    of that case (minutes for a stall scan at the bench's scale)."""
    return Subquery(
        queryset.order_by().values("case").annotate(latest=Max("occurred_on")).values("latest"),
        output_field=DateField(),
    )


# What counts as activity in a follow-up (domain.md §3: "alert after 30 days
# without contact"): the référent's contacts and actions, bilans, the
# information of the person, the measures' results. Not the cell's handling
# of the case (putting it on a séance's agenda, a disclosure, a duplicate
# warning): escalating a stall to the séance would otherwise clear it.
FOLLOW_UP_KINDS = (
    JournalEntry.Kind.CONTACT,
    JournalEntry.Kind.BILAN,
    JournalEntry.Kind.INFORMATION,
    JournalEntry.Kind.MEASURE,
)


def _follow_up_activity() -> QuerySet[JournalEntry]:
    """Follow-up entries written by a person. System entries (the scan's own
    stalled/unstalled entries, automatic jobs) have no actor and never count."""
    return JournalEntry.objects.filter(case=OuterRef("pk"), actor__isnull=False, kind__in=FOLLOW_UP_KINDS)


def examen() -> QuerySet[Case]:
    # Back to examen after a réorientation: the clock restarts at that change.
    back_to_examen = JournalEntry.objects.filter(case=OuterRef("pk"), to_status=Case.Status.SIGNALE)
    return (
        _open_cases()
        .filter(status=Case.Status.SIGNALE)
        .annotate(anchor=Coalesce(_latest(back_to_examen, "occurred_on"), F("signaled_on")))
    )


def referent_designation() -> QuerySet[Case]:
    pending = _designations(referent__isnull=True)
    return _in_follow_up().filter(Exists(pending)).annotate(anchor=_earliest(pending, "opened_on"))


def referent_acceptance() -> QuerySet[Case]:
    pending = _designations(referent__isnull=False, designated_on__isnull=False, accepted_on__isnull=True)
    return _in_follow_up().filter(Exists(pending)).annotate(anchor=_earliest(pending, "designated_on"))


def first_contact() -> QuerySet[Case]:
    pending = _designations(accepted_on__isnull=False, first_contact_on__isnull=True)
    return _in_follow_up().filter(Exists(pending)).annotate(anchor=_earliest(pending, "accepted_on"))


def contact_gap() -> QuerySet[Case]:
    following = _designations(accepted_on__isnull=False, first_contact_on__isnull=False)
    return (
        _in_follow_up()
        .filter(Exists(following))
        .annotate(
            anchor=Coalesce(_latest_journal(_follow_up_activity()), _latest(following, "first_contact_on"))
        )
    )


def bilan_due() -> QuerySet[Case]:
    """No bilan since the follow-up clock started (acceptance, or the cell's last
    prolongation), and the due date passed: the one the cell fixed if any
    (`next_bilan_due_on`), else the clock start plus the bilan interval."""
    following = _designations(accepted_on__isnull=False)
    prolonged = Bilan.objects.filter(
        case=OuterRef("pk"), cell_decision=Bilan.CellDecision.PROLONGER, examined_on__isnull=False
    )
    presented_since = Bilan.objects.filter(case=OuterRef("pk"), presented_on__gt=OuterRef("anchor"))
    return (
        _in_follow_up()
        .filter(Exists(following))
        .annotate(
            anchor=Coalesce(_latest(prolonged, "examined_on"), _earliest(following, "accepted_on")),
            due_override=_earliest(following.filter(next_bilan_due_on__isnull=False), "next_bilan_due_on"),
        )
        .exclude(Exists(presented_since))
    )


def bilan_examen() -> QuerySet[Case]:
    waiting = Bilan.objects.filter(case=OuterRef("pk"), examined_on__isnull=True)
    return _open_cases().filter(Exists(waiting)).annotate(anchor=_earliest(waiting, "presented_on"))


def review_clock():
    """When the outer case's 12-month review clock started: its signalement,
    or later the cell's last look at the whole case — a bilan it examined and
    prolonged, or a review decided at a séance (meetings: a stalled or
    long-running case, journalled with `data.review`)."""
    prolonged = Bilan.objects.filter(
        case=OuterRef("pk"), cell_decision=Bilan.CellDecision.PROLONGER, examined_on__isnull=False
    )
    reviewed = JournalEntry.objects.filter(case=OuterRef("pk"), data__has_key="review")
    return Greatest(
        Coalesce(_latest(prolonged, "examined_on"), F("signaled_on")),
        Coalesce(_latest_journal(reviewed), F("signaled_on")),
    )


def case_review() -> QuerySet[Case]:
    return _open_cases().annotate(anchor=review_clock())


CANDIDATES: dict[str, Callable[[], QuerySet[Case]]] = {
    "examen": examen,
    "referent_designation": referent_designation,
    "referent_acceptance": referent_acceptance,
    "first_contact": first_contact,
    "contact_gap": contact_gap,
    "bilan_due": bilan_due,
    "bilan_examen": bilan_examen,
    "case_review": case_review,
}
assert CANDIDATES.keys() == RULES_BY_CODE.keys(), "every rule needs its query"


def stalled_cases(rule: StallRule, today: date, delays: Delays) -> QuerySet[Case]:
    """Open cases stalled on `today` for `rule`, annotated with `anchor` and `due_override`."""
    candidates = CANDIDATES[rule.code]()
    if "due_override" not in candidates.query.annotations:
        candidates = candidates.annotate(due_override=Value(None, output_field=DateField()))
    overdue = delays.q(rule.step, "anchor", today)
    return candidates.filter(
        Q(due_override__isnull=False, due_override__lte=today) | (Q(due_override__isnull=True) & overdue)
    )
