"""Séance services: plan, build the agenda, invite, record attendance and decisions.

Every service runs in one transaction, is for the signed coordinators of the
séance's partnership only, and journals what it does to a case. Recording a
decision on an examen or examen-du-bilan item completes the matching task of
the parcours through `workflows.services.task_complete`, so the séance drives
exactly the same services as the task screens.

A case that stops being open (closed in séance or outside it, at the age
limit) leaves the agendas where it still waits for a decision
(`case_agenda_withdraw`, run by the `case_closed` receiver); nothing is ever
journalled on an archived or purged case.

In a strict need-to-know cell the séance's invitees read the cell summary of
the cases on its agenda while it is planned (to prepare it); once it is held
only the members recorded present do (permissions.services). Invitations
therefore change only while the séance is planned, and every change of
attendance or of status re-syncs those grants.
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casework.models import Bilan, Case, Cell, Decision, Membership
from casework.models.codes import ClassementReason, ClosureReason
from casework.services.errors import ServiceError
from casework.services.journal import journal_log
from meetings import selectors
from meetings.models import AgendaItem, Attendance, ReviewOutcome, Seance
from permissions import services as access
from permissions.access import is_signed_coordinator
from permissions.visibility import visible_cases
from workflows.services import task_complete

NOT_COORDINATOR = "Seul un coordonnateur du {partnership}, signataire de la charte, gère les séances."
CELL_INACTIVE = "La cellule « {cell} » n'est plus active."
EMPTY_PLACE = "Indiquez le lieu de la séance."
RESCHEDULED_IN_PAST = "La nouvelle date est déjà passée : choisissez une date à venir."
SEANCE_CLOSED = "Cette séance est close : son ordre du jour et son relevé ne peuvent plus changer."
SEANCE_CANCELED = "Cette séance est annulée : elle ne peut plus changer."
SEANCE_STARTED = (
    "La séance a commencé : l'ordre du jour ne peut plus être modifié, seulement reporté point par point."
)
INVITATIONS_CLOSED = (
    "La séance a commencé : les convocations ne peuvent plus changer, seules les présences s'enregistrent."
)
SEANCE_NOT_YET = "La séance du {date} n'a pas encore eu lieu : présences et décisions s'enregistrent le jour même ou après."
CASE_NOT_FOUND = "Situation introuvable dans la cellule « {cell} »."
CASE_NOT_OPEN = (
    "La situation {reference} n'est plus en cours : elle ne peut pas être inscrite à l'ordre du jour."
)
CASE_NO_LONGER_OPEN = (
    "La situation {reference} n'est plus en cours ({status}) : ce point ne peut plus être décidé "
    "ni reporté ; il est retiré de l'ordre du jour au plus tard à la clôture de la séance."
)
WITHDRAWN = "Retirée de l'ordre du jour de la séance du {date} : la situation n'est plus en cours ({status})"
ALREADY_ON_AGENDA = "La situation {reference} est déjà inscrite à l'ordre du jour de cette séance."
ITEM_DONE = "Ce point a déjà été traité ({status})."
NO_TASK = (
    "La situation {reference} n'attend plus cette étape ({step}) : la décision a peut-être déjà été "
    "enregistrée hors séance. Retirez ou reportez ce point."
)
TASK_TAKEN = (
    "L'étape « {step} » de la situation {reference} est prise en charge par {owner} : "
    "seul cet utilisateur peut l'enregistrer, ou la remettre dans la file des tâches."
)
UNKNOWN_OUTCOME = "Choisissez la décision de la cellule."
NOT_A_MEMBER = "{user} n'est pas membre en fonction de la cellule « {cell} » : impossible de le convoquer."
NOT_SIGNED = (
    "{user} n'a pas signé la charte de confidentialité en vigueur du {partnership} : "
    "impossible de le convoquer ou de le noter présent tant qu'il ne l'a pas signée."
)
NOT_INVITED = "{user} n'est pas convoqué à cette séance : convoquez-le d'abord."
ALREADY_INVITED = "{user} est déjà convoqué à cette séance."
PENDING_ITEMS = (
    "{count} point{plural} de l'ordre du jour n'{verb} ni décision ni report : "
    "enregistrez une décision ou reportez-les avant de clore la séance."
)
NO_ATTENDANCE = "Notez au moins un membre présent avant de clore la séance."


def _require_coordinator(by, seance_or_cell) -> None:
    cell = seance_or_cell.cell if isinstance(seance_or_cell, Seance) else seance_or_cell
    if not is_signed_coordinator(by, cell.partnership):
        raise ServiceError(NOT_COORDINATOR.format(partnership=cell.partnership))


def _require_not_closed(seance: Seance) -> None:
    if seance.status == Seance.Status.CLOSED:
        raise ServiceError(SEANCE_CLOSED)
    if seance.status == Seance.Status.CANCELED:
        raise ServiceError(SEANCE_CANCELED)


def _require_planned(seance: Seance, message: str = SEANCE_STARTED) -> None:
    _require_not_closed(seance)
    if seance.status != Seance.Status.PLANNED:
        raise ServiceError(message)


def _require_day_reached(seance: Seance) -> None:
    if seance.date > timezone.localdate():
        raise ServiceError(SEANCE_NOT_YET.format(date=seance.label_date))


def _mark_held(seance: Seance) -> bool:
    """Mark a planned séance held (its first attendance or decision); True if it was planned."""
    if seance.status != Seance.Status.PLANNED:
        return False
    seance.status = Seance.Status.HELD
    seance.save(update_fields=["status"])
    return True


def _sync_grants(seance: Seance) -> None:
    """Re-sync the strict need-to-know grants of the cases on the séance's agenda."""
    access.cases_sync_seance_grants(case_ids=set(seance.items.values_list("case_id", flat=True)))


def _require_case_open(case: Case) -> None:
    if not case.is_open:
        raise ServiceError(
            CASE_NO_LONGER_OPEN.format(reference=case.reference, status=case.get_status_display().lower())
        )


def _locked(seance: Seance) -> Seance:
    """Serialise writers of one séance (agenda order, attendance, closing)."""
    return Seance.objects.select_for_update().select_related("cell__partnership").get(pk=seance.pk)


def _visible_case(by, case_pk, cell: Cell) -> Case:
    case = visible_cases(by).filter(pk=case_pk, cell=cell).first()
    if case is None:
        raise ServiceError(CASE_NOT_FOUND.format(cell=cell))
    return case


def _journal(case: Case, by, seance: Seance, summary: str, item: AgendaItem | None = None, **data):
    """Journal a séance's action on `case`; never on an archived or purged case
    (its journal is closed, or was deleted by the purge)."""
    if case.status in (Case.Status.ARCHIVE, Case.Status.PURGE):
        return
    journal_log(
        case=case,
        actor=by,
        kind="other",
        summary=summary[:200],
        data={"seance": seance.pk, **({"agenda_item": item.pk} if item else {}), **data},
    )


# --- Séance ----------------------------------------------------------------------


@transaction.atomic
def seance_plan(*, cell: Cell, starts_at: datetime, place: str, by) -> Seance:
    """Plan a séance of `cell`. Its agenda starts empty: see `agenda_propose`.

    Unlike `seance_reschedule`, a past date is accepted: a séance held before
    it was entered is recorded afterwards (attendance and decisions need the
    day reached, `_require_day_reached`); the demo's closed séance is one.
    """
    _require_coordinator(by, cell)
    if not cell.is_active:
        raise ServiceError(CELL_INACTIVE.format(cell=cell))
    if not place.strip():
        raise ServiceError(EMPTY_PLACE)
    return Seance.objects.create(cell=cell, starts_at=starts_at, place=place.strip(), created_by=by)


@transaction.atomic
def seance_reschedule(*, seance: Seance, starts_at: datetime, place: str, by) -> Seance:
    """Move a séance not held yet to another day, time or place.

    Agenda and invitations stay as they are (the invitees are told by the
    coordinator, as for the first date); the new date cannot be past.
    """
    seance = _locked(seance)
    _require_coordinator(by, seance)
    _require_planned(seance)
    if not place.strip():
        raise ServiceError(EMPTY_PLACE)
    if starts_at < timezone.now():
        raise ServiceError(RESCHEDULED_IN_PAST)
    seance.starts_at, seance.place = starts_at, place.strip()
    seance.save(update_fields=["starts_at", "place"])
    return seance


@transaction.atomic
def seance_cancel(*, seance: Seance, by) -> Seance:
    """Cancel a séance not held yet.

    Its pending agenda items are postponed to the cell's next planned séance
    (journalled on each case, as a postponement is), but those of cases no
    longer open, which are withdrawn; in a strict need-to-know cell, what
    the invitations gave to read is withdrawn.
    """
    seance = _locked(seance)
    _require_coordinator(by, seance)
    _require_planned(seance)
    _withdraw_closed_items(seance, by)
    following = selectors.next_seance(seance)
    target = f"à la séance du {following.label_date}" if following else "à la prochaine séance"
    pending = seance.items.filter(status=AgendaItem.Status.PENDING).select_related("case")
    for item in pending:
        item.status, item.postponed_to = AgendaItem.Status.POSTPONED, following
        item.save(update_fields=["status", "postponed_to"])
        summary = f"{item.get_kind_display()} reporté {target} (séance du {seance.label_date} annulée)"
        _journal(item.case, by, seance, summary, item)
    seance.status, seance.canceled_at = Seance.Status.CANCELED, timezone.now()
    seance.save(update_fields=["status", "canceled_at"])
    _sync_grants(seance)
    return seance


@transaction.atomic
def seance_close(*, seance: Seance, by) -> Seance:
    """Close a held séance: its relevé de décisions becomes final.

    Refused while an item has neither a decision nor a postponement. Items
    of cases no longer open are withdrawn first (`case_closed` withdraws
    them as the case closes; this catches any left behind). Only the
    members recorded present keep the séance's strict need-to-know grants.
    """
    seance = _locked(seance)
    _require_coordinator(by, seance)
    _require_not_closed(seance)
    _require_day_reached(seance)
    _withdraw_closed_items(seance, by)
    pending = seance.items.filter(status=AgendaItem.Status.PENDING).count()
    if pending:
        raise ServiceError(
            PENDING_ITEMS.format(
                count=pending, plural="s" if pending > 1 else "", verb="ont" if pending > 1 else "a"
            )
        )
    if not seance.attendances.filter(present=True).exists():
        raise ServiceError(NO_ATTENDANCE)
    seance.status = Seance.Status.CLOSED
    seance.closed_at = timezone.now()
    seance.save(update_fields=["status", "closed_at"])
    _sync_grants(seance)
    return seance


# --- Agenda -------------------------------------------------------------------------


def _append(seance: Seance, case: Case, kind: str, by, carried_from: AgendaItem | None) -> AgendaItem:
    position = (seance.items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        seance=seance, case=case, kind=kind, position=position, carried_from=carried_from, added_by=by
    )
    if carried_from is not None and carried_from.postponed_to_id != seance.pk:
        carried_from.postponed_to = seance
        carried_from.save(update_fields=["postponed_to"])
    _journal(
        case,
        by,
        seance,
        f"Inscrite à l'ordre du jour de la séance du {seance.label_date} ({item.get_kind_display()})",
        item,
    )
    return item


@transaction.atomic
def agenda_item_add(*, seance: Seance, case: Case, by, kind: str | None = None) -> AgendaItem:
    """Put `case` (of the séance's cell, visible to `by`) on the agenda, last.

    `kind` defaults to the case's current need (examen, examen du bilan,
    overdue, review). A case postponed from an earlier séance is carried over.
    """
    seance = _locked(seance)
    _require_coordinator(by, seance)
    _require_planned(seance)
    case = _visible_case(by, case.pk, seance.cell)
    if not case.is_open:
        raise ServiceError(CASE_NOT_OPEN.format(reference=case.reference))
    if seance.items.filter(case=case).exists():
        raise ServiceError(ALREADY_ON_AGENDA.format(reference=case.reference))
    kind = kind or selectors.current_kind(case, by)
    if kind not in AgendaItem.Kind.values:
        raise ServiceError(UNKNOWN_OUTCOME)
    carried = (
        AgendaItem.objects.filter(
            case=case,
            seance__cell=seance.cell,
            seance__starts_at__lt=seance.starts_at,
            status=AgendaItem.Status.POSTPONED,
            carried_to__isnull=True,
        )
        .order_by("-seance__starts_at")
        .first()
    )
    item = _append(seance, case, kind, by, carried)
    access.cases_sync_seance_grants(case_ids={case.pk})
    return item


@transaction.atomic
def agenda_propose(*, seance: Seance, by, long_running_page=1) -> list[AgendaItem]:
    """Put on the agenda, in their order, the proposals the séance page shows
    with the page `long_running_page` of cases open for more than 12 months:
    every case due by rule, and at most `selectors.LONG_RUNNING_SHOWN`
    long-running ones (`selectors.agenda_proposals(...).shown`), never all
    the long-running cases of the cell. Each is journalled; the new items
    are returned (their number is what the coordinator is told)."""
    seance = _locked(seance)
    _require_coordinator(by, seance)
    _require_planned(seance)
    proposals = selectors.agenda_proposals(seance, by, long_running_page=long_running_page)
    items = [
        _append(seance, proposal.case, proposal.kind, by, proposal.carried_from)
        for proposal in proposals.shown
    ]
    access.cases_sync_seance_grants(case_ids={item.case_id for item in items})
    return items


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by) -> None:
    """Take an item off a séance that has not started. A carried-over item goes back to the proposals."""
    seance = _locked(item.seance)
    _require_coordinator(by, seance)
    _require_planned(seance)
    item = AgendaItem.objects.select_related("case", "carried_from").get(pk=item.pk)
    if item.carried_from is not None:
        item.carried_from.postponed_to = None
        item.carried_from.save(update_fields=["postponed_to"])
    _journal(item.case, by, seance, f"Retirée de l'ordre du jour de la séance du {seance.label_date}")
    case_id = item.case_id
    item.delete()
    _renumber(seance)
    access.cases_sync_seance_grants(case_ids={case_id})


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by, position: int) -> AgendaItem:
    """Move an item to `position` (1 = first) and renumber the others."""
    seance = _locked(item.seance)
    _require_coordinator(by, seance)
    _require_not_closed(seance)
    items = list(seance.items.order_by("position", "id"))
    moved = next(i for i in items if i.pk == item.pk)
    items.remove(moved)
    items.insert(max(0, min(position - 1, len(items))), moved)
    _renumber(seance, items)
    moved.refresh_from_db()
    return moved


def _withdraw(items: list[AgendaItem], by) -> None:
    """Take pending items of cases no longer open off their séances (locked by the caller).

    Journalled on a closed case, not on an archived or purged one (`_journal`);
    the séances are renumbered and the cases' strict need-to-know grants re-synced.
    """
    if not items:
        return
    for item in items:
        _journal(
            item.case,
            by,
            item.seance,
            WITHDRAWN.format(date=item.seance.label_date, status=item.case.get_status_display().lower()),
        )
    AgendaItem.objects.filter(pk__in=[item.pk for item in items]).delete()
    for seance in {item.seance_id: item.seance for item in items}.values():
        _renumber(seance)
    access.cases_sync_seance_grants(case_ids={item.case_id for item in items})


def _withdraw_closed_items(seance: Seance, by) -> None:
    items = list(
        seance.items.filter(status=AgendaItem.Status.PENDING)
        .exclude(case__status__in=Case.OPEN_STATUSES)
        .select_related("case")
    )
    for item in items:
        item.seance = seance
    _withdraw(items, by)


@transaction.atomic
def case_agenda_withdraw(*, case: Case, by=None) -> int:
    """Withdraw the pending agenda items of `case` once it is no longer open; returns how many.

    Runs in the closing transaction (`case_closed` receiver), whoever closed
    the case: an item already decided or postponed stays in its relevé. Does
    nothing while the case is open.
    """
    case = Case.objects.get(pk=case.pk)
    if case.is_open:
        return 0
    pending = AgendaItem.objects.filter(case=case, status=AgendaItem.Status.PENDING)
    seance_ids = sorted(set(pending.values_list("seance_id", flat=True)))
    if not seance_ids:
        return 0
    # Same lock as every writer of these séances (agenda order, decisions), in a fixed order.
    seances = {
        seance.pk: seance
        for seance in Seance.objects.select_for_update().filter(pk__in=seance_ids).order_by("pk")
    }
    items = list(pending.filter(seance_id__in=seances))
    for item in items:
        item.case, item.seance = case, seances[item.seance_id]
    _withdraw(items, by)
    return len(items)


def _renumber(seance: Seance, items: list[AgendaItem] | None = None) -> None:
    items = items if items is not None else list(seance.items.order_by("position", "id"))
    for index, item in enumerate(items, start=1):
        item.position = index
    AgendaItem.objects.bulk_update(items, ["position"])


# --- Invitations and attendance ------------------------------------------------


def _signed_seat(user, seance: Seance) -> Membership:
    """The user's member seat in the séance's cell; ServiceError unless current and signed."""
    membership = selectors.is_signed_member(user, seance.cell)
    if membership is not None:
        return membership
    if (
        not Membership.objects.current()
        .filter(user=user, cell=seance.cell, role=Membership.Role.MEMBRE)
        .exists()
    ):
        raise ServiceError(NOT_A_MEMBER.format(user=user, cell=seance.cell))
    raise ServiceError(NOT_SIGNED.format(user=user, partnership=seance.cell.partnership))


@transaction.atomic
def seance_invite(*, seance: Seance, users, by) -> list[Attendance]:
    """Invite members of the séance's cell who signed the current charter.

    Only while the séance is planned. In a strict need-to-know cell, each
    invitee then reads the cell summary of the cases on this séance's agenda
    (and of those added later) until the séance is held; from then on only
    if recorded present.
    """
    seance = _locked(seance)
    _require_coordinator(by, seance)
    _require_planned(seance, INVITATIONS_CLOSED)
    now = timezone.now()
    invited = []
    for user in users:
        membership = _signed_seat(user, seance)
        attendance = Attendance.objects.filter(seance=seance, user=user).first()
        if attendance is not None and attendance.invited:
            raise ServiceError(ALREADY_INVITED.format(user=user))
        if attendance is None:
            attendance = Attendance(seance=seance, user=user, institution=membership.institution)
        attendance.invited, attendance.invited_at = True, now
        attendance.save()
        invited.append(attendance)
    _sync_grants(seance)
    return invited


@transaction.atomic
def seance_uninvite(*, attendance: Attendance, by) -> None:
    """Withdraw an invitation before the séance is held; strict-cell grants follow."""
    seance = _locked(attendance.seance)
    _require_coordinator(by, seance)
    _require_planned(seance, INVITATIONS_CLOSED)
    attendance.delete()
    _sync_grants(seance)


@transaction.atomic
def attendance_record(*, seance: Seance, user, present: bool, by) -> Attendance:
    """Record whether an invited member attended. Marking present needs a current signature.

    The séance is held from then on: in a strict need-to-know cell, only the
    members recorded present keep reading the cases on its agenda.
    """
    seance = _locked(seance)
    _require_coordinator(by, seance)
    _require_not_closed(seance)
    _require_day_reached(seance)
    attendance = Attendance.objects.filter(seance=seance, user=user, invited=True).first()
    if attendance is None:
        raise ServiceError(NOT_INVITED.format(user=user))
    if present:
        _signed_seat(user, seance)
    attendance.present = present
    attendance.recorded_at = timezone.now()
    attendance.save(update_fields=["present", "recorded_at"])
    _mark_held(seance)
    _sync_grants(seance)
    return attendance


# --- Decisions --------------------------------------------------------------------


def _examen_summary(case: Case) -> tuple[str, dict, Decision]:
    decision = case.decisions.order_by("-id").first()
    if decision.kind == Decision.Kind.CLASSEMENT:
        summary = f"Classement : {ClassementReason(decision.classement_reason).label}"
    else:
        summary = "Orientation : " + ", ".join(decision.orientation_labels())
        if decision.pilot_institution_id:
            summary += f" (pilote : {decision.pilot_institution})"
    codes = {
        "kind": decision.kind,
        "orientations": decision.orientations,
        "classement_reason": decision.classement_reason,
    }
    return summary, codes, decision


def _bilan_summary(data: dict) -> tuple[str, dict]:
    outcome = Bilan.CellDecision(data["outcome"])
    summary = f"Bilan examiné : {outcome.label}"
    codes = {"outcome": outcome.value}
    if outcome == Bilan.CellDecision.CLORE:
        summary += f" ({ClosureReason(data['closure_reason']).label})"
        codes["closure_reason"] = data["closure_reason"]
    elif outcome == Bilan.CellDecision.PROLONGER:
        summary += f", prochain bilan le {data['next_due_on']:%d/%m/%Y}"
        codes["next_due_on"] = data["next_due_on"].isoformat()
    return summary, codes


@transaction.atomic
def agenda_item_decide(*, item: AgendaItem, data: dict, by) -> AgendaItem:
    """Record the cell's decision on an item, on the séance's date.

    - examen: `data` as ExamenForm (without its date): completes the case's
      `examen` task (decision_record);
    - examen du bilan: `data` as ExamenBilanForm (without its date):
      completes the `examen_bilan` task (bilan_examine);
    - overdue or review: `data["outcome"]` in ReviewOutcome.

    The journal of the case records that the decision was taken at this
    séance. A refusal by the workflow leaves nothing written. Refused for a
    case no longer open (its item is withdrawn, see `case_agenda_withdraw`).
    """
    seance = _locked(item.seance)
    _require_coordinator(by, seance)
    _require_not_closed(seance)
    _require_day_reached(seance)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.status != AgendaItem.Status.PENDING:
        raise ServiceError(ITEM_DONE.format(status=item.get_status_display().lower()))
    _require_case_open(Case.objects.only("reference", "status").get(pk=item.case_id))
    case = _visible_case(by, item.case_id, seance.cell)
    day = seance.date
    decision = None
    if item.task_node is not None:
        step = item.get_kind_display()
        task = selectors.open_task(case, item.task_node)
        if task is None:
            raise ServiceError(NO_TASK.format(reference=case.reference, step=step))
        if task.owner_id is not None and task.owner_id != by.pk:
            raise ServiceError(TASK_TAKEN.format(step=step, reference=case.reference, owner=task.owner))
        # Decided before the parcours runs: a classement or a closure withdraws
        # the case's pending items (`case_closed`), not this one.
        item.status = AgendaItem.Status.DECIDED
        item.save(update_fields=["status"])
        if item.kind == AgendaItem.Kind.EXAMEN:
            task_complete(task=task, user=by, data={**data, "decided_on": day})
            summary, codes, decision = _examen_summary(case)
        else:
            task_complete(task=task, user=by, data={**data, "examined_on": day})
            summary, codes = _bilan_summary(data)
    else:
        outcome = data.get("outcome")
        if outcome not in ReviewOutcome.values:
            raise ServiceError(UNKNOWN_OUTCOME)
        summary, codes = ReviewOutcome(outcome).label, {"outcome": outcome}
    item.status = AgendaItem.Status.DECIDED
    item.decision_summary = summary[:300]
    item.decision_data = codes
    item.decision = decision
    item.decided_at = timezone.now()
    item.decided_by = by
    item.save()
    if _mark_held(seance):
        _sync_grants(seance)
    # A review outcome (stalled or long-running case) is the cell's review of
    # the case: the 12-month review clock restarts there (notifications.detection).
    review = {"review": codes["outcome"]} if item.task_node is None else {}
    _journal(case, by, seance, f"Décision de la séance du {seance.label_date} : {summary}", item, **review)
    return item


@transaction.atomic
def agenda_item_postpone(*, item: AgendaItem, by) -> AgendaItem:
    """Postpone an undecided item: it is proposed on the agenda of the cell's next séance.

    The workflow task stays open (and keeps its due date). Refused for a case
    no longer open (its item is withdrawn, see `case_agenda_withdraw`).
    """
    seance = _locked(item.seance)
    _require_coordinator(by, seance)
    _require_not_closed(seance)
    item = AgendaItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    if item.status != AgendaItem.Status.PENDING:
        raise ServiceError(ITEM_DONE.format(status=item.get_status_display().lower()))
    _require_case_open(item.case)
    following = selectors.next_seance(seance)
    item.status = AgendaItem.Status.POSTPONED
    item.postponed_to = following
    item.save(update_fields=["status", "postponed_to"])
    target = f"à la séance du {following.label_date}" if following else "à la prochaine séance"
    _journal(
        item.case,
        by,
        seance,
        f"{item.get_kind_display()} reporté {target} (séance du {seance.label_date})",
        item,
    )
    return item


# --- Cell setting ---------------------------------------------------------------


@transaction.atomic
def cell_need_to_know_set(*, cell: Cell, strict: bool, by) -> Cell:
    """Switch the cell's strict need-to-know and re-sync every grant of its cases at once."""
    _require_coordinator(by, cell)
    cell = Cell.objects.select_for_update().get(pk=cell.pk)
    if cell.strict_need_to_know != strict:
        cell.strict_need_to_know = strict
        cell.save(update_fields=["strict_need_to_know"])
        access.cell_sync_need_to_know(cell=cell)
    return cell


def seance_starts_at(day: date, at) -> datetime:
    """Aware datetime of a séance from the form's date and time."""
    return timezone.make_aware(datetime.combine(day, at))
