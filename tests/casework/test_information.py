"""Information of the person: recorded with date, channel, addressee and adhesion; the référent gate."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casework.models import JournalEntry, PersonInformation
from casework.services.errors import ServiceError
from casework.services.information import (
    information_not_given,
    information_record,
    missing_information,
    require_information,
)
from tests.factories import make_case

Addressee = PersonInformation.Addressee


def minor_case(w, coordinator):
    today = timezone.localdate()
    return make_case(
        w["cells"]["Arras – centre"],
        by=coordinator,
        birth_date=date(today.year - 15, 1, 1),
        signaled_on=today - timedelta(days=10),
    )


def adult_case(w, coordinator):
    today = timezone.localdate()
    return make_case(
        w["cells"]["Arras – centre"],
        by=coordinator,
        birth_date=date(today.year - 20, 1, 1),
        signaled_on=today - timedelta(days=10),
    )


def inform(case, addressee, by, **extra):
    return information_record(
        case=case,
        addressee=addressee,
        informed_on=extra.get("informed_on", timezone.localdate()),
        channel=PersonInformation.Channel.ENTRETIEN,
        adhesion=PersonInformation.Adhesion.ADHERE,
        by=by,
    )


def test_for_a_minor_the_parents_must_be_informed_too(w, coordinator):
    case = minor_case(w, coordinator)
    assert missing_information(case) == [Addressee.JEUNE, Addressee.AUTORITE_PARENTALE]
    inform(case, Addressee.JEUNE, coordinator)
    with pytest.raises(ServiceError, match="titulaires de l'autorité parentale n'ont pas encore été informé"):
        require_information(case)
    inform(case, Addressee.AUTORITE_PARENTALE, coordinator)
    require_information(case)


def test_for_an_adult_only_the_youth(w, coordinator):
    case = adult_case(w, coordinator)
    with pytest.raises(ServiceError, match="le jeune n'a pas encore été informé"):
        require_information(case)
    inform(case, Addressee.JEUNE, coordinator)
    require_information(case)
    with pytest.raises(ServiceError, match="majeur"):
        inform(case, Addressee.AUTORITE_PARENTALE, coordinator)


def test_a_recorded_reason_opens_the_gate(w, coordinator):
    case = minor_case(w, coordinator)
    inform(case, Addressee.JEUNE, coordinator)
    information_not_given(
        case=case,
        addressee=Addressee.AUTORITE_PARENTALE,
        reason="Information contraire à l'intérêt du jeune (avis ASE)",
        by=coordinator,
    )
    require_information(case)


def test_a_reason_is_required(w, coordinator):
    case = minor_case(w, coordinator)
    with pytest.raises(ServiceError, match="Indiquez pourquoi"):
        information_not_given(case=case, addressee=Addressee.JEUNE, reason="  ", by=coordinator)


def test_information_is_journaled_without_names(w, coordinator):
    case = adult_case(w, coordinator)
    inform(case, Addressee.JEUNE, coordinator)
    entry = JournalEntry.objects.filter(case=case, kind=JournalEntry.Kind.INFORMATION).get()
    assert entry.summary == "Information – Le jeune (entretien) : adhère à l'accompagnement"
    assert entry.actor == coordinator
    assert case.youth.last_name not in entry.summary


@pytest.mark.parametrize(
    ("informed_on", "message"),
    [
        (timezone.localdate() + timedelta(days=1), "futur"),
        (timezone.localdate() - timedelta(days=30), "précède le signalement"),
    ],
)
def test_dates_are_checked(w, coordinator, informed_on, message):
    case = adult_case(w, coordinator)
    with pytest.raises(ServiceError, match=message):
        inform(case, Addressee.JEUNE, coordinator, informed_on=informed_on)


def test_the_referent_cannot_accept_before_the_information(w, coordinator):
    from casework.services import decisions, referents
    from tests.factories import make_member

    case = minor_case(w, coordinator)
    decisions.decision_record(
        case=case,
        kind="orientation",
        orientations=["referent"],
        decided_on=timezone.localdate(),
        by=coordinator,
    )
    designation = case.designations.get()
    educator = make_member(w["cells"]["Arras – quartiers ouest"], institution=w["institutions"]["prev_spe"])
    referents.referent_designate(
        designation=designation, referent=educator, by=coordinator, on=timezone.localdate()
    )
    inform(case, Addressee.JEUNE, coordinator)

    with pytest.raises(ServiceError, match="Le suivi par un référent ne peut pas commencer"):
        referents.referent_accept(designation=designation, by=educator, on=timezone.localdate())
    designation.refresh_from_db()
    assert designation.accepted_on is None

    information_not_given(
        case=case,
        addressee=Addressee.AUTORITE_PARENTALE,
        reason="Parents injoignables malgré trois courriers",
        by=coordinator,
    )
    referents.referent_accept(designation=designation, by=educator, on=timezone.localdate())
    designation.refresh_from_db()
    assert designation.accepted_on == timezone.localdate()
