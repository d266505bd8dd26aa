"""Dates typed on the steps: never in the future, never before the step they follow.

A mistyped year moved a closure years back (the nightly retention purged the
case at once) or a contact a year ahead (silencing the stall alert); a
rappel à l'ordre dated after the 18th birthday dispensed a minor's parents.
Also: the age bounds at intake, and the reason "25 ans atteints".
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from casework.models import Case, ReferentDesignation
from casework.models.codes import ClosureReason, Motif, PlanMeasure, Profil
from casework.services import bilans, closure, decisions, measures, referents
from casework.services.cases import YouthIdentity, case_signal
from casework.services.dates import check_date
from casework.services.errors import ServiceError
from casework.services.retention import years_later
from tests.factories import inform_everyone, make_case, make_member
from workflows.forms import ExamenBilanForm

TODAY = timezone.localdate()
DAY = timedelta(days=1)
SIGNALED = TODAY - 60 * DAY
DECIDED = SIGNALED + 10 * DAY


def fr(day: date) -> str:
    return f"{day:%d/%m/%Y}"


@pytest.fixture
def case(cell):
    return make_case(cell, birth_date=date(2011, 5, 1), signaled_on=SIGNALED)


def orient(case, coord, *codes, on=DECIDED):
    return decisions.decision_record(
        case=case, kind="orientation", orientations=list(codes), decided_on=on, by=coord
    )


@pytest.fixture
def educator(w):
    """Signed prévention spécialisée educator with a seat in the partnership."""
    return make_member(w["cells"]["Arras – quartiers ouest"], institution=w["institutions"]["prev_spe"])


def designation_of(case) -> ReferentDesignation:
    return case.designations.get(kind=ReferentDesignation.Kind.PARCOURS)


@pytest.fixture
def following(case, coord, educator):
    """Oriented to a référent de parcours, designated (DECIDED + 2) and accepted (DECIDED + 5)."""
    orient(case, coord, "referent")
    designation = designation_of(case)
    referents.referent_designate(designation=designation, referent=educator, by=coord, on=DECIDED + 2 * DAY)
    inform_everyone(case, by=coord, on=DECIDED + 3 * DAY)
    referents.referent_accept(designation=designation, by=educator, on=DECIDED + 5 * DAY)
    designation.refresh_from_db()
    return designation


def submit_bilan(designation, educator, presented_on):
    return referents.bilan_submit(
        designation=designation,
        by=educator,
        period_start=SIGNALED,
        period_end=presented_on,
        adhesion="bonne",
        situation="formation",
        new_facts=False,
        recommendation="clore",
        presented_on=presented_on,
    )


# --- The shared helper -----------------------------------------------------------


def test_check_date_messages():
    check_date(TODAY, what="La date de clôture", not_before=[(TODAY, "le signalement"), (None, "ignoré")])
    with pytest.raises(ServiceError) as future:
        check_date(TODAY + DAY, what="La date de clôture")
    assert str(future.value) == "La date de clôture ne peut pas être dans le futur."
    with pytest.raises(ServiceError) as early:
        check_date(TODAY - DAY, what="La date de clôture", not_before=[(TODAY, "le signalement")])
    assert str(early.value) == f"La date de clôture ne peut pas précéder le signalement ({fr(TODAY)})."


# --- Intake ------------------------------------------------------------------------


@pytest.fixture
def signal_youth(cell, w):
    def _signal(*, birth_date, signaled_on=TODAY):
        return case_signal(
            cell=cell,
            identity=YouthIdentity(
                first_name="Léo",
                last_name="Borne",
                birth_date=birth_date,
                sex="M",
                commune_id=w["communes"]["Arras"].pk,
            ),
            source_institution=w["institutions"]["college"],
            motifs=[Motif.ABSENTEISME],
            profil=Profil.DECROCHEUR,
            plan_measure=PlanMeasure.M2,
            signaled_on=signaled_on,
            by=None,
        )

    return _signal


def test_a_youth_of_25_is_refused_at_intake_as_retention_purges_from_that_birthday(signal_youth):
    max_age = settings.YOUTH_MAX_AGE
    with pytest.raises(ServiceError, match=f"a {max_age} ans à la date du signalement"):
        signal_youth(birth_date=years_later(TODAY, -max_age))
    assert not Case.objects.exists()
    case = signal_youth(birth_date=years_later(TODAY, -max_age) + DAY)  # 25 tomorrow
    assert case.age_at_signalement == max_age - 1


def test_a_backdated_signalement_does_not_admit_a_youth_who_is_25_today(signal_youth):
    signaled_on = TODAY - 30 * DAY
    birth_date = years_later(TODAY, -settings.YOUTH_MAX_AGE) - DAY  # 24 on signaled_on, 25 today
    with pytest.raises(ServiceError, match="a 25 ans aujourd'hui"):
        signal_youth(birth_date=birth_date, signaled_on=signaled_on)
    assert not Case.objects.exists()


def test_a_signalement_cannot_be_dated_in_the_future(signal_youth):
    with pytest.raises(ServiceError, match="La date du signalement ne peut pas être dans le futur"):
        signal_youth(birth_date=date(2010, 3, 14), signaled_on=TODAY + DAY)
    assert not Case.objects.exists()


# --- Examen --------------------------------------------------------------------------


def test_a_decision_cannot_be_dated_in_the_future(case, coord):
    with pytest.raises(ServiceError, match="La date de décision ne peut pas être dans le futur"):
        orient(case, coord, "referent", on=TODAY + DAY)
    with pytest.raises(ServiceError, match=f"précéder le signalement \\({fr(SIGNALED)}\\)"):
        orient(case, coord, "referent", on=SIGNALED - DAY)
    assert not case.decisions.exists()


# --- Rappel à l'ordre ------------------------------------------------------------------


@pytest.fixture
def almost_adult(cell):
    """A minor who turns 18 in ten days."""
    return make_case(cell, birth_date=years_later(TODAY, -18) + 10 * DAY, signaled_on=SIGNALED)


def test_a_rappel_is_held_between_the_decision_and_today(almost_adult, coord):
    orient(almost_adult, coord, "rappel_ordre")
    rappel = almost_adult.rappels.get()
    kwargs = {
        "rappel": rappel,
        "by": coord,
        "outcome": "realise",
        "elu": "Le maire",
        "covered_by_protocol": True,
    }
    # After the 18th birthday, the parents' presence would no longer be checked.
    with pytest.raises(ServiceError, match="La date du rappel à l'ordre ne peut pas être dans le futur"):
        measures.rappel_record(**kwargs, held_on=TODAY + 11 * DAY)
    with pytest.raises(ServiceError, match=f"précéder la décision de la cellule \\({fr(DECIDED)}\\)"):
        measures.rappel_record(**kwargs, held_on=DECIDED - DAY)
    rappel.refresh_from_db()
    assert rappel.status == "en_cours" and rappel.held_on is None
    with pytest.raises(ServiceError, match="mineur"):
        measures.rappel_record(**kwargs, held_on=TODAY)
    measures.rappel_record(**kwargs, held_on=DECIDED, parents_present=True)
    rappel.refresh_from_db()
    assert rappel.outcome == "realise" and rappel.held_on == DECIDED


def test_a_rappel_is_only_for_facts_covered_by_the_protocol(case, coord):
    orient(case, coord, "rappel_ordre")
    rappel = case.rappels.get()
    kwargs = {"rappel": rappel, "by": coord, "held_on": TODAY, "elu": "Le maire", "parents_present": True}
    with pytest.raises(ServiceError, match="protocole conclu avec le parquet.*infraction pénale"):
        measures.rappel_record(**kwargs, outcome="realise")
    rappel.refresh_from_db()
    assert rappel.status == "en_cours"
    # Not held: nothing to certify.
    measures.rappel_record(**kwargs, outcome="non_presente")


def test_a_rappel_is_not_planned_before_the_decision(case, coord):
    orient(case, coord, "rappel_ordre")
    rappel = case.rappels.get()
    with pytest.raises(
        ServiceError,
        match=f"La date prévue ne peut pas précéder la décision de la cellule \\({fr(DECIDED)}\\)",
    ):
        measures.rappel_record(rappel=rappel, by=coord, outcome="abandonne", planned_on=DECIDED - DAY)
    # Planned ahead, then abandoned: a convocation may be set for a later day.
    measures.rappel_record(rappel=rappel, by=coord, outcome="abandonne", planned_on=TODAY + 5 * DAY)


def test_cddf_dates_follow_the_decision_and_each_other(case, coord):
    orient(case, coord, "cddf")
    cddf = case.cddf_referrals.get()
    record = {"cddf": cddf, "by": coord}
    with pytest.raises(ServiceError, match="La date de saisine du CDDF ne peut pas être dans le futur"):
        measures.cddf_record(**record, saisine_on=TODAY + DAY)
    with pytest.raises(ServiceError, match=f"précéder la décision de la cellule \\({fr(DECIDED)}\\)"):
        measures.cddf_record(**record, saisine_on=DECIDED - DAY)
    with pytest.raises(ServiceError, match="La date d'audition de la famille ne peut pas être dans le futur"):
        measures.cddf_record(**record, saisine_on=DECIDED, hearing_on=TODAY + DAY)
    with pytest.raises(ServiceError, match="La date de l'attestation ne peut pas précéder"):
        measures.cddf_record(
            **record, saisine_on=DECIDED, hearing_on=DECIDED + 5 * DAY, attestation_on=DECIDED
        )
    cddf.refresh_from_db()
    assert cddf.status == "en_cours" and cddf.saisine_on is None
    measures.cddf_record(**record, saisine_on=DECIDED, hearing_on=DECIDED + 5 * DAY, attestation_on=TODAY)
    cddf.refresh_from_db()
    assert (cddf.status, cddf.hearing_on) == ("terminee", DECIDED + 5 * DAY)


# --- Référent: designation, acceptance, contacts, bilan -----------------------------------------


def test_designation_and_acceptance_dates(case, coord, educator):
    orient(case, coord, "referent")
    designation = designation_of(case)
    designate = {"designation": designation, "referent": educator, "by": coord}
    with pytest.raises(ServiceError, match="La date de désignation ne peut pas être dans le futur"):
        referents.referent_designate(**designate, on=TODAY + DAY)
    with pytest.raises(ServiceError, match=f"précéder la décision de la cellule \\({fr(DECIDED)}\\)"):
        referents.referent_designate(**designate, on=DECIDED - DAY)
    designation.refresh_from_db()
    assert designation.referent is None
    referents.referent_designate(**designate, on=DECIDED + 2 * DAY)
    inform_everyone(case, by=coord, on=DECIDED + 3 * DAY)

    accept = {"designation": designation, "by": educator}
    with pytest.raises(ServiceError, match="La date d'acceptation ne peut pas être dans le futur"):
        referents.referent_accept(**accept, on=TODAY + DAY)
    with pytest.raises(ServiceError, match=f"précéder la désignation \\({fr(DECIDED + 2 * DAY)}\\)"):
        referents.referent_accept(**accept, on=DECIDED + DAY)
    designation.refresh_from_db()
    assert designation.accepted_on is None
    referents.referent_accept(**accept, on=DECIDED + 2 * DAY)


def test_a_contact_is_dated_between_the_designation_and_today(case, following, educator):
    contact = {
        "case": case,
        "by": educator,
        "contact_type": "entretien_jeune",
        "domain": "scolarite",
        "adhesion": "bonne",
    }
    # Dated next year, it would silence the "30 days without contact" alert.
    with pytest.raises(ServiceError, match="La date du contact ne peut pas être dans le futur"):
        referents.contact_record(**contact, occurred_on=years_later(TODAY, 1))
    with pytest.raises(ServiceError, match=f"précéder la désignation \\({fr(following.designated_on)}\\)"):
        referents.contact_record(**contact, occurred_on=following.designated_on - DAY)
    assert not case.journal.filter(kind="contact").exists()
    following.refresh_from_db()
    assert following.last_activity_on is None
    referents.contact_record(**contact, occurred_on=following.designated_on)


def test_a_bilan_is_presented_between_the_designation_and_today(following, educator):
    with pytest.raises(ServiceError, match="La date de remise du bilan ne peut pas être dans le futur"):
        submit_bilan(following, educator, TODAY + DAY)
    with pytest.raises(ServiceError, match=f"précéder la désignation \\({fr(following.designated_on)}\\)"):
        submit_bilan(following, educator, following.designated_on - DAY)
    assert not following.bilans.exists()
    submit_bilan(following, educator, TODAY)


# --- Examen du bilan and closure ----------------------------------------------------------------


@pytest.fixture
def awaiting_examen(case, coord, following, educator):
    """A bilan presented ten days ago; the case waits for its examen."""
    submit_bilan(following, educator, TODAY - 10 * DAY)
    bilans.case_await_bilan_examen(case=case, by=coord)
    return case


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (1, "La date de l'examen du bilan ne peut pas être dans le futur."),
        # A 2022-for-2026 typo: the retention would purge at once (closure + 3 years past).
        (-4 * 365, f"La date de l'examen du bilan ne peut pas précéder le signalement ({fr(SIGNALED)})."),
        (
            -11,
            f"La date de l'examen du bilan ne peut pas précéder la remise du bilan ({fr(TODAY - 10 * DAY)}).",
        ),
    ],
    ids=["future", "before-signalement", "before-bilan"],
)
@pytest.mark.parametrize("outcome", ["clore", "reorienter"])
def test_the_examen_du_bilan_is_dated_between_the_bilan_and_today(
    awaiting_examen, coord, offset, message, outcome
):
    with pytest.raises(ServiceError) as refused:
        bilans.bilan_examine(
            case=awaiting_examen,
            outcome=outcome,
            closure_reason="objectifs_atteints",
            by=coord,
            on=TODAY + offset * DAY,
        )
    assert str(refused.value) == message
    awaiting_examen.refresh_from_db()
    assert awaiting_examen.status == Case.Status.BILAN and awaiting_examen.closed_on is None
    assert awaiting_examen.bilans.get().examined_on is None


def test_case_close_refuses_a_date_in_the_future_or_before_the_examen(case, coord):
    orient(case, coord, "cddf")
    close = {"case": case, "reason": "demenagement", "by": coord}
    with pytest.raises(ServiceError, match="La date de clôture ne peut pas être dans le futur"):
        closure.case_close(**close, on=TODAY + DAY)
    with pytest.raises(ServiceError, match=f"précéder l'examen en cellule \\({fr(DECIDED)}\\)"):
        closure.case_close(**close, on=DECIDED - DAY)
    closure.case_close(**close, on=TODAY)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOS and case.closed_on == TODAY


def test_the_cell_cannot_close_for_25_ans_atteints_before_25(awaiting_examen, coord):
    with pytest.raises(
        ServiceError, match="« 25 ans atteints » ne s'applique qu'à un jeune de 25 ans ou plus"
    ):
        bilans.bilan_examine(
            case=awaiting_examen, outcome="clore", closure_reason="25_ans", by=coord, on=TODAY
        )
    awaiting_examen.refresh_from_db()
    assert awaiting_examen.status == Case.Status.BILAN


def test_25_ans_atteints_stays_possible_for_a_youth_who_is_25(cell, coord):
    """The retention job closes at the birthday with its own service; case_close still accepts the reason then."""
    birthday = TODAY - 5 * DAY
    case = make_case(cell, birth_date=years_later(birthday, -25), signaled_on=TODAY - 40 * DAY)
    orient(case, coord, "cddf", on=TODAY - 30 * DAY)
    closure.case_close(case=case, reason=ClosureReason.AGE_LIMITE, by=coord, on=TODAY)
    case.refresh_from_db()
    assert case.closure_reason == ClosureReason.AGE_LIMITE


def test_the_examen_du_bilan_form_offers_neither_classement_nor_25_ans():
    offered = dict(ExamenBilanForm().fields["closure_reason"].choices)
    assert ClosureReason.AGE_LIMITE not in offered and ClosureReason.CLASSEMENT not in offered
    assert ClosureReason.OBJECTIFS in offered
    form = ExamenBilanForm(data={"outcome": "clore", "closure_reason": "25_ans", "examined_on": TODAY})
    assert not form.is_valid() and "closure_reason" in form.errors
