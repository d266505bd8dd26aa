"""Reads of séances: who may open them, the proposed agenda, who may be invited.

Rules, in plain language:

- A séance is managed (agenda, invitations, attendance, decisions) by the
  signed coordinators of its cell's partnership; for anyone else it does not
  exist (404).
- Its relevé de décisions is read by those coordinators and by the members
  recorded present, once the séance is held; nobody else (404).
- Every case shown comes from `visible_cases(user)`.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.paginator import EmptyPage, Page
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from viewflow.workflow.status import STATUS

from casework.models import Case, Cell, Membership, PendingStep, User
from meetings.models import AgendaItem, Attendance, Seance
from notifications.detection import review_clock
from notifications.models import StallLevel
from notifications.selectors import cases_for_next_agenda
from permissions.access import signed_coordinated_partnerships
from permissions.models import CharterSignature
from permissions.services import current_charter, has_signed_current_charter
from permissions.visibility import visible_cases
from workflows.models import CaseTask
from workflows.paginator import WindowCountPaginator

OPEN_TASK = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
# A case still open after this long is reviewed by the cell (domain.md §3, Clôture).
REVIEW_AFTER = timedelta(days=365)
LONG_RUNNING_REASON = "Ouverte depuis plus de 12 mois"
# Cases open for more than 12 months proposed a page at a time, oldest first.
# A cell at département scale has hundreds of them (~380) while a séance
# examines a few dozen points: proposing them all made a page of hundreds of
# forms, an access-log row for each on every view, and "Inscrire toutes" put
# them all on one agenda. The cases due by rule are never capped.
LONG_RUNNING_SHOWN = 20

SEANCE_NOT_FOUND = "Séance introuvable."


def coordinated_cells(user) -> QuerySet[Cell]:
    return Cell.objects.filter(partnership__in=signed_coordinated_partnerships(user), is_active=True)


def managed_seances(user) -> QuerySet[Seance]:
    """Séances whose agenda, invitations and decisions `user` manages."""
    return Seance.objects.filter(cell__partnership__in=signed_coordinated_partnerships(user)).select_related(
        "cell"
    )


def upcoming(seances: QuerySet[Seance]) -> QuerySet[Seance]:
    """The planned séances of `seances` from today on (local day): a cell plans
    a few ahead, so this stays short and is shown in full."""
    return seances.filter(_upcoming())


def past(seances: QuerySet[Seance]) -> QuerySet[Seance]:
    """The other séances of `seances`: held, closed, canceled, or planned for a
    day gone by. Grows by every séance held: shown a page at a time."""
    return seances.exclude(_upcoming())


def _upcoming() -> Q:
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return Q(status=Seance.Status.PLANNED, starts_at__gte=start_of_today)


def attended_seances(user) -> QuerySet[Seance]:
    """Held or closed séances where `user` was recorded present."""
    return (
        Seance.objects.filter(attendances__user=user, attendances__present=True)
        .exclude(status=Seance.Status.PLANNED)
        .select_related("cell")
    )


def get_managed_seance(user, pk) -> Seance:
    seance = managed_seances(user).select_related("cell__partnership").filter(pk=pk).first()
    if seance is None:
        raise Http404(SEANCE_NOT_FOUND)
    return seance


def get_readable_seance(user, pk) -> Seance:
    """The séance `pk` if `user` may read its relevé (coordinator or present member), else Http404."""
    readable = managed_seances(user).filter(
        status__in=[Seance.Status.HELD, Seance.Status.CLOSED]
    ) | attended_seances(user)
    seance = readable.select_related("cell__partnership").filter(pk=pk).distinct().first()
    if seance is None:
        raise Http404(SEANCE_NOT_FOUND)
    return seance


def next_seance(seance: Seance) -> Seance | None:
    """The cell's next planned séance after `seance`."""
    return (
        Seance.objects.filter(cell=seance.cell, status=Seance.Status.PLANNED, starts_at__gt=seance.starts_at)
        .order_by("starts_at")
        .first()
    )


# --- Proposed agenda -----------------------------------------------------------


@dataclass
class Proposal:
    case: Case
    kind: str
    reasons: list[str] = field(default_factory=list)
    carried_from: AgendaItem | None = None

    @property
    def kind_label(self) -> str:
        return AgendaItem.Kind(self.kind).label


@dataclass
class AgendaProposals:
    """The proposals of a séance as its page shows them.

    `due`: every case due by rule (postponed, examen, bilan, overdue or
    stalled), in full. `long_running`: one page of the cases open for more
    than 12 months and due for nothing else, oldest first, at most
    LONG_RUNNING_SHOWN; `page` is that page (its number, and through its
    paginator the total of such cases). `shown` is what the page displays,
    logs and "Inscrire toutes" enrols.
    """

    due: list[Proposal]
    long_running: list[Proposal]
    page: Page

    @property
    def shown(self) -> list[Proposal]:
        return [*self.due, *self.long_running]

    @property
    def long_running_total(self) -> int:
        return self.page.paginator.count

    @property
    def long_running_others(self) -> int:
        """Cases open for more than 12 months not on this page."""
        return self.long_running_total - len(self.long_running)


def _open_task(node: str):
    from workflows.flows import CaseFlow

    return Exists(
        CaseTask.objects.filter(
            process__caseprocess__case=OuterRef("pk"),
            flow_task=getattr(CaseFlow, node),
            status__in=OPEN_TASK,
        )
    )


def _stall_reasons(cell: Cell, user) -> dict[int, list[str]]:
    """Why each overdue or stalled case of `cell` is proposed: its overdue steps,
    and the stalls the stall scan escalated to the cell's next séance."""
    reasons: dict[int, list[str]] = {}
    for step in PendingStep.objects.overdue().filter(case__cell=cell).order_by("due_on"):
        reasons.setdefault(step.case_id, []).append(
            f"Échéance dépassée : {step.get_step_display()} (prévue le {step.due_on:%d/%m/%Y})"
        )
    for case in cases_for_next_agenda(cell, user=user):
        for flag in case.open_stall_flags:
            if flag.level >= StallLevel.SEANCE:
                reasons.setdefault(case.pk, []).append(f"Suivi bloqué : {flag.rule_label}")
    return reasons


def agenda_proposals(seance: Seance, user, *, long_running_page=1) -> AgendaProposals:
    """What the product proposes to put on `seance`'s agenda, in this order:

    1. items postponed from an earlier séance of the cell (not yet carried over);
    2. cases awaiting their examen en cellule (open `examen` task);
    3. bilans awaiting their examen (open `examen_bilan` task);
    4. overdue cases (a step past its due date) and cases the stall scan
       escalated to the next séance (notifications.selectors.cases_for_next_agenda);
    5. cases open for more than 12 months: only those due for nothing above,
       LONG_RUNNING_SHOWN a page, oldest first; `long_running_page` is the
       page (anything but a page number: the first; past the end: the last).

    1 to 4 are due by rule and proposed in full (`due`); 5 is `long_running`.
    Cases already on the agenda are left out; each case is proposed once, with
    the kind of its most pressing reason and every reason listed (a due case
    open for more than 12 months says so too). Only cases `user` sees
    (visible_cases) of the séance's cell. Constant query count: the due cases
    in one query, the page of long-running ones and their total in another.
    """
    stalled = _stall_reasons(seance.cell, user)
    postponed = {
        item.case_id: item
        for item in AgendaItem.objects.filter(
            seance__cell=seance.cell,
            seance__starts_at__lt=seance.starts_at,
            status=AgendaItem.Status.POSTPONED,
            carried_to__isnull=True,
        )
        .filter(Q(postponed_to__isnull=True) | Q(postponed_to=seance))
        .select_related("seance")
    }
    review_before = seance.date - REVIEW_AFTER
    candidates = (
        visible_cases(user)
        .filter(cell=seance.cell, status__in=Case.OPEN_STATUSES)
        .exclude(pk__in=seance.items.values("case_id"))
        .annotate(
            awaits_examen=_open_task("examen"),
            awaits_bilan=_open_task("examen_bilan"),
            review_since=review_clock(),
        )
        .select_related("youth")
        .order_by("signaled_on", "reference")
    )
    # The ids are those of overdue, stalled or postponed cases: a handful, due by rule.
    due_rule = Q(awaits_examen=True) | Q(awaits_bilan=True) | Q(pk__in=[*stalled, *postponed])
    due: list[Proposal] = []
    for case in candidates.filter(due_rule):
        reasons, kinds = [], []
        carried = postponed.get(case.pk)
        if carried is not None:
            reasons.append(f"Reporté de la séance du {carried.seance.label_date}")
        if case.awaits_examen:
            kinds.append(AgendaItem.Kind.EXAMEN)
            reasons.append("Signalement en attente d'examen")
        if case.awaits_bilan:
            kinds.append(AgendaItem.Kind.EXAMEN_BILAN)
            reasons.append("Bilan en attente d'examen")
        if case.pk in stalled:
            kinds.append(AgendaItem.Kind.STALLED)
            reasons.extend(stalled[case.pk])
        if case.review_since <= review_before:
            kinds.append(AgendaItem.Kind.REVIEW)
            reasons.append(LONG_RUNNING_REASON)
        if not kinds and carried is not None and carried.task_node is None:
            kinds.append(carried.kind)
        # A postponed examen whose task was completed since, and nothing else: not due any more.
        if kinds:
            due.append(Proposal(case=case, kind=kinds[0], reasons=reasons, carried_from=carried))
    due.sort(key=lambda p: (p.carried_from is None, _KIND_ORDER[p.kind]))
    page = page_of(
        WindowCountPaginator(
            candidates.filter(review_since__lte=review_before).exclude(due_rule), LONG_RUNNING_SHOWN
        ),
        long_running_page,
    )
    long_running = [
        Proposal(case=case, kind=AgendaItem.Kind.REVIEW, reasons=[LONG_RUNNING_REASON]) for case in page
    ]
    return AgendaProposals(due=due, long_running=long_running, page=page)


_MAX_PAGE = 100_000


def page_of(paginator: WindowCountPaginator, number) -> Page:
    """The page `number` of `paginator` (a GET parameter, untrusted): the
    first for anything but a whole number, the last past the end. One query
    for a page with rows; the count and the page otherwise (an empty list, a
    number past the end)."""
    try:
        # Past any real list, the last page answers: an OFFSET beyond bigint
        # is an error in PostgreSQL, and a page past the end costs a count anyway.
        number = min(max(int(number), 1), _MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    try:
        return paginator.page(number)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


_KIND_ORDER = {kind: index for index, kind in enumerate(AgendaItem.Kind.values)}


def current_kind(case: Case, user) -> str | None:
    """The kind a case is put on an agenda with today (None: `user` does not see it)."""
    annotated = (
        visible_cases(user, Case.objects.filter(pk=case.pk))
        .annotate(
            awaits_examen=_open_task("examen"),
            awaits_bilan=_open_task("examen_bilan"),
            review_since=review_clock(),
        )
        .first()
    )
    if annotated is None:
        return None
    if annotated.awaits_examen:
        return AgendaItem.Kind.EXAMEN
    if annotated.awaits_bilan:
        return AgendaItem.Kind.EXAMEN_BILAN
    if annotated.pk in _stall_reasons(case.cell, user):
        return AgendaItem.Kind.STALLED
    return AgendaItem.Kind.REVIEW


def open_task(case: Case, node: str) -> CaseTask | None:
    """The open human task `node` of the case's parcours."""
    from workflows.flows import CaseFlow

    return (
        CaseTask.objects.filter(
            process__caseprocess__case=case, flow_task=getattr(CaseFlow, node), status__in=OPEN_TASK
        )
        .order_by("id")
        .first()
    )


# --- Invitations ---------------------------------------------------------------


@dataclass
class Invitable:
    user: User
    membership: Membership
    signed: bool
    attendance: Attendance | None


def cell_members(seance: Seance) -> list[Invitable]:
    """Current members of the séance's cell, whether they signed the current charter,
    and their invitation if any. Three queries."""
    memberships = list(
        Membership.objects.current(timezone.localdate())
        .filter(cell=seance.cell, role=Membership.Role.MEMBRE)
        .select_related("user", "institution")
        .order_by("user__last_name", "user__first_name")
    )
    charter = current_charter(seance.cell.partnership)
    signed = (
        set(CharterSignature.objects.filter(charter=charter).values_list("user_id", flat=True))
        if charter
        else set()
    )
    attendances = {a.user_id: a for a in seance.attendances.all()}
    seen, rows = set(), []
    for membership in memberships:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        rows.append(
            Invitable(
                user=membership.user,
                membership=membership,
                signed=membership.user_id in signed,
                attendance=attendances.get(membership.user_id),
            )
        )
    return rows


def is_signed_member(user, cell: Cell, on=None) -> Membership | None:
    """The user's current member seat in `cell` if they signed the current charter."""
    membership = (
        Membership.objects.current(on or timezone.localdate())
        .filter(user=user, cell=cell, role=Membership.Role.MEMBRE)
        .select_related("institution")
        .first()
    )
    if membership is None or not has_signed_current_charter(user, cell.partnership):
        return None
    return membership
