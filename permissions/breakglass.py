"""Break-the-glass: temporary full access to one case, asked with a reason, decided by the coordinator.

Rules, in plain language:

- A member who sees a case as its cell summary (signed charter, cell of the
  case) may ask for the full file, giving a reason. One pending request at a
  time per case and member.
- A coordinator of the case's partnership who signed the current charter
  approves or refuses. An approval gives the full file for
  settings.BREAK_GLASS_HOURS hours (72 by default); the grant then ends by
  itself: the visibility policy compares `expires_at` with the time of each
  read, no job is involved. It also ends if the member loses the cell summary
  (membership ended, charter not signed).
- Every read through a grant is logged with the reason "bris de glace"
  (permissions.access_log); requests, decisions and uses are listed for the
  coordinators and the DPO (`grants_for_review`, `uses_of`).
- A coordinator may withdraw an approved grant before its term
  (`breakglass_revoke`, with a reason): its `expires_at` becomes the time of
  withdrawal, so access ends at once, by the same read-time comparison. The
  reason goes to the case journal only.
- Each request, decision and withdrawal is journaled on the case.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from casework.models import Case, JournalEntry
from casework.services.errors import ServiceError
from casework.services.journal import journal_log
from permissions.access import is_signed_coordinator
from permissions.access_log import BREAK_GLASS_REASON
from permissions.archive import overseen_partnerships
from permissions.models import AccessLog, BreakGlassGrant
from permissions.visibility import Representation, representation_for

REASON_MIN_LENGTH = 15
REASON_REQUIRED = "Indiquez pourquoi l'accès complet est nécessaire ({min} caractères au moins, sans nom)."
ONLY_CELL_MEMBERS = "Le bris de glace est réservé aux membres de la cellule qui voient la fiche de synthèse."
ALREADY_PENDING = "Une demande est déjà en attente de décision du coordonnateur."
ALREADY_ACTIVE = "Vous disposez déjà d'un accès complet temporaire à cette situation."
NOT_PENDING = "Cette demande a déjà été traitée."
NOT_COORDINATOR = "Seul un coordonnateur du partenariat, signataire de la charte, peut décider."
OWN_REQUEST = "Vous ne pouvez pas décider de votre propre demande."
NOT_ACTIVE = "Cet accès a déjà pris fin."
NOT_COORDINATOR_REVOKE = (
    "Seul un coordonnateur du partenariat, signataire de la charte, peut retirer un accès."
)
REVOKE_REASON_REQUIRED = "Indiquez pourquoi l'accès est retiré, sans nom."


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN_LENGTH:
        raise ServiceError(REASON_REQUIRED.format(min=REASON_MIN_LENGTH))
    return reason


@transaction.atomic
def breakglass_request(*, case: Case, user, reason: str) -> BreakGlassGrant:
    """Ask for temporary full access to `case`. The caller fetched the case through visible_cases."""
    reason = _clean_reason(reason)
    if representation_for(user, case) != Representation.CELL_SUMMARY:
        if BreakGlassGrant.objects.active().filter(case=case, requested_by=user).exists():
            raise ServiceError(ALREADY_ACTIVE)
        raise ServiceError(ONLY_CELL_MEMBERS)
    if BreakGlassGrant.objects.filter(
        case=case, requested_by=user, status=BreakGlassGrant.Status.PENDING
    ).exists():
        raise ServiceError(ALREADY_PENDING)
    grant = BreakGlassGrant.objects.create(case=case, requested_by=user, reason=reason)
    journal_log(
        case=case,
        actor=user,
        kind=JournalEntry.Kind.OTHER,
        summary=f"Bris de glace demandé par {user}",
        note=reason,
        data={"break_glass": grant.pk},
    )
    return grant


def _decide(grant: BreakGlassGrant, by) -> BreakGlassGrant:
    grant = BreakGlassGrant.objects.select_for_update().select_related("case").get(pk=grant.pk)
    if grant.status != BreakGlassGrant.Status.PENDING:
        raise ServiceError(NOT_PENDING)
    if not is_signed_coordinator(by, grant.case.partnership):
        raise ServiceError(NOT_COORDINATOR)
    if grant.requested_by_id == by.pk:
        raise ServiceError(OWN_REQUEST)
    return grant


@transaction.atomic
def breakglass_approve(*, grant: BreakGlassGrant, by, note: str = "") -> BreakGlassGrant:
    """Approve: full access for BREAK_GLASS_HOURS from now."""
    grant = _decide(grant, by)
    now = timezone.now()
    grant.status = BreakGlassGrant.Status.APPROVED
    grant.decided_by = by
    grant.decided_at = now
    grant.decision_note = note.strip()
    grant.expires_at = now + timedelta(hours=settings.BREAK_GLASS_HOURS)
    grant.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "expires_at"])
    journal_log(
        case=grant.case,
        actor=by,
        kind=JournalEntry.Kind.OTHER,
        summary=(
            f"Bris de glace accordé à {grant.requested_by} jusqu'au "
            f"{timezone.localtime(grant.expires_at):%d/%m/%Y à %H:%M}"
        ),
        data={"break_glass": grant.pk},
    )
    return grant


@transaction.atomic
def breakglass_refuse(*, grant: BreakGlassGrant, by, note: str = "") -> BreakGlassGrant:
    grant = _decide(grant, by)
    grant.status = BreakGlassGrant.Status.REFUSED
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.decision_note = note.strip()
    grant.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    journal_log(
        case=grant.case,
        actor=by,
        kind=JournalEntry.Kind.OTHER,
        summary=f"Bris de glace refusé à {grant.requested_by}",
        data={"break_glass": grant.pk},
    )
    return grant


@transaction.atomic
def breakglass_revoke(*, grant: BreakGlassGrant, by, reason: str) -> BreakGlassGrant:
    """Withdraw an approved grant before its term: access ends at once (`expires_at` becomes
    now; reads compare it with their own time). A signed coordinator of the case's
    partnership only, with a reason (journaled on the case, as the request's)."""
    grant = BreakGlassGrant.objects.select_for_update().select_related("case").get(pk=grant.pk)
    if not is_signed_coordinator(by, grant.case.partnership):
        raise ServiceError(NOT_COORDINATOR_REVOKE)
    now = timezone.now()
    if grant.status != BreakGlassGrant.Status.APPROVED or grant.expires_at <= now:
        raise ServiceError(NOT_ACTIVE)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError(REVOKE_REASON_REQUIRED)
    grant.expires_at = now
    grant.save(update_fields=["expires_at"])
    journal_log(
        case=grant.case,
        actor=by,
        kind=JournalEntry.Kind.OTHER,
        summary=f"Bris de glace retiré à {grant.requested_by} avant son terme",
        note=reason,
        data={"break_glass": grant.pk, "revoked": True},
    )
    return grant


def grants_for_review(user) -> QuerySet[BreakGlassGrant]:
    """Requests and grants of the partnerships `user` oversees (coordinator or DPO), each with
    `uses`: the number of reads made under it, and `revoked_at`: when a coordinator withdrew
    it before its term (None otherwise)."""
    revoked_at = (
        JournalEntry.objects.filter(case=OuterRef("case"), data__revoked=True)
        .annotate(grant_id=Cast(KeyTextTransform("break_glass", "data"), IntegerField()))
        .filter(grant_id=OuterRef("pk"))
        .order_by("at")
        .values("at")[:1]
    )
    uses = (
        AccessLog.objects.filter(
            case=OuterRef("case"),
            user=OuterRef("requested_by"),
            reason=BREAK_GLASS_REASON,
            at__gte=OuterRef("decided_at"),
            at__lt=OuterRef("expires_at"),
        )
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        BreakGlassGrant.objects.filter(case__partnership__in=overseen_partnerships(user))
        .exclude(case__status=Case.Status.PURGE)
        .select_related("case", "case__cell", "requested_by", "requested_by__institution", "decided_by")
        .annotate(
            uses=Coalesce(Subquery(uses, output_field=IntegerField()), 0), revoked_at=Subquery(revoked_at)
        )
        .order_by("-requested_at", "-pk")
    )


def uses_of(grant: BreakGlassGrant) -> QuerySet[AccessLog]:
    """Reads made under `grant`."""
    if grant.decided_at is None or grant.expires_at is None:
        return AccessLog.objects.none()
    return AccessLog.objects.filter(
        case=grant.case_id,
        user=grant.requested_by_id,
        reason=BREAK_GLASS_REASON,
        at__gte=grant.decided_at,
        at__lt=grant.expires_at,
    ).order_by("at")
