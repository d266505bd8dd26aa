"""Référent de parcours and PJJ/SPIP référent for récidive prevention.

designate → accept → contacts (journal) → bilan de parcours. The référent
reads the full file from designation until the designation ends
(permissions.services.case_grant_referent / case_revoke_referent). A
référent holds a current seat in the case's partnership: when their last seat
ends, their designations there are withdrawn (`referent_withdraw_all`).
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from casework.models import Bilan, Case, Institution, MeasureStatus, Membership, ReferentDesignation
from casework.services.dates import check_date
from casework.services.deadlines import deadline_days
from casework.services.errors import ServiceError, TransitionNotAllowed
from casework.services.information import require_information
from casework.services.journal import journal_log
from casework.services.transitions import require_status
from casework.signals import referent_withdrawn
from permissions import services as access
from permissions.models import CharterSignature

NOT_ELIGIBLE_INSTITUTION = (
    "{user} ne peut pas être désigné : son institution n'est pas habilitée pour {kind}."
)
NOT_SIGNED = "{user} ne peut pas être désigné : il n'a pas signé la charte en vigueur du partenariat."
NOT_A_MEMBER = (
    "{user} ne peut pas être désigné : il n'est pas membre en fonction du {partnership}. "
    "Seul un membre du partenariat, signataire de sa charte, peut être référent."
)
INACTIVE_USER = "{user} ne peut pas être désigné : son compte est désactivé."
ALREADY_DESIGNATED = "Un référent est déjà désigné pour cette mesure."
NOT_DESIGNATED = "Aucun référent n'est désigné pour cette mesure."
NOT_THE_REFERENT = "Seul le référent désigné peut faire cela."
ALREADY_ACCEPTED = "Cette désignation est déjà acceptée."
NO_DECLINE_REASON = "Indiquez le motif du refus : la cellule en a besoin pour désigner quelqu'un d'autre."
NOT_ACCEPTED = "Le référent n'a pas encore accepté la désignation."
DESIGNATION_ENDED = "Cette désignation est terminée."
PERIOD_INVERTED = "La fin de période précède son début."
NO_CURRENT_DESIGNATION = "Vous n'êtes référent d'aucun suivi en cours pour cette situation."
NOT_WITHDRAWABLE = "Cette désignation n'a pas de référent en fonction à retirer."
MEMBERSHIP_ENDED = "fin de participation au {partnership}"


def eligible_kinds(kind: str) -> frozenset[str]:
    """Institution kinds whose agents may hold a designation of `kind`."""
    if kind == ReferentDesignation.Kind.RECIDIVE:
        return Institution.RECIDIVE_KINDS
    return Institution.REFERENT_KINDS


def seated(partnership) -> QuerySet:
    """Current seats of `partnership` that open nominative data (not the DPO's,
    which reads metadata only): a référent must hold one."""
    return Membership.objects.current().filter(partnership=partnership).exclude(role=Membership.Role.DPO)


def referent_candidates(*, case: Case, kind: str) -> QuerySet:
    """Users who may be designated: active agents of an eligible institution
    who hold a current seat in the case's partnership and signed its current charter."""
    charter = access.current_charter(case.partnership)
    if charter is None:
        return get_user_model().objects.none()
    signed = CharterSignature.objects.filter(charter=charter).values("user_id")
    members = seated(case.partnership).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, institution__kind__in=eligible_kinds(kind), pk__in=signed)
        .filter(pk__in=members)
        .select_related("institution")
        .order_by("last_name", "first_name")
    )


def _require_live(designation: ReferentDesignation) -> None:
    require_status(designation.case, Case.Status.ORIENTE)
    if designation.ended_on is not None or designation.status != MeasureStatus.EN_COURS:
        raise TransitionNotAllowed(DESIGNATION_ENDED)


@transaction.atomic
def referent_designate(*, designation: ReferentDesignation, referent, by, on: date) -> ReferentDesignation:
    """Name the référent on `on`. Checks: a date between the cell's decision and
    today, active account, eligible institution (PJJ/SPIP for récidive),
    current charter signed, current seat in the partnership. Grants the full file."""
    _require_live(designation)
    if designation.referent_id is not None:
        raise TransitionNotAllowed(ALREADY_DESIGNATED)
    check_date(
        on,
        what="La date de désignation",
        not_before=[
            (designation.case.signaled_on, "le signalement"),
            (designation.decision.decided_on, "la décision de la cellule"),
        ],
    )
    if not referent.is_active:
        raise ServiceError(INACTIVE_USER.format(user=referent))
    if referent.institution is None or referent.institution.kind not in eligible_kinds(designation.kind):
        raise ServiceError(
            NOT_ELIGIBLE_INSTITUTION.format(user=referent, kind=designation.get_kind_display().lower())
        )
    partnership = designation.case.partnership
    if not access.has_signed_current_charter(referent, partnership):
        raise ServiceError(NOT_SIGNED.format(user=referent))
    # A signature outlives the seat: an excluded member keeps theirs.
    if not seated(partnership).filter(user=referent).exists():
        raise ServiceError(NOT_A_MEMBER.format(user=referent, partnership=partnership))
    designation.referent = referent
    designation.institution = referent.institution
    designation.designated_on = on
    designation.save(update_fields=["referent", "institution", "designated_on"])
    access.case_grant_referent(case=designation.case, user=referent)
    journal_log(
        case=designation.case,
        actor=by,
        kind="designation",
        summary=f"{designation.get_kind_display()} : {referent} ({referent.institution}) désigné",
        occurred_on=on,
        data={"designation": designation.pk, "referent": referent.pk},
    )
    return designation


def release_referent_access(designation: ReferentDesignation) -> None:
    """Withdraw the full file from the designation's référent, unless another
    live designation of the case still names them (the same agent may follow
    both the parcours and the récidive branch). Call inside the service's transaction."""
    if designation.referent_id is None:
        return
    still_referent = (
        designation.case.designations.filter(referent_id=designation.referent_id, ended_on__isnull=True)
        .exclude(pk=designation.pk)
        .exists()
    )
    if not still_referent:
        access.case_revoke_referent(case=designation.case, user=designation.referent)


def _back_to_designation(designation: ReferentDesignation) -> None:
    """A designation not accepted yet goes back to "référent à désigner"; its
    référent loses the full file."""
    release_referent_access(designation)
    designation.referent = None
    designation.institution = None
    designation.designated_on = None
    designation.save(update_fields=["referent", "institution", "designated_on"])


def _require_awaiting_answer(designation: ReferentDesignation, by) -> None:
    """`by` is the designated référent, who has not accepted yet."""
    _require_live(designation)
    if designation.referent_id is None:
        raise TransitionNotAllowed(NOT_DESIGNATED)
    if designation.referent_id != by.pk:
        raise ServiceError(NOT_THE_REFERENT)
    if designation.accepted_on is not None:
        raise TransitionNotAllowed(ALREADY_ACCEPTED)


@transaction.atomic
def referent_decline(*, designation: ReferentDesignation, by, on: date, reason: str) -> ReferentDesignation:
    """The designated référent declines before accepting: the measure goes back
    to "référent à désigner" (the coordinators designate someone else) and the
    full file granted at designation is withdrawn at once.

    `reason` (required) is journalled for the cell; it must not hold
    anything about the youth beyond what the decision needs.
    """
    _require_awaiting_answer(designation, by)
    reason = reason.strip()
    if not reason:
        raise ServiceError(NO_DECLINE_REASON)
    _back_to_designation(designation)
    journal_log(
        case=designation.case,
        actor=by,
        kind="decline",
        summary=f"{designation.get_kind_display()} : désignation refusée par {by}",
        occurred_on=on,
        note=reason,
        data={"designation": designation.pk},
    )
    return designation


@transaction.atomic
def referent_withdraw(*, designation: ReferentDesignation, by, on: date, reason: str) -> ReferentDesignation:
    """Take a live designation from its référent (their last seat in the
    partnership ended): the full file is withdrawn at once, and the measure
    waits for a new référent, as after a refusal.

    - Not accepted yet: the designation goes back to "référent à désigner"
      (as `referent_decline` does).
    - Accepted: the designation ends on `on` (its dates stay, for the record
      and the indicators). While the follow-up runs (case ORIENTE, no bilan of
      this designation waiting for the cell), a new designation of the same
      kind opens, "référent à désigner". When its bilan already waits for the
      examen du bilan, nothing opens: the cell decides there (clore,
      réorienter, or prolonger with another référent).

    Journalled; `referent_withdrawn` lets the parcours give the designation
    task back to the coordinators.
    """
    designation = ReferentDesignation.objects.select_for_update().get(pk=designation.pk)
    referent = designation.referent
    if referent is None or designation.ended_on is not None or designation.status != MeasureStatus.EN_COURS:
        raise TransitionNotAllowed(NOT_WITHDRAWABLE)
    case = designation.case
    kind = designation.get_kind_display()
    if designation.accepted_on is None:
        _back_to_designation(designation)
        summary = f"{kind} : désignation de {referent} retirée ({reason}), référent à désigner"
        reopened = designation
    else:
        designation.ended_on = on
        designation.status = MeasureStatus.TERMINEE
        designation.save(update_fields=["ended_on", "status"])
        release_referent_access(designation)
        reopened = None
        following = (
            case.status == Case.Status.ORIENTE
            and not designation.bilans.filter(examined_on__isnull=True).exists()
        )
        if following:
            reopened = ReferentDesignation.objects.create(
                case=case, decision=designation.decision, kind=designation.kind, opened_on=on
            )
        summary = f"{kind} : fin de la désignation de {referent} ({reason})" + (
            ", référent à désigner" if reopened else ""
        )
    journal_log(
        case=case,
        actor=by,
        kind="designation_end",
        summary=summary[:200],
        occurred_on=on,
        data={
            "designation": designation.pk,
            "referent": referent.pk,
            "reopened": reopened.pk if reopened else None,
        },
    )
    referent_withdrawn.send(sender=ReferentDesignation, case=case, kind=designation.kind, referent=referent)
    return designation


@transaction.atomic
def referent_withdraw_all(*, user, partnership, by, on: date, reason: str = "") -> int:
    """Withdraw every live designation of `user` in `partnership` (see
    `referent_withdraw`), and any full-file grant of theirs left on its cases.
    Returns the number of designations withdrawn."""
    reason = reason or MEMBERSHIP_ENDED.format(partnership=partnership)
    live = ReferentDesignation.objects.filter(
        referent=user, case__partnership=partnership, ended_on__isnull=True, status=MeasureStatus.EN_COURS
    ).order_by("case_id", "id")
    withdrawn = 0
    for designation in live:
        referent_withdraw(designation=designation, by=by, on=on, reason=reason)
        withdrawn += 1
    access.user_revoke_referent_grants(user=user, partnership=partnership)
    return withdrawn


@transaction.atomic
def referent_accept(*, designation: ReferentDesignation, by, on: date) -> ReferentDesignation:
    """The designated référent accepts on `on` (not before the designation nor
    after today); the first bilan falls due after the bilan interval.

    The follow-up starts here, so the youth (and for a minor the holders of
    parental authority) must have been informed, or the reason recorded
    (casework.services.information.require_information).
    """
    _require_awaiting_answer(designation, by)
    check_date(on, what="La date d'acceptation", not_before=[(designation.designated_on, "la désignation")])
    require_information(designation.case, on)
    designation.accepted_on = on
    designation.next_bilan_due_on = on + timedelta(
        days=deadline_days(designation.case.partnership, "bilan_interval")
    )
    designation.save(update_fields=["accepted_on", "next_bilan_due_on"])
    journal_log(
        case=designation.case,
        actor=by,
        kind="acceptance",
        summary=f"{designation.get_kind_display()} : désignation acceptée par {by}",
        occurred_on=on,
        data={"designation": designation.pk},
    )
    return designation


def current_designations(case: Case) -> QuerySet:
    """Accepted, not ended designations of the case."""
    return case.designations.filter(
        referent__isnull=False, accepted_on__isnull=False, ended_on__isnull=True
    ).select_related("referent", "institution")


def designation_of(case: Case, kind: str) -> ReferentDesignation | None:
    """The live designation of `kind` (the latest one opened and not ended)."""
    return (
        case.designations.filter(kind=kind, ended_on__isnull=True, status=MeasureStatus.EN_COURS)
        .order_by("-id")
        .first()
    )


@transaction.atomic
def contact_record(
    *,
    case: Case,
    by,
    occurred_on: date,
    contact_type: str,
    domain: str,
    adhesion: str,
    note: str = "",
) -> None:
    """A contact or action of the référent, as a coded journal entry.

    Health is recorded only as the domain "orientation santé effectuée"; the
    optional note must hold neither health details nor opinions (the form
    says so). Only a current référent of the case may record, on a day between
    their designation and today.
    """
    require_status(case, Case.Status.ORIENTE, Case.Status.BILAN)
    designation = current_designations(case).filter(referent=by).order_by("-id").first()
    if designation is None:
        raise ServiceError(NO_CURRENT_DESIGNATION)
    # A contact dated ahead would also silence the "no contact" stall alert.
    check_date(
        occurred_on, what="La date du contact", not_before=[(designation.designated_on, "la désignation")]
    )
    entry = journal_log(
        case=case,
        actor=by,
        kind="contact",
        summary="Contact / action du référent",
        occurred_on=occurred_on,
        contact_type=contact_type,
        domain=domain,
        adhesion=adhesion,
        note=note.strip(),
    )
    entry.full_clean()  # the coded lists must hold known codes
    updates = ["last_activity_on"]
    if designation.first_contact_on is None or occurred_on < designation.first_contact_on:
        designation.first_contact_on = occurred_on
        updates.append("first_contact_on")
    if designation.last_activity_on is None or occurred_on > designation.last_activity_on:
        designation.last_activity_on = occurred_on
    designation.save(update_fields=updates)


@transaction.atomic
def bilan_submit(
    *,
    designation: ReferentDesignation,
    by,
    period_start: date,
    period_end: date,
    adhesion: str,
    situation: str,
    new_facts: bool,
    recommendation: str,
    presented_on: date,
    text: str = "",
) -> Bilan:
    """The référent hands in the bilan de parcours for the cell, on `presented_on`
    (not before the designation nor after today)."""
    _require_live(designation)
    if designation.accepted_on is None:
        raise TransitionNotAllowed(NOT_ACCEPTED)
    if designation.referent_id != by.pk:
        raise ServiceError(NOT_THE_REFERENT)
    if period_end < period_start:
        raise ServiceError(PERIOD_INVERTED)
    check_date(
        presented_on,
        what="La date de remise du bilan",
        not_before=[(designation.designated_on, "la désignation")],
    )
    bilan = Bilan(
        case=designation.case,
        designation=designation,
        author=by,
        period_start=period_start,
        period_end=period_end,
        adhesion=adhesion,
        situation=situation,
        new_facts=new_facts,
        recommendation=recommendation,
        presented_on=presented_on,
        text=text.strip(),
    )
    bilan.full_clean()
    bilan.save()
    journal_log(
        case=designation.case,
        actor=by,
        kind="bilan",
        summary=f"Bilan de parcours remis (préconisation : {bilan.get_recommendation_display().lower()})",
        occurred_on=presented_on,
        data={"bilan": bilan.pk, "designation": designation.pk, "recommendation": recommendation},
    )
    return bilan
