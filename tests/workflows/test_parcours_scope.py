"""The parcours (steps, deadlines, who holds them) belongs to the full file:
summaries neither see the current steps nor open viewflow's pages."""

import pytest
from django.urls import reverse

from permissions.disclosures import disclosure_create


@pytest.fixture
def started(coord, signal, w):
    """A case signalled through the parcours (an open "examen" task), disclosed to the parquet."""
    case = signal()
    disclosure_create(case=case, institution=w["institutions"]["parquet_arras"], reason="Suivi", by=coord)
    return case


def test_the_case_file_shows_the_current_steps_to_full_readers_only(
    client, magistrate, coord, member, started
):
    url = reverse("situations:detail", args=[started.pk])
    client.force_login(coord)
    response = client.get(url)
    assert [item["task"].flow_task.name for item in response.context["tasks"]] == ["examen"]
    assert "Étapes en cours" in response.content.decode()
    for reader in (magistrate, member):  # scoped summary, cell summary
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200 and response.context["tasks"] == [], reader
        page = response.content.decode()
        assert "Étapes en cours" not in page and "Examen en cellule" not in page, reader
    # The cell summary keeps its lateness card; the scoped summary has none.
    assert "Retards et blocages" in page


def test_the_parcours_pages_are_for_full_readers_only(client, magistrate, coord, member, started):
    task = started.processes.get().task_set.get(flow_task_type="HUMAN", status="NEW")
    pages = [
        f"/app/case/{task.process_id}/examen/{task.pk}/detail/",
        f"/app/case/{task.process_id}/chart/",
    ]
    client.force_login(coord)
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert started.reference in client.get("/app/case/tasks/").content.decode()
    for reader in (magistrate, member):  # scoped summary, cell summary
        client.force_login(reader)
        for url in pages:
            assert client.get(url).status_code == 404, (reader, url)
        assert started.reference not in client.get("/app/case/tasks/").content.decode()
