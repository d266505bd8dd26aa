"""Who reads what the product keeps outside the active base (domain.md §4.9, §4.10).

Rules, in plain language:

- The intermediate archive (cases in status ARCHIVE) is opened only by a
  coordinator of the case's partnership who signed its current charter, one
  case at a time, each time with a reason; every opening writes an access-log
  row (channel "archive", the reason). Anyone else gets 404.
- The right-of-access file of a youth is produced by the same coordinators
  (youths of their partnerships, archived cases included).
- Retention reports and break-the-glass reviews (counts and metadata, no
  identity) are read by the partnership's coordinators and its DPO.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from casework.models import Case, Membership, Partnership
from permissions.access import signed_coordinated_partnerships
from permissions.access_log import Channel, log_access
from permissions.visibility import Representation

REASON_MIN_LENGTH = 15
REASON_REQUIRED = (
    "Indiquez le motif de cette consultation ponctuelle ({min} caractères au moins, "
    "sans nom ni date de naissance)."
)


def overseen_partnerships(user) -> QuerySet[Partnership]:
    """Partnerships whose retention reports and reviews `user` reads: coordinator or DPO."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Partnership.objects.none()
    return Partnership.objects.filter(
        Exists(
            Membership.objects.current().filter(
                partnership=OuterRef("pk"),
                user=user,
                role__in=[Membership.Role.COORDONNATEUR, Membership.Role.DPO],
            )
        )
    )


def archived_cases(user) -> QuerySet[Case]:
    """Archived cases `user` may open (with a reason). Metadata only is listed from here."""
    return Case.objects.filter(
        status=Case.Status.ARCHIVE, partnership__in=signed_coordinated_partnerships(user)
    )


def get_archived_case_for_user(user, pk) -> Case:
    case = archived_cases(user).filter(pk=pk).select_related("partnership", "cell").first()
    if case is None:
        raise Http404("Situation introuvable.")
    return case


def clean_reason(reason: str) -> str:
    """The reason, stripped; ValueError with the French message when too short."""
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN_LENGTH:
        raise ValueError(REASON_REQUIRED.format(min=REASON_MIN_LENGTH))
    return reason


@transaction.atomic
def archive_open(*, user, case: Case, reason: str) -> Case:
    """Record one motivated opening of an archived case; returns it ready to display in full.

    Raises ValueError (French message) without a reason, Http404 when the
    user may not open it.
    """
    reason = clean_reason(reason)
    case = get_archived_case_for_user(user, case.pk)
    case.representation = Representation.FULL.value
    log_access(user=user, cases=case, channel=Channel.ARCHIVE, reason=reason)
    return case


def get_subject_access_case(user, pk) -> Case:
    """A case (active or archived, not purged) whose youth's right-of-access file `user` may
    produce; Http404 otherwise."""
    case = (
        Case.objects.filter(pk=pk, partnership__in=signed_coordinated_partnerships(user), youth__isnull=False)
        .exclude(status=Case.Status.PURGE)
        .select_related("youth", "partnership")
        .first()
    )
    if case is None:
        raise Http404("Situation introuvable.")
    return case
