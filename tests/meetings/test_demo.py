"""The demo séances of "Arras – centre" (casework.demo seeds them after the parcours)."""

import pytest
from django.urls import reverse

from meetings.demo import seed_demo_seances
from meetings.models import AgendaItem, Seance
from tests.factories import make_member


@pytest.fixture
def demo_users(w, cell, coord, member):
    return {
        "coord": coord,
        "member": member,
        "referent": make_member(cell, institution=w["institutions"]["prev_spe"]),
        "pjj": make_member(cell, institution=w["institutions"]["pjj"]),
    }


def test_demo_seeds_a_closed_seance_and_an_upcoming_agenda_once(w, cell, demo_users, signal, client):
    waiting = signal()  # a case of the other demo parcours, awaiting its examen
    assert seed_demo_seances(users=demo_users, cells=w["cells"], institutions=w["institutions"]) == 2
    assert seed_demo_seances(users=demo_users, cells=w["cells"], institutions=w["institutions"]) == 0

    past, upcoming = Seance.objects.filter(cell=cell).order_by("starts_at")
    assert past.status == Seance.Status.CLOSED
    assert list(past.items.order_by("position").values_list("status", flat=True)) == [
        AgendaItem.Status.DECIDED,
        AgendaItem.Status.DECIDED,
        AgendaItem.Status.POSTPONED,
    ]
    assert upcoming.status == Seance.Status.PLANNED
    carried = past.items.get(status=AgendaItem.Status.POSTPONED).carried_to
    assert carried.seance == upcoming
    assert set(upcoming.items.values_list("case_id", flat=True)) == {carried.case_id, waiting.pk}
    assert upcoming.attendances.count() == 3

    client.force_login(demo_users["member"])
    assert client.get(reverse("seances:releve", args=[past.pk])).status_code == 200
    client.force_login(demo_users["pjj"])  # invited, excused
    assert client.get(reverse("seances:releve", args=[past.pk])).status_code == 404
