"""Reads of stall flags and notifications, for the UI, the API and other features.

Contracts other features rely on:

- `annotate_stalls(cases)`: adds `stalled` (bool), `stalled_level` (highest
  open level or None), `stalled_since` (earliest open `since` or None) and
  prefetches the open flags into `open_stall_flags` (alone:
  `prefetch_open_stall_flags`); `stall_reasons(case)` then gives the rule
  codes without a query. Use it on an already scoped
  queryset (visible_cases): it never widens one. The API's `stalled` and
  `stalled_reasons` come from here.
- `cases_for_next_agenda(cell, user=...)`: the cell's cases proposed for its
  next séance (an open flag at level 3, "seance"), oldest stall first. The
  meetings feature reads it to pre-fill the proposed agenda.
- `stall_counts(flags)`: {rule code: count} for a flag queryset, one query.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery

from casework.models import Case, Cell
from notifications.models import Notification, StallFlag, StallLevel
from notifications.rules import RULES
from permissions.representations import case_filter_showing, cases_showing


def annotate_stall_order(cases: QuerySet[Case], *, among=None) -> QuerySet[Case]:
    """`stalled_level` and `stalled_since` only: what ordering by stall needs.
    With `among` (case ids), the other cases get None, as if never stalled: a
    list whose rows do not all show their lateness must not sort on it."""
    of_case = StallFlag.objects.open().filter(case=OuterRef("pk"))
    if among is not None:
        of_case = of_case.filter(case_id__in=among)
    # Subqueries rather than joined aggregates: safe on any queryset, whatever it already joins.
    return cases.annotate(
        stalled_level=Subquery(of_case.order_by("-level").values("level")[:1]),
        stalled_since=Subquery(of_case.order_by("since").values("since")[:1]),
    )


def annotate_stalls(cases: QuerySet[Case]) -> QuerySet[Case]:
    open_flags = StallFlag.objects.open()
    return prefetch_open_stall_flags(
        annotate_stall_order(cases).annotate(stalled=Exists(open_flags.filter(case=OuterRef("pk"))))
    )


def prefetch_open_stall_flags(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Only the open flags in `open_stall_flags`, oldest first (one query for all
    the cases): what a list row shows, without `annotate_stalls`' subqueries."""
    open_flags = StallFlag.objects.open().order_by("since")
    return cases.prefetch_related(Prefetch("stall_flags", queryset=open_flags, to_attr="open_stall_flags"))


def stall_reasons(case: Case) -> list[str]:
    """Rule codes of the case's open flags (needs `annotate_stalls`, else one query)."""
    flags = getattr(case, "open_stall_flags", None)
    if flags is None:
        flags = StallFlag.objects.open().filter(case=case).order_by("since")
    return [flag.rule for flag in flags]


def stall_counts(flags: QuerySet[StallFlag]) -> dict[str, int]:
    """Flags per rule code, in rule order, zeros included (one query)."""
    counted = dict(flags.order_by().values_list("rule").annotate(n=Count("pk")))
    return {rule.code: counted.get(rule.code, 0) for rule in RULES}


def visible_stall_flags(user) -> QuerySet[StallFlag]:
    """Open flags, with their case, on the cases `user` may see whose
    representation shows their lateness and cell (the dashboard's columns)."""
    return (
        StallFlag.objects.open()
        .filter(case_filter_showing(user, "case", "overdue", "cell"))
        .select_related("case", "case__cell")
    )


def cases_for_next_agenda(cell: Cell, *, user=None) -> QuerySet[Case]:
    """The cell's open cases proposed for its next séance (a flag at level "seance").

    Pass `user` whenever the result is shown to someone: it is then limited
    to the cases `user` sees with their cell and lateness (the proposal says
    why). Annotated as `annotate_stalls` does; oldest stall first.
    """
    base = (
        Case.objects.filter(status__in=Case.OPEN_STATUSES)
        if user is None
        else cases_showing(user, "cell", "overdue")
    )
    proposed = StallFlag.objects.open().filter(case=OuterRef("pk"), level__gte=StallLevel.SEANCE)
    return annotate_stalls(base.filter(cell=cell).filter(Exists(proposed))).order_by(
        "stalled_since", "reference"
    )


def notifications_for(user) -> QuerySet[Notification]:
    """The user's notifications on cases they may still see with their lateness:
    every notification tells a stall. A référent whose designation ended may
    still read the case as a scoped summary, which does not show it."""
    return Notification.objects.filter(case_filter_showing(user, "case", "overdue"), recipient=user)


def unread_count(user, *, cap: int | None = None) -> int:
    """Unread notifications on cases the user may still see; with `cap`, counting
    stops at cap + 1 (the bell shows "99+"): a coordinator's thousands of unread
    reminders are not counted on every page."""
    # Nothing unread at all (most accounts, most of the time): one probe of the
    # (recipient, read_at) index answers. The count below is filtered by the
    # visibility rules, which PostgreSQL plans anew for every user's parameters:
    # ~2 ms of planning for a 0.1 ms execution, on every page (bench/).
    if not Notification.objects.filter(recipient=user).unread().exists():
        return 0
    # No ORDER BY: with one, PostgreSQL sorts every unread notification before
    # the LIMIT (a coordinator's 1,673 on the bench: 16 ms on every page, 9 without).
    unread = notifications_for(user).unread().order_by()
    return unread.count() if cap is None else unread[: cap + 1].count()


def labelled_stall_counts(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(rule code, label, open flags) in rule order, rules with flags only, from
    flag counts by rule code (`permissions.paging.list_slice`)."""
    return [(rule.code, rule.label, counts[rule.code]) for rule in RULES if counts.get(rule.code)]
