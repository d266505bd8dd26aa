"""Test data builders on top of the demo reference data and the real services.

`world()` returns the demo reference data (communes, partnerships, cells,
institutions); `make_user` and `make_case` build the rest. Cases are created
through `casework.services.cases.case_signal`, like in production.
"""

import itertools
from datetime import date
from unittest import mock

from django.utils import timezone

from casework.demo import JUSTICE_CELL, seed_reference_data
from casework.models import Cell, Membership, User
from casework.models.codes import Motif, PlanMeasure, Profil
from casework.services.cases import YouthIdentity, case_signal
from permissions import services as access
from permissions.models import Charter, CharterSignature

_counter = itertools.count(1)


def world() -> dict:
    return seed_reference_data()


def make_user(username: str | None = None, *, institution=None, **extra) -> User:
    username = username or f"user{next(_counter)}"
    user = User.objects.create_user(username=username, password="pw", institution=institution, **extra)
    return user


def sign_charter(user, partnership) -> None:
    charter = access.current_charter(partnership) or Charter.objects.create(
        partnership=partnership, version=1, text="Charte de test"
    )
    CharterSignature.objects.get_or_create(
        charter=charter, user=user, defaults={"institution": user.institution}
    )
    access.user_sync_groups(user=user)


def make_member(cell, *, institution, signed=True, username=None, **extra) -> User:
    return give_seat(make_user(username, institution=institution, **extra), cell, signed=signed)


def give_seat(user, cell, *, signed=True) -> User:
    """Make `user` a member of `cell` (for their institution), charter signed by default.

    A référent must hold a seat in the case's partnership to be designated.
    """
    Membership.objects.create(
        user=user,
        partnership=cell.partnership,
        cell=cell,
        institution=user.institution,
        role=Membership.Role.MEMBRE,
    )
    if signed:
        sign_charter(user, cell.partnership)
    access.user_sync_groups(user=user)
    return user


def justice_cell(partnership) -> Cell:
    """A thematic working group of `partnership` with no commune, hence no case:
    the seat of the parquet, PJJ and SPIP agents of the tests, who read only
    what is disclosed to their institution. Reading a disclosed case needs a
    current seat in its partnership with the current charter signed (domain.md
    §4.1); a seat here opens no other case."""
    return Cell.objects.get_or_create(
        partnership=partnership, name=JUSTICE_CELL, defaults={"kind": Cell.Kind.INTERCOMMUNALE}
    )[0]


def make_disclosure_reader(partnership, *, institution, signed=True, username=None) -> User:
    """An agent of `institution` (parquet, PJJ, SPIP) seated in the justice
    group of `partnership`, charter signed by default: reads the cases of the
    partnership disclosed to their institution, as scoped summaries."""
    return give_seat(make_user(username, institution=institution), justice_cell(partnership), signed=signed)


def make_coordinator(partnership, *, institution, signed=True, username=None) -> User:
    user = make_user(username, institution=institution)
    Membership.objects.create(
        user=user, partnership=partnership, institution=institution, role=Membership.Role.COORDONNATEUR
    )
    if signed:
        sign_charter(user, partnership)
    access.user_sync_groups(user=user)
    return user


def make_case(
    cell,
    *,
    by=None,
    first_name="Jean",
    last_name=None,
    birth_date=date(2010, 3, 14),
    sex="M",
    commune=None,
    signaled_on=None,
    motifs=(Motif.ABSENTEISME,),
    profil=Profil.DECROCHEUR,
    plan_measure=PlanMeasure.M2,
    source_institution=None,
):
    """A case signalled through `case_signal`. A past `signaled_on` is recorded
    as on that day: the service checks the youth's age on the signalement's day
    and "today", so that a youth aged 25 now (the retention tests) could be
    signalled back then. A future `signaled_on` is still refused."""
    commune = commune or cell.communes.first()
    signaled_on = signaled_on or timezone.localdate()
    source = source_institution or (by.institution if by and by.institution else None)
    if source is None:
        from casework.models import Institution

        source = Institution.objects.filter(kind=Institution.Kind.EDUCATION_NATIONALE).first()
    recorded_on = min(signaled_on, timezone.localdate())
    with mock.patch("casework.services.dates.today", return_value=recorded_on):
        return case_signal(
            cell=cell,
            identity=YouthIdentity(
                first_name=first_name,
                last_name=last_name or f"Testeur{next(_counter)}",
                birth_date=birth_date,
                sex=sex,
                commune_id=commune.pk,
            ),
            source_institution=source,
            motifs=list(motifs),
            profil=profil,
            plan_measure=plan_measure,
            signaled_on=signaled_on,
            by=by,
        )


def inform_everyone(case, *, by, on=None):
    """Record that the youth (and, for a minor, the holders of parental authority) were informed
    and adhere: the précondition of a référent follow-up."""
    from casework.models import PersonInformation
    from casework.services.information import information_record, missing_information

    for addressee in missing_information(case, on):
        information_record(
            case=case,
            addressee=addressee,
            informed_on=on or timezone.localdate(),
            channel=PersonInformation.Channel.ENTRETIEN,
            adhesion=PersonInformation.Adhesion.ADHERE,
            by=by,
        )
