"""A youth signalled again: the identity as typed, one youth number, and no
disclosure of out-of-scope cases."""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import Case, JournalEntry, Youth
from permissions.services import case_grant_referent
from permissions.visibility import Representation, representation_for
from tests.factories import make_case, make_coordinator, make_member, make_user, world


def signalement_data(cell, commune, **overrides):
    data = {
        "cell": cell.pk,
        "first_name": "Léa",
        "last_name": "Dupré",
        "birth_date": "2010-06-01",
        "sex": "F",
        "commune": commune.pk,
        "source_institution": world()["institutions"]["college"].pk,
        "motifs": ["absenteisme"],
        "profil": "decrocheur",
        "plan_measure": "2",
        "signaled_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def test_a_youth_signalled_again_keeps_the_identity_typed_and_one_youth_number():
    w = world()
    centre = w["cells"]["Arras – centre"]
    first = make_case(centre, first_name="Léa", last_name="Dupré", birth_date=date(2010, 6, 1))
    second = make_case(centre, first_name="LEA", last_name="dupre", birth_date=date(2010, 6, 1), sex="F")
    assert second.youth_id != first.youth_id  # one identity row per signalement
    assert (second.youth.first_name, second.youth.last_name, second.youth.sex) == ("LEA", "dupre", "F")
    assert (first.youth.first_name, first.youth.last_name, first.youth.sex) == ("Léa", "Dupré", "M")
    assert second.youth_number == first.youth_number == first.youth_id  # still one youth
    assert Youth.objects.count() == 2


def test_a_signalement_does_not_reveal_an_out_of_scope_record_of_the_same_youth(client):
    """The member types "Leo DUPONT", female: their file shows that, never the
    spelling, sex or commune stored for the same youth in another cell (which
    would tell them a file exists)."""
    w = world()
    centre, ouest = w["cells"]["Arras – centre"], w["cells"]["Arras – quartiers ouest"]
    hidden = make_case(ouest, first_name="Léo", last_name="Dupont", sex="M", birth_date=date(2010, 3, 14))
    member = make_member(centre, institution=w["institutions"]["college"])
    assert representation_for(member, hidden) is None  # another cell: not theirs to know
    mine = make_case(
        centre, by=member, first_name="Leo", last_name="DUPONT", sex="F", birth_date=date(2010, 3, 14)
    )

    client.force_login(member)
    body = client.get(reverse("situations:detail", args=[mine.pk])).content.decode()
    assert "DUPONT" in body and "Féminin" in body
    assert "Léo" not in body and "Masculin" not in body
    api = APIClient()
    api.force_authenticate(member)
    youth = api.get(f"/api/v1/cases/{mine.pk}/").json()["youth"]
    assert (youth["first_name"], youth["last_name"], youth["sex"]) == ("Leo", "DUPONT", "F")
    hidden.youth.refresh_from_db()
    assert (hidden.youth.first_name, hidden.youth.sex) == ("Léo", "M")  # nor is the stored one changed


def test_an_out_of_scope_duplicate_gets_the_same_answer_as_no_duplicate(client):
    w = world()
    centre, ouest = w["cells"]["Arras – centre"], w["cells"]["Arras – quartiers ouest"]
    hidden = make_case(ouest, first_name="Léa", last_name="Dupré", birth_date=date(2010, 6, 1))
    member = make_member(centre, institution=w["institutions"]["college"])
    client.force_login(member)

    response = client.post(reverse("case:start:execute"), signalement_data(centre, centre.communes.first()))

    assert response.status_code == 302  # no warning, nothing about the hidden case
    new = Case.objects.exclude(pk=hidden.pk).get()
    assert hidden.reference not in response.headers.get("Location", "")
    note = JournalEntry.objects.get(case=new, kind=JournalEntry.Kind.DUPLICATE)
    assert hidden.reference in note.summary  # for the coordinator, who reads the full file


def test_only_the_coordinators_read_the_duplicate_note(client):
    """The note names the youth's other open cases: the référent of the new
    case reads its full file, but not those cases, nor the note."""
    w = world()
    centre, ouest = w["cells"]["Arras – centre"], w["cells"]["Arras – quartiers ouest"]
    hidden = make_case(ouest, first_name="Léa", last_name="Dupré", birth_date=date(2010, 6, 1))
    new = make_case(centre, first_name="Léa", last_name="Dupré", birth_date=date(2010, 6, 1))
    coordinator = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    referent = make_user("referent", institution=w["institutions"]["prev_spe"])
    case_grant_referent(case=new, user=referent)
    assert representation_for(referent, new) == Representation.FULL
    assert representation_for(referent, hidden) is None

    pages = [reverse("situations:detail", args=[new.pk]), reverse("situations:journal", args=[new.pk])]
    client.force_login(coordinator)
    for url in pages:
        assert hidden.reference in client.get(url).content.decode(), url
    api = APIClient()
    api.force_authenticate(referent)
    client.force_login(referent)
    for url in pages:
        body = client.get(url).content.decode()
        assert "Doublon possible" not in body and hidden.reference not in body, url
    journal = api.get(f"/api/v1/cases/{new.pk}/").json()["journal"]
    assert journal and not any(hidden.reference in entry["summary"] for entry in journal)
