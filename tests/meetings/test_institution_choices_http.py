"""Wired: the séance decision page offers and accepts only the case's territory's institutions."""

from django.urls import reverse

from tests import territories as choices


def test_the_seance_examen_offers_and_accepts_only_the_case_s_departement(
    client, held, coord, signal, nord, local
):
    case = signal()
    seance = held(case)
    item = seance.items.get()
    url = reverse("seances:item-decide", args=[seance.pk, item.pk])
    client.force_login(coord)
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.context["form"].fields["pilot_institution"].queryset) == local
    assert "Lille" not in page.content.decode()
    data = {"kind": "orientation", "orientations": ["referent"]}
    response = client.post(url, {**data, "pilot_institution": nord["police"].pk})
    assert response.status_code == 400
    assert choices.INVALID_CHOICE in response.content.decode()
    assert not case.decisions.exists()
    response = client.post(url, {**data, "pilot_institution": local[0].pk})
    assert response.status_code == 302
    assert case.decisions.get().pilot_institution == local[0]
