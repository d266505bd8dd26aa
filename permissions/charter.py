"""Charter and membership services: adopt, sign, join, leave.

Each service runs in one transaction, writes a `CharterEvent`, and re-syncs
the permission groups of everyone concerned, so that access follows at once:
a new version cuts every signatory off until they sign it, a membership ended
today cuts its access today. No job is involved.

Who may call them: adoption and membership changes need a current
coordinator of the partnership (`access.is_coordinator`); signing is done by
the member themself.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from casework.models import Cell, Institution, Membership, Partnership, User
from casework.selectors import partnership_institutions
from casework.services import referents
from casework.services.errors import ServiceError
from permissions.access import is_coordinator
from permissions.models import Charter, CharterEvent, CharterSignature
from permissions.seats import forget_seats
from permissions.services import current_charter, user_sync_groups

NOT_COORDINATOR = "Seul un coordonnateur du {partnership} peut faire cette opération."
EMPTY_TEXT = "Le texte de la charte est obligatoire."
ADOPTED_IN_FUTURE = "La date d'adoption ne peut pas être postérieure à aujourd'hui."
ADOPTED_BEFORE_PREVIOUS = "La date d'adoption ne peut pas précéder celle de la version {version} ({date})."
NOT_CURRENT_VERSION = (
    "Cette version de la charte n'est plus en vigueur : signez la version {version} du {partnership}."
)
NOT_A_MEMBER = "Seuls les membres en fonction du {partnership} signent sa charte."
ALREADY_SIGNED = "Vous avez déjà signé la version {version} de la charte du {partnership}."
STARTS_IN_FUTURE = (
    "La date d'entrée ne peut pas être postérieure à aujourd'hui : ajoutez le membre à son arrivée."
)
MEMBER_NEEDS_CELL = "Un membre de cellule doit être rattaché à une cellule du partenariat."
CELL_OUTSIDE = "La cellule « {cell} » n'appartient pas au {partnership}."
INSTITUTION_OUTSIDE = "L'institution « {institution} » ne relève pas du département du {partnership}."
NO_CELL_FOR_ROLE = "Le rôle « {role} » porte sur tout le partenariat : ne choisissez pas de cellule."
ALREADY_MEMBER = "{user} a déjà ce rôle dans ce partenariat."
ALREADY_ENDED = "Cette participation a déjà pris fin."


def _require_coordinator(by, partnership: Partnership) -> None:
    if not is_coordinator(by, partnership):
        raise ServiceError(NOT_COORDINATOR.format(partnership=partnership))


def _log(**fields) -> CharterEvent:
    # Every change of a seat or a signature is journalled here.
    forget_seats()
    return CharterEvent.objects.create(occurred_on=fields.pop("occurred_on", timezone.localdate()), **fields)


def partnership_members(partnership: Partnership):
    """Users with a current membership in `partnership`."""
    return User.objects.filter(
        pk__in=Membership.objects.current().filter(partnership=partnership).values("user_id")
    ).distinct()


@transaction.atomic
def charter_adopt(*, partnership: Partnership, text: str, by, adopted_on: date | None = None) -> Charter:
    """Adopt the next version of the partnership's charter.

    From now on, nobody holds a current signature: every member loses access
    to nominative data until they sign the new version.
    """
    _require_coordinator(by, partnership)
    adopted_on = adopted_on or timezone.localdate()
    if not text.strip():
        raise ServiceError(EMPTY_TEXT)
    if adopted_on > timezone.localdate():
        raise ServiceError(ADOPTED_IN_FUTURE)
    # Serialise concurrent adoptions on the partnership row.
    Partnership.objects.select_for_update().get(pk=partnership.pk)
    previous = current_charter(partnership)
    if previous is not None and adopted_on < previous.adopted_on:
        raise ServiceError(
            ADOPTED_BEFORE_PREVIOUS.format(version=previous.version, date=f"{previous.adopted_on:%d/%m/%Y}")
        )
    version = (partnership.charters.aggregate(v=Max("version"))["v"] or 0) + 1
    charter = Charter.objects.create(
        partnership=partnership, version=version, text=text.strip(), adopted_on=adopted_on
    )
    _log(
        partnership=partnership,
        kind=CharterEvent.Kind.ADOPTED,
        charter=charter,
        actor=by,
        occurred_on=adopted_on,
        summary=f"Adoption de la version {version} de la charte",
    )
    # In a stable order: each sync locks its user's row (user_sync_groups).
    for user in partnership_members(partnership).order_by("pk"):
        user_sync_groups(user=user)
    return charter


@transaction.atomic
def charter_sign(*, user, charter: Charter) -> CharterSignature:
    """`user` signs `charter`, which must be the current version of a partnership they belong to.

    The signature records the institution of the member's seat.
    """
    partnership = charter.partnership
    current = current_charter(partnership)
    if current is None or current.pk != charter.pk:
        raise ServiceError(NOT_CURRENT_VERSION.format(version=current.version, partnership=partnership))
    membership = (
        Membership.objects.current().filter(user=user, partnership=partnership).order_by("started_on").first()
    )
    if membership is None:
        raise ServiceError(NOT_A_MEMBER.format(partnership=partnership))
    if CharterSignature.objects.filter(charter=charter, user=user).exists():
        raise ServiceError(ALREADY_SIGNED.format(version=charter.version, partnership=partnership))
    try:
        # A second submission of the form that passed the check above at the
        # same time as the first meets the unique constraint: same answer.
        with transaction.atomic():
            signature = CharterSignature.objects.create(
                charter=charter, user=user, institution=membership.institution, signed_at=timezone.now()
            )
    except IntegrityError as exc:
        raise ServiceError(ALREADY_SIGNED.format(version=charter.version, partnership=partnership)) from exc
    _log(
        partnership=partnership,
        kind=CharterEvent.Kind.SIGNED,
        charter=charter,
        subject=user,
        institution=membership.institution,
        actor=user,
        summary=f"Signature de la version {charter.version} par {user} ({membership.institution})",
    )
    user_sync_groups(user=user)
    return signature


@transaction.atomic
def membership_start(
    *,
    partnership: Partnership,
    user,
    role: str,
    institution: Institution,
    by,
    cell: Cell | None = None,
    started_on: date | None = None,
) -> Membership:
    """Give `user` a seat in `partnership`, on behalf of `institution` (one of the
    partnership's département(s)). Access to nominative data waits for their signature."""
    _require_coordinator(by, partnership)
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        # Access is synced now; a future start would need a job to open it.
        raise ServiceError(STARTS_IN_FUTURE)
    if role == Membership.Role.MEMBRE and cell is None:
        raise ServiceError(MEMBER_NEEDS_CELL)
    if role != Membership.Role.MEMBRE and cell is not None:
        raise ServiceError(NO_CELL_FOR_ROLE.format(role=Membership.Role(role).label))
    if cell is not None and cell.partnership_id != partnership.pk:
        raise ServiceError(CELL_OUTSIDE.format(cell=cell, partnership=partnership))
    if not partnership_institutions(partnership.pk).filter(pk=institution.pk).exists():
        # The form offers only these; a caller that bypasses it is refused too.
        raise ServiceError(INSTITUTION_OUTSIDE.format(institution=institution, partnership=partnership))
    # Serialise concurrent seat changes on the partnership row (a form
    # submitted twice): the second reads the seat the first committed.
    Partnership.objects.select_for_update().get(pk=partnership.pk)
    if Membership.objects.current().filter(user=user, partnership=partnership, role=role, cell=cell).exists():
        raise ServiceError(ALREADY_MEMBER.format(user=user))
    membership = Membership(
        user=user,
        partnership=partnership,
        cell=cell,
        institution=institution,
        role=role,
        started_on=started_on,
    )
    try:
        membership.full_clean()
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:  # Membership's open-seat constraints: this seat is already open
        raise ServiceError(ALREADY_MEMBER.format(user=user)) from exc
    _log(
        partnership=partnership,
        kind=CharterEvent.Kind.MEMBERSHIP_STARTED,
        subject=user,
        institution=institution,
        actor=by,
        occurred_on=started_on,
        summary=f"Entrée de {user} ({institution}) : {membership.get_role_display()}"
        + (f", {cell}" if cell else ""),
    )
    user_sync_groups(user=user)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, by) -> Membership:
    """End `membership` today: its access to nominative data stops at once.

    When it was the user's last seat in the partnership (a DPO seat opens no
    nominative data and does not count), their référent designations there
    are withdrawn too (casework.services.referents.referent_withdraw_all):
    the full files they read as référent close, and each measure waits for a
    new référent."""
    _require_coordinator(by, membership.partnership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_current:
        raise ServiceError(ALREADY_ENDED)
    membership.ended_on = timezone.localdate()
    membership.save(update_fields=["ended_on"])
    _log(
        partnership=membership.partnership,
        kind=CharterEvent.Kind.MEMBERSHIP_ENDED,
        subject=membership.user,
        institution=membership.institution,
        actor=by,
        summary=f"Fin de participation de {membership.user} : {membership.get_role_display()}"
        + (f", {membership.cell}" if membership.cell_id else ""),
    )
    if not referents.seated(membership.partnership).filter(user=membership.user).exists():
        referents.referent_withdraw_all(
            user=membership.user, partnership=membership.partnership, by=by, on=membership.ended_on
        )
    user_sync_groups(user=membership.user)
    return membership
