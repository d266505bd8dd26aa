"""Charter and membership services: access follows adoption, signature and membership at once."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone

from casework.models import Institution, JournalEntry, MeasureStatus, Membership
from casework.services.errors import ServiceError
from permissions import charter as charter_services
from permissions.access import pending_charters
from permissions.models import CharterEvent, CharterSignature
from permissions.services import current_charter
from permissions.visibility import Representation, representation_for
from tests.factories import inform_everyone, make_case, make_coordinator, make_member, make_user, world
from tests.permissions.test_matrix import api_client


@pytest.fixture
def arras():
    w = world()
    coord = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    member = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"])
    case = make_case(w["cells"]["Arras – centre"])
    return w, coord, member, case


def test_a_new_version_cuts_every_signatory_off_until_they_sign_it(arras):
    w, coord, member, case = arras
    assert representation_for(member, case) == Representation.CELL_SUMMARY

    v2 = charter_services.charter_adopt(partnership=w["partnerships"]["arras"], text="Version 2", by=coord)

    assert v2.version == 2
    assert representation_for(member, case) is None
    assert representation_for(coord, case) is None
    charter_services.charter_sign(user=member, charter=v2)
    assert representation_for(member, case) == Representation.CELL_SUMMARY
    assert representation_for(coord, case) is None


def test_signing_records_the_seat_institution_and_logs_an_event(arras):
    w, coord, member, _ = arras
    v2 = charter_services.charter_adopt(partnership=w["partnerships"]["arras"], text="Version 2", by=coord)
    signature = charter_services.charter_sign(user=member, charter=v2)

    assert signature.institution == w["institutions"]["college"]
    kinds = list(
        CharterEvent.objects.filter(partnership=w["partnerships"]["arras"]).values_list("kind", "subject")
    )
    assert (CharterEvent.Kind.SIGNED, member.pk) in kinds
    assert (CharterEvent.Kind.ADOPTED, None) in kinds


def test_an_old_version_cannot_be_signed(arras):
    w, coord, member, _ = arras
    v1 = current_charter(w["partnerships"]["arras"])
    charter_services.charter_adopt(partnership=w["partnerships"]["arras"], text="Version 2", by=coord)
    with pytest.raises(ServiceError, match="version 2"):
        charter_services.charter_sign(user=member, charter=v1)


def test_signing_twice_is_refused(arras):
    w, _, member, _ = arras
    with pytest.raises(ServiceError, match="déjà signé"):
        charter_services.charter_sign(user=member, charter=current_charter(w["partnerships"]["arras"]))


def test_a_stranger_cannot_sign(arras):
    w, *_ = arras
    with pytest.raises(ServiceError, match="membres en fonction"):
        charter_services.charter_sign(
            user=make_user(institution=w["institutions"]["police"]),
            charter=current_charter(w["partnerships"]["arras"]),
        )


def test_only_a_coordinator_adopts(arras):
    w, _, member, _ = arras
    with pytest.raises(ServiceError, match="coordonnateur"):
        charter_services.charter_adopt(partnership=w["partnerships"]["arras"], text="x", by=member)


@pytest.mark.parametrize(
    ("text", "days", "message"),
    [("  ", 0, "obligatoire"), ("Texte", 1, "postérieure"), ("Texte", -30, "précéder")],
)
def test_adoption_checks_text_and_date(arras, text, days, message):
    w, coord, *_ = arras
    with pytest.raises(ServiceError, match=message):
        charter_services.charter_adopt(
            partnership=w["partnerships"]["arras"],
            text=text,
            by=coord,
            adopted_on=timezone.localdate() + timedelta(days=days),
        )


def test_ending_a_membership_removes_access_at_once(arras):
    w, coord, member, case = arras
    membership = Membership.objects.get(user=member)

    charter_services.membership_end(membership=membership, by=coord)

    assert representation_for(member, case) is None
    assert CharterEvent.objects.filter(kind=CharterEvent.Kind.MEMBERSHIP_ENDED, subject=member).exists()
    with pytest.raises(ServiceError, match="déjà pris fin"):
        charter_services.membership_end(membership=membership, by=coord)


def _designated_referent(w, case, coord, *, accept=True):
    """A signed prévention spécialisée member of the case's cell, designated
    référent de parcours of `case` through the services (and accepting)."""
    from casework.services import decisions, referents

    referent = make_member(case.cell, institution=w["institutions"]["prev_spe"])
    decisions.decision_record(
        case=case, kind="orientation", orientations=["referent"], decided_on=timezone.localdate(), by=coord
    )
    designation = case.designations.get()
    referents.referent_designate(
        designation=designation, referent=referent, by=coord, on=timezone.localdate()
    )
    if accept:
        inform_everyone(case, by=referent)
        referents.referent_accept(designation=designation, by=referent, on=timezone.localdate())
    return referent, designation


def test_exclusion_ends_the_referents_full_file(arras, client):
    """Audit F4: with no seat left, no charter gate applies to the excluded
    member, so the référent's own grant must go with the seat."""
    w, coord, _, case = arras
    referent, designation = _designated_referent(w, case, coord)
    assert representation_for(referent, case) == Representation.FULL

    charter_services.membership_end(membership=Membership.objects.get(user=referent), by=coord)

    assert pending_charters(referent) == []  # nothing else would stop them
    assert representation_for(referent, case) is None
    api = api_client(referent)
    assert case.pk not in [row["id"] for row in api.get("/api/v1/cases/").json()["results"]]
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    client.force_login(referent)
    assert client.get(reverse("situations:detail", args=[case.pk])).status_code == 404
    # The designation ended, journalled; the measure waits for a new référent.
    designation.refresh_from_db()
    assert (designation.ended_on, designation.status) == (timezone.localdate(), MeasureStatus.TERMINEE)
    entry = case.journal.get(kind=JournalEntry.Kind.DESIGNATION_END)
    assert entry.actor == coord and "fin de participation" in entry.summary
    reopened = case.designations.get(ended_on__isnull=True)
    assert (reopened.kind, reopened.referent) == (designation.kind, None)


def test_a_referent_keeps_the_file_while_a_seat_remains(arras):
    w, coord, _, case = arras
    referent, designation = _designated_referent(w, case, coord)
    charter_services.membership_start(
        partnership=w["partnerships"]["arras"],
        user=referent,
        role=Membership.Role.MEMBRE,
        institution=w["institutions"]["prev_spe"],
        cell=w["cells"]["Arras – quartiers ouest"],
        by=coord,
    )
    centre_seat = Membership.objects.get(user=referent, cell=case.cell)

    charter_services.membership_end(membership=centre_seat, by=coord)

    assert representation_for(referent, case) == Representation.FULL
    designation.refresh_from_db()
    assert designation.ended_on is None and designation.referent == referent
    assert not case.journal.filter(kind=JournalEntry.Kind.DESIGNATION_END).exists()


def test_an_excluded_member_cannot_be_designated_again(arras):
    from casework.services import referents

    w, coord, _, case = arras
    referent, _ = _designated_referent(w, case, coord)
    charter_services.membership_end(membership=Membership.objects.get(user=referent), by=coord)
    reopened = case.designations.get(ended_on__isnull=True)

    assert referent not in referents.referent_candidates(case=case, kind=reopened.kind)
    with pytest.raises(ServiceError, match="pas membre en fonction du CLSPD"):
        referents.referent_designate(
            designation=reopened, referent=referent, by=coord, on=timezone.localdate()
        )
    assert representation_for(referent, case) is None


def test_a_new_member_sees_nothing_until_they_sign(arras):
    w, coord, _, case = arras
    newcomer = make_user(institution=w["institutions"]["police"])

    charter_services.membership_start(
        partnership=w["partnerships"]["arras"],
        user=newcomer,
        role=Membership.Role.MEMBRE,
        institution=w["institutions"]["police"],
        cell=w["cells"]["Arras – centre"],
        by=coord,
    )
    assert representation_for(newcomer, case) is None
    assert [p.partnership for p in pending_charters(newcomer)] == [w["partnerships"]["arras"]]

    charter_services.charter_sign(user=newcomer, charter=current_charter(w["partnerships"]["arras"]))
    assert representation_for(newcomer, case) == Representation.CELL_SUMMARY
    assert pending_charters(newcomer) == []
    assert CharterSignature.objects.filter(user=newcomer).count() == 1


@pytest.mark.parametrize(
    ("role", "cell_name", "message"),
    [
        (Membership.Role.MEMBRE, None, "rattaché à une cellule"),
        (Membership.Role.COORDONNATEUR, "Arras – centre", "tout le partenariat"),
        (Membership.Role.MEMBRE, "Lens-Liévin", "n'appartient pas"),
    ],
)
def test_membership_start_checks_role_and_cell(arras, role, cell_name, message):
    w, coord, *_ = arras
    with pytest.raises(ServiceError, match=message):
        charter_services.membership_start(
            partnership=w["partnerships"]["arras"],
            user=make_user(),
            role=role,
            institution=w["institutions"]["police"],
            cell=w["cells"][cell_name] if cell_name else None,
            by=coord,
        )


def test_membership_start_refuses_an_institution_of_another_territory(arras, nord):
    w, coord, *_ = arras
    newcomer = make_user(institution=w["institutions"]["police"])
    for institution in (nord["police"], Institution.objects.get(name="AAA Sans département")):
        with pytest.raises(ServiceError, match="ne relève pas du département du CLSPD"):
            charter_services.membership_start(
                partnership=w["partnerships"]["arras"],
                user=newcomer,
                role=Membership.Role.MEMBRE,
                institution=institution,
                cell=w["cells"]["Arras – centre"],
                by=coord,
            )
    assert not Membership.objects.filter(user=newcomer).exists()
    assert not CharterEvent.objects.filter(subject=newcomer).exists()


def test_membership_start_refuses_duplicates_and_future_dates(arras):
    w, coord, member, _ = arras
    kwargs = {
        "partnership": w["partnerships"]["arras"],
        "role": Membership.Role.MEMBRE,
        "institution": w["institutions"]["college"],
        "cell": w["cells"]["Arras – centre"],
        "by": coord,
    }
    with pytest.raises(ServiceError, match="déjà ce rôle"):
        charter_services.membership_start(user=member, **kwargs)
    with pytest.raises(ServiceError, match="postérieure"):
        charter_services.membership_start(
            user=make_user(), started_on=timezone.localdate() + timedelta(days=1), **kwargs
        )


def test_a_partnership_without_charter_is_pending_and_named():
    w = world()
    member = make_member(w["cells"]["Lens-Liévin"], institution=w["institutions"]["police"], signed=False)
    [pending] = pending_charters(member)
    assert pending.charter is None
    assert "Aucune charte" in pending.message


def test_charter_events_are_append_only(arras):
    w, coord, *_ = arras
    charter_services.charter_adopt(partnership=w["partnerships"]["arras"], text="Version 2", by=coord)
    event = CharterEvent.objects.get()
    event.summary = "changed"
    with pytest.raises(NotImplementedError):
        event.save()
    with pytest.raises(NotImplementedError):
        CharterEvent.objects.all().delete()
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE permissions_charterevent SET summary = 'x'")
