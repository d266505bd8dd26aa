"""The rules read what the casework services write: a parcours driven through
the real services, scanned at each step, stalls and unstalls as expected."""

from datetime import timedelta

from casework.models import Bilan, PersonInformation, ReferentDesignation
from casework.models.codes import Adhesion, ContactType, Domain, Orientation, Situation
from casework.services.bilans import bilan_examine, case_await_bilan_examen
from casework.services.decisions import decision_record
from casework.services.information import information_record
from casework.services.referents import bilan_submit, contact_record, referent_accept, referent_designate
from notifications.models import StallFlag
from notifications.services import stalls_scan
from tests.factories import give_seat
from tests.notifications.conftest import at, days


def stalled(case) -> set[str]:
    return set(StallFlag.objects.open().filter(case=case).values_list("rule", flat=True))


def scan(n: int) -> None:
    stalls_scan(now=at(days(n)))


def test_a_parcours_through_the_services(case, coord, referent, arras):
    give_seat(referent, arras.cells.get(name="Arras – quartiers ouest"))

    scan(30)
    assert stalled(case) == {"examen"}

    decision_record(
        case=case, kind="orientation", orientations=[Orientation.REFERENT], decided_on=days(31), by=coord
    )
    scan(31)
    assert stalled(case) == set()
    scan(46)
    assert stalled(case) == {"referent_designation"}

    designation = ReferentDesignation.objects.get(case=case)
    referent_designate(designation=designation, referent=referent, by=coord, on=days(47))
    scan(47)
    assert stalled(case) == set()
    scan(62)
    assert stalled(case) == {"referent_acceptance"}

    for addressee in PersonInformation.Addressee:
        information_record(
            case=case,
            addressee=addressee,
            informed_on=days(50),
            channel=PersonInformation.Channel.ENTRETIEN,
            adhesion=PersonInformation.Adhesion.ADHERE,
            by=coord,
        )
    referent_accept(designation=designation, by=referent, on=days(63))
    scan(78)
    assert stalled(case) == {"first_contact"}

    contact = {
        "contact_type": ContactType.ENTRETIEN_JEUNE,
        "domain": Domain.SCOLARITE,
        "adhesion": Adhesion.BONNE,
    }
    contact_record(case=case, by=referent, occurred_on=days(79), **contact)
    scan(79)
    assert stalled(case) == set()
    scan(109)
    assert stalled(case) == {"contact_gap"}
    contact_record(case=case, by=referent, occurred_on=days(110), **contact)
    scan(110)
    assert stalled(case) == set()

    designation.refresh_from_db()
    due = designation.next_bilan_due_on
    assert due == days(63 + 183)
    for n in range(130, (due - days(0)).days, 25):  # regular contacts, no bilan
        contact_record(case=case, by=referent, occurred_on=days(n), **contact)
    scan((due - days(0)).days)
    assert stalled(case) == {"bilan_due"}

    bilan = bilan_submit(
        designation=designation,
        by=referent,
        period_start=days(63),
        period_end=due,
        adhesion=Adhesion.BONNE,
        situation=Situation.SCOLARISE,
        new_facts=False,
        recommendation=Bilan.Recommendation.PROLONGER,
        presented_on=due + timedelta(days=1),
    )
    case_await_bilan_examen(case=case, by=coord)
    scan((due - days(0)).days + 31)
    assert stalled(case) == {"bilan_examen"}

    bilan_examine(
        case=case,
        outcome=Bilan.CellDecision.PROLONGER,
        by=coord,
        on=bilan.presented_on + timedelta(days=32),
        next_due_on=days(500),
    )
    contact_record(case=case, by=referent, occurred_on=days(280), **contact)
    scan(281)
    assert stalled(case) == set()
