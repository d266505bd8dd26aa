"""The référent's answer records who was informed of the follow-up, or who cannot be and why."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from casework.models import Case, PersonInformation
from tests.workflows.helpers import journal_kinds
from tests.workflows.test_http_flow import TODAY, signalement_data, take_and_do

Addressee = PersonInformation.Addressee
PARENTS_UNREACHABLE = "Parents injoignables malgré trois courriers recommandés"


@pytest.fixture
def designated(client, w, cell, member, coord, referent):
    """A minor's case whose référent has been designated and has not answered yet."""
    client.force_login(member)
    client.post(reverse("case:start:execute"), signalement_data(w, cell))
    case = Case.objects.get(youth__last_name="Dupont")
    client.force_login(coord)
    take_and_do(
        client, case, "examen", {"kind": "orientation", "orientations": ["referent"], "decided_on": TODAY}
    )
    take_and_do(client, case, "designate", {"referent": referent.pk, "designated_on": TODAY})
    client.force_login(referent)
    return case


def accept(client, case, **extra):
    return take_and_do(client, case, "accept", {"accepted_on": TODAY, **extra}, assign=False)


def test_parents_who_cannot_be_informed_do_not_block_the_follow_up(client, designated):
    response = accept(
        client,
        designated,
        informed_on=TODAY,
        information_channel="entretien",
        information_adhesion="adhere",
        not_informed_addressee=Addressee.AUTORITE_PARENTALE,
        not_informed_reason=PARENTS_UNREACHABLE,
    )

    assert response.status_code == 302
    informations = {i.addressee: i for i in designated.informations.all()}
    assert informations[Addressee.JEUNE].informed_on == TODAY
    parents = informations[Addressee.AUTORITE_PARENTALE]
    assert (parents.informed_on, parents.not_informed_reason) == (None, PARENTS_UNREACHABLE)
    assert designated.designations.get().accepted_on == TODAY
    assert journal_kinds(designated)[-3:] == ["information", "information", "acceptance"]


def test_a_reason_without_a_person_or_a_person_without_a_reason_is_refused(client, designated):
    response = accept(client, designated, not_informed_addressee=Addressee.AUTORITE_PARENTALE)
    assert response.status_code == 200
    assert escape("Indiquez pourquoi cette personne n'est pas informée.") in response.content.decode()

    response = accept(client, designated, not_informed_reason=PARENTS_UNREACHABLE)
    assert response.status_code == 200
    page = response.content.decode()
    assert escape("Indiquez qui ne peut pas être informé.") in page
    assert PARENTS_UNREACHABLE in page  # what was typed is kept
    assert not designated.informations.exists()


def test_nothing_is_recorded_when_someone_is_still_uninformed(client, designated):
    # The parents cannot be informed, but the youth's information is not given either.
    response = accept(
        client,
        designated,
        not_informed_addressee=Addressee.AUTORITE_PARENTALE,
        not_informed_reason=PARENTS_UNREACHABLE,
    )

    assert response.status_code == 200
    assert escape("le jeune n'a pas encore été informé") in response.content.decode()
    assert not designated.informations.exists()  # the whole answer was rolled back
    assert designated.designations.get().accepted_on is None
