"""Access rules that views and API endpoints share: fetch-or-404, roles, charter gate.

Rules, in plain language:

- A case a user may not see does not exist for them: `get_case_for_user`
  raises Http404, whatever the reason (other partnership, unsigned charter,
  expired disclosure, wrong id).
- A case they see but may not act on answers 403 (`get_coordinated_case_for_user`).
- A *coordinator* of a partnership holds a current coordinator membership.
  Managing the charter and the memberships needs only that (the first
  charter has to be adopted by someone who cannot have signed it yet);
  anything that touches case data also needs the current charter signed.
- A member with a current membership whose charter is not signed in its
  current version is *pending*: the UI sends them to the signing page and the
  API answers 403 naming the charter.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from casework.models import Case, JournalEntry, Membership, Partnership
from permissions.models import Charter
from permissions.seats import current_seats
from permissions.visibility import visible_cases


def get_case_for_user(user, pk) -> Case:
    """The case `pk` annotated with the user's `representation`, or Http404."""
    case = (
        visible_cases(user)
        .filter(pk=pk)
        .select_related("youth", "cell", "partnership", "commune", "source_institution")
        .first()
    )
    if case is None:
        raise Http404("Situation introuvable.")
    return case


def coordinated_partnerships(user) -> QuerySet[Partnership]:
    """Partnerships where `user` holds a current coordinator membership."""
    return Partnership.objects.filter(
        Exists(
            Membership.objects.current().filter(
                partnership=OuterRef("pk"), user=user, role=Membership.Role.COORDONNATEUR
            )
        )
    )


def signed_coordinated_partnerships(user) -> list[Partnership]:
    """Partnerships `user` coordinates with the current charter signed (from the seats)."""
    ids = {
        seat.partnership_id
        for seat in current_seats(user)
        if seat.role == Membership.Role.COORDONNATEUR and seat.signed
    }
    return list(Partnership.objects.filter(pk__in=ids)) if ids else []


def journal_filter(user) -> Q:
    """The journal entries `user` reads, among those of cases they read in full.

    A "doublon possible" entry names the other open cases of the same youth in
    the partnership: cases a référent or a break-the-glass reader may not see,
    so only the partnership's signed coordinators read it (from the seats: no
    query within a request).
    """
    coordinated = [
        seat.partnership_id
        for seat in current_seats(user)
        if seat.role == Membership.Role.COORDONNATEUR and seat.signed
    ]
    return ~Q(kind=JournalEntry.Kind.DUPLICATE) | Q(case__partnership_id__in=coordinated)


def is_signed_coordinator_of(user, partnership_id: int) -> bool:
    """`is_signed_coordinator` by partnership id, from the seats (no query within a request)."""
    return any(
        seat.role == Membership.Role.COORDONNATEUR and seat.signed and seat.partnership_id == partnership_id
        for seat in current_seats(user)
    )


def coordinates_any(user) -> bool:
    """`coordinated_partnerships(user).exists()`, from the seats (the menu asks on every page)."""
    return any(seat.role == Membership.Role.COORDONNATEUR for seat in current_seats(user))


def is_coordinator(user, partnership: Partnership) -> bool:
    return coordinated_partnerships(user).filter(pk=partnership.pk).exists()


def is_signed_coordinator(user, partnership: Partnership) -> bool:
    """Coordinator with the current charter signed: may act on the partnership's cases.

    Read from the seats (`is_signed_coordinator_of`): one query at most per
    request, however many pages, views and services ask (the case file and
    every coordinator page asked three queries each time, a current
    membership, the current charter and the signature). The charter services
    forget the request's seats when they change a seat or a signature.
    """
    return is_signed_coordinator_of(user, partnership.pk)


def get_coordinated_case_for_user(user, pk) -> Case:
    """The case `pk` for a signed coordinator of its partnership.

    Http404 when the user does not see the case at all; PermissionDenied (403)
    when they see it (cell member, référent, disclosed institution) but do not
    coordinate it.
    """
    case = get_case_for_user(user, pk)
    if not is_signed_coordinator(user, case.partnership):
        raise PermissionDenied("Réservé au coordonnateur du partenariat.")
    return case


@dataclass(frozen=True)
class PendingCharter:
    """A partnership whose current charter `user` must sign; `charter` is None if none was adopted."""

    partnership: Partnership
    charter: Charter | None

    @property
    def message(self) -> str:
        if self.charter is None:
            return (
                f"Aucune charte de confidentialité n'a encore été adoptée pour le {self.partnership} : "
                "l'accès aux données nominatives est impossible tant qu'elle n'est pas adoptée et signée."
            )
        return (
            f"Vous devez signer la charte de confidentialité du {self.partnership} "
            f"(version {self.charter.version}) pour accéder aux données nominatives."
        )


def pending_charters(user) -> list[PendingCharter]:
    """Partnerships where `user` holds a current seat with nominative access but not the current signature.

    DPO seats are left out: they read metadata only (domain.md §1). One query
    when nothing is pending (the case of every page a signed user opens).
    """
    pending = {seat.partnership_id for seat in current_seats(user) if seat.nominative and not seat.signed}
    if not pending:
        return []
    partnerships = Partnership.objects.filter(pk__in=pending).annotate(
        current_charter_id=Subquery(
            Charter.objects.filter(partnership=OuterRef("pk")).order_by("-version").values("pk")[:1]
        )
    )
    partnerships = list(partnerships.order_by("name"))
    charters = Charter.objects.in_bulk([p.current_charter_id for p in partnerships if p.current_charter_id])
    return [PendingCharter(partnership=p, charter=charters.get(p.current_charter_id)) for p in partnerships]
