"""The institutions a parcours form offers are those of its own territory.

The platform hosts several départements: the source institution of a
signalement and the pilot institution of a decision are chosen among the
institutions of the département(s) of the partnership concerned, by name, in
one query. Another département's institution is neither listed nor accepted
when posted by hand.
"""

import pytest
from django.urls import reverse

from casework.models import (
    Case,
    Cell,
    Institution,
)
from meetings.forms import SeanceExamenForm
from tests.factories import give_seat
from tests.territories import INVALID_CHOICE
from tests.workflows.test_http_flow import signalement_data
from workflows.forms import ExamenForm, SignalementForm


def offered(form, field):
    return [value.instance for value, _label in form.fields[field].choices if value]


# --- Signalement -------------------------------------------------------------


def test_the_signalement_offers_the_institutions_of_the_cells_departement_by_name(
    client, w, member, nord, local
):
    client.force_login(member)
    response = client.get(reverse("case:start:execute"))
    form = response.context["form"]
    assert offered(form, "source_institution") == local
    assert local[0].name == "AAB Association arrageoise" and local[-1].name == "Zénith association d'Arras"
    page = response.content.decode()
    assert "Lille" not in page and "AAA Association" not in page


def test_a_signalement_from_another_departement_s_institution_is_refused(client, w, cell, member, nord):
    client.force_login(member)
    response = client.post(
        reverse("case:start:execute"), signalement_data(w, cell, source_institution=nord["police"].pk)
    )
    assert response.status_code == 200  # the form again, with its errors
    assert INVALID_CHOICE in response.context["form"].errors["source_institution"][0]
    assert not Case.objects.filter(youth__last_name="Dupont").exists()


def test_the_signalement_offers_each_departement_the_user_may_signal_into(w, member, nord):
    give_seat(member, nord["cell"])
    cells = Cell.objects.filter(pk__in=[w["cells"]["Arras – centre"].pk, nord["cell"].pk])
    choices = offered(SignalementForm(cells=cells), "source_institution")
    departements = [nord["departement"], w["institutions"]["college"].departement]
    assert choices == list(Institution.objects.filter(departement__in=departements).order_by("name"))
    assert nord["police"] in choices and w["institutions"]["college"] in choices
    assert choices[0] == nord["first"]


def test_the_signalement_institutions_are_one_query(w, cell, nord, django_assert_num_queries):
    form = SignalementForm(cells=Cell.objects.filter(pk=cell.pk))
    with django_assert_num_queries(1):
        offered(form, "source_institution")


def test_a_user_who_may_signal_nowhere_is_offered_no_institution(w, nord):
    assert offered(SignalementForm(cells=Cell.objects.none()), "source_institution") == []


# --- Examen (task form and séance form) -------------------------------------


@pytest.fixture
def case(signal):
    return signal()


@pytest.mark.parametrize("form_class", [ExamenForm, SeanceExamenForm])
def test_the_examen_offers_the_institutions_of_the_case_s_departement_by_name(form_class, case, nord, local):
    assert offered(form_class(case=case), "pilot_institution") == local


@pytest.mark.parametrize("form_class", [ExamenForm, SeanceExamenForm])
def test_a_pilot_institution_of_another_departement_is_refused(form_class, case, nord):
    data = {"kind": "orientation", "orientations": ["referent"], "pilot_institution": nord["police"].pk}
    form = form_class(data={**data, "decided_on": "2025-01-06"}, case=case)
    assert not form.is_valid()
    assert INVALID_CHOICE in form.errors["pilot_institution"][0]


@pytest.mark.parametrize("form_class", [ExamenForm, SeanceExamenForm])
def test_a_local_pilot_institution_is_accepted(form_class, w, case, nord):
    mairie = w["institutions"]["mairie_arras"]
    data = {"kind": "orientation", "orientations": ["referent"], "pilot_institution": mairie.pk}
    form = form_class(data={**data, "decided_on": "2025-01-06"}, case=case)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["pilot_institution"] == mairie


def test_the_examen_institutions_are_one_query(case, nord, django_assert_num_queries):
    with django_assert_num_queries(1):
        offered(ExamenForm(case=case), "pilot_institution")


def test_without_its_case_the_examen_offers_no_institution(w, nord):
    """A caller that forgets the case gets an empty list, not every tenant's directory."""
    data = {"kind": "classement", "classement_reason": "sans_suite", "decided_on": "2025-01-06"}
    form = ExamenForm(data={**data, "pilot_institution": w["institutions"]["mairie_arras"].pk})
    assert offered(form, "pilot_institution") == []
    assert not form.is_valid() and INVALID_CHOICE in form.errors["pilot_institution"][0]
