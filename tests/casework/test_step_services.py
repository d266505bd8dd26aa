"""Casework services of each step: rules, refused transitions, journal."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from casework.models import Case, JournalEntry, ReferentDesignation
from casework.services import bilans, closure, decisions, measures, referents
from casework.services.errors import ServiceError, TransitionNotAllowed
from tests.factories import inform_everyone, make_case, make_coordinator, make_member, make_user

TODAY = timezone.localdate()


@pytest.fixture
def coord(w):
    return make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])


@pytest.fixture
def case(w):
    return make_case(w["cells"]["Arras – centre"], birth_date=date(2011, 5, 1))


def orient(case, coord, *codes):
    return decisions.decision_record(
        case=case, kind="orientation", orientations=list(codes), decided_on=TODAY, by=coord
    )


def signed(w, key):
    """A signed agent of institution `key` with a seat in the partnership (another cell than the case's)."""
    return make_member(w["cells"]["Arras – quartiers ouest"], institution=w["institutions"][key])


def test_orientation_opens_one_measure_per_orientation(case, coord):
    orient(case, coord, "rappel_ordre", "cddf", "referent", "recidive")
    case.refresh_from_db()
    assert case.status == Case.Status.ORIENTE and case.examined_on == TODAY
    assert case.rappels.count() == 1 and case.cddf_referrals.count() == 1
    assert sorted(case.designations.values_list("kind", flat=True)) == ["recidive", "referent"]
    entry = case.journal.get(kind="decision")
    assert (entry.from_status, entry.to_status, entry.actor) == ("signale", "oriente", coord)


def test_a_decision_needs_an_orientation_or_a_classement_reason(case, coord):
    with pytest.raises(ServiceError, match="au moins une orientation"):
        orient(case, coord)
    with pytest.raises(ServiceError, match="motif du classement"):
        decisions.decision_record(case=case, kind="classement", decided_on=TODAY, by=coord)


def test_the_pilot_institution_belongs_to_the_partnership_s_territory(case, coord, w, nord):
    """The forms offer only these; the service refuses another département's too."""
    with pytest.raises(ServiceError, match="département du partenariat"):
        decisions.decision_record(
            case=case,
            kind="orientation",
            orientations=["referent"],
            decided_on=TODAY,
            by=coord,
            pilot_institution=nord["police"],
        )
    assert not case.decisions.exists()
    decision = decisions.decision_record(
        case=case,
        kind="orientation",
        orientations=["referent"],
        decided_on=TODAY,
        by=coord,
        pilot_institution=w["institutions"]["mairie_arras"],
    )
    assert decision.pilot_institution == w["institutions"]["mairie_arras"]


def test_a_second_decision_is_an_invalid_transition(case, coord):
    orient(case, coord, "cddf")
    with pytest.raises(TransitionNotAllowed, match="« Orienté – mesures en cours »"):
        orient(case, coord, "cddf")
    assert case.decisions.count() == 1


def test_rappel_for_a_minor_needs_parents_or_a_reason(case, coord):
    orient(case, coord, "rappel_ordre")
    rappel = case.rappels.get()
    kwargs = {
        "rappel": rappel,
        "by": coord,
        "outcome": "realise",
        "held_on": TODAY,
        "elu": "Le maire",
        "covered_by_protocol": True,
    }
    with pytest.raises(ServiceError, match="mineur"):
        measures.rappel_record(**kwargs, parents_present=False)
    measures.rappel_record(**kwargs, parents_present=False, parents_absence_reason="Parents injoignables")
    rappel.refresh_from_db()
    assert rappel.status == "terminee" and rappel.outcome == "realise"
    with pytest.raises(TransitionNotAllowed, match="déjà terminée"):
        measures.rappel_record(**kwargs, parents_present=True)


def test_rappel_for_an_adult_needs_no_parents(w, coord):
    adult = make_case(w["cells"]["Arras – centre"], birth_date=date(2003, 1, 1))
    orient(adult, coord, "rappel_ordre")
    measures.rappel_record(
        rappel=adult.rappels.get(),
        by=coord,
        outcome="realise",
        held_on=TODAY,
        elu="Le maire",
        covered_by_protocol=True,
    )
    assert adult.journal.filter(kind="measure").count() == 1


def test_cddf_hearing_cannot_precede_the_saisine(case, coord):
    orient(case, coord, "cddf")
    with pytest.raises(ServiceError, match="ne peut pas précéder"):
        measures.cddf_record(
            cddf=case.cddf_referrals.get(), by=coord, saisine_on=TODAY, hearing_on=TODAY - timedelta(days=1)
        )


def test_referent_designation_checks_institution_and_charter(w, case, coord):
    orient(case, coord, "referent", "recidive")
    parcours = case.designations.get(kind=ReferentDesignation.Kind.PARCOURS)
    recidive = case.designations.get(kind=ReferentDesignation.Kind.RECIDIVE)
    police = signed(w, "police")
    unsigned = make_user(institution=w["institutions"]["prev_spe"])
    educator = signed(w, "prev_spe")
    pjj = signed(w, "pjj")

    with pytest.raises(ServiceError, match="institution n'est pas habilitée"):
        referents.referent_designate(designation=parcours, referent=police, by=coord, on=TODAY)
    with pytest.raises(ServiceError, match="pas signé la charte"):
        referents.referent_designate(designation=parcours, referent=unsigned, by=coord, on=TODAY)
    with pytest.raises(ServiceError, match="institution n'est pas habilitée"):
        referents.referent_designate(designation=recidive, referent=educator, by=coord, on=TODAY)
    assert set(referents.referent_candidates(case=case, kind="recidive")) == {pjj}
    assert educator in referents.referent_candidates(case=case, kind="referent")
    assert unsigned not in referents.referent_candidates(case=case, kind="referent")

    referents.referent_designate(designation=parcours, referent=educator, by=coord, on=TODAY)
    assert educator.has_perm("casework.view_case_full", case)
    with pytest.raises(TransitionNotAllowed, match="déjà désigné"):
        referents.referent_designate(designation=parcours, referent=educator, by=coord, on=TODAY)


def test_acceptance_contacts_and_bilan_are_the_referents_alone(w, case, coord):
    orient(case, coord, "referent")
    designation = case.designations.get()
    educator, other = signed(w, "prev_spe"), signed(w, "mission_locale")
    referents.referent_designate(designation=designation, referent=educator, by=coord, on=TODAY)
    with pytest.raises(ServiceError, match="Seul le référent"):
        referents.referent_accept(designation=designation, by=other, on=TODAY)
    inform_everyone(case, by=coord)
    referents.referent_accept(designation=designation, by=educator, on=TODAY)
    designation.refresh_from_db()
    assert designation.next_bilan_due_on == TODAY + timedelta(days=183)

    contact = {
        "occurred_on": TODAY,
        "contact_type": "entretien_jeune",
        "domain": "scolarite",
        "adhesion": "bonne",
    }
    with pytest.raises(ServiceError, match="référent d'aucun suivi"):
        referents.contact_record(case=case, by=other, **contact)
    referents.contact_record(case=case, by=educator, note="Rendez-vous au collège.", **contact)
    designation.refresh_from_db()
    assert designation.first_contact_on == TODAY == designation.last_activity_on
    entry = case.journal.get(kind="contact")
    assert (entry.contact_type, entry.domain, entry.adhesion) == ("entretien_jeune", "scolarite", "bonne")


def test_closure_needs_a_coded_reason_and_revokes_the_referent(w, case, coord):
    orient(case, coord, "referent")
    designation = case.designations.get()
    educator = signed(w, "prev_spe")
    referents.referent_designate(designation=designation, referent=educator, by=coord, on=TODAY)
    inform_everyone(case, by=coord)
    referents.referent_accept(designation=designation, by=educator, on=TODAY)
    bilans.case_await_bilan_examen(case=case)
    with pytest.raises(ServiceError, match="motif de clôture"):
        bilans.bilan_examine(case=case, outcome="clore", by=coord, on=TODAY)
    bilans.bilan_examine(case=case, outcome="clore", closure_reason="demenagement", by=coord, on=TODAY)
    case.refresh_from_db()
    designation.refresh_from_db()
    assert case.status == Case.Status.CLOS and case.closed_on == TODAY
    assert designation.ended_on == TODAY
    assert not educator.has_perm("casework.view_case_full", case)
    with pytest.raises(TransitionNotAllowed):
        closure.case_close(case=case, reason="demenagement", by=coord, on=TODAY)


def test_the_journal_refuses_orm_updates_and_deletes(case):
    entry = case.journal.get()
    entry.summary = "réécrit"
    with pytest.raises(NotImplementedError):
        entry.save()
    with pytest.raises(NotImplementedError):
        entry.delete()
    with pytest.raises(NotImplementedError):
        JournalEntry.objects.filter(pk=entry.pk).update(summary="x")
    with pytest.raises(NotImplementedError):
        JournalEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.parametrize(
    "sql", ["UPDATE casework_journalentry SET summary = 'x'", "DELETE FROM casework_journalentry"]
)
def test_the_journal_refuses_raw_sql_on_postgresql(case, sql):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL (trigger).")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert case.journal.count() == 1
