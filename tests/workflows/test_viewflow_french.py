"""viewflow's screens in French where its own templates are not: list pagination, the 403 page."""

from django.urls import reverse


def test_task_lists_count_their_rows_in_french(client, signal, coord):
    signal(last_name="Pagination")
    client.force_login(coord)

    queue = client.get(reverse("case:queue")).content.decode()
    assert "1–1 sur 1" in queue and " of " not in queue

    inbox = client.get(reverse("case:inbox")).content.decode()
    assert "Aucun élément" in inbox and "0-0" not in inbox


def test_the_403_page_speaks_to_the_user_in_french(client, member):
    client.force_login(member)

    response = client.get("/app/rapport-charte/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "403 Accès refusé" in page
    name = member.get_full_name() or member.get_username()
    assert f"{name}, vous n'avez pas accès à cette page." in page
    assert "n'ont pas" not in page and "have no rights" not in page
