"""Wired: the examen task page offers and accepts only the case's territory's institutions."""

from tests import territories as choices
from tests.workflows.helpers import the_task
from tests.workflows.test_http_flow import TODAY, task_url


def test_the_examen_task_offers_and_accepts_only_the_case_s_departement(client, signal, coord, nord, local):
    case = signal()
    client.force_login(coord)
    task = the_task(case, "examen")
    assert client.post(task_url(task, "assign")).status_code == 302
    page = client.get(task_url(task))
    assert list(page.context["form"].fields["pilot_institution"].queryset) == local
    assert "Lille" not in page.content.decode()
    data = {"kind": "orientation", "orientations": ["referent"], "decided_on": TODAY}
    response = client.post(task_url(task), {**data, "pilot_institution": nord["police"].pk})
    assert response.status_code == 200
    assert choices.INVALID_CHOICE in response.context["form"].errors["pilot_institution"][0]
    assert not case.decisions.exists()
    chosen = local[0]
    response = client.post(task_url(task), {**data, "pilot_institution": chosen.pk})
    assert response.status_code == 302
    assert case.decisions.get().pilot_institution == chosen
