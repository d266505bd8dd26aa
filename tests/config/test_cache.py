"""What the pages of the site ask of the cache."""

from unittest import mock

from django.core.cache import caches
from django.urls import reverse


def test_a_page_of_the_site_reads_nothing_from_the_cache(client, django_user_model, db):
    """viewflow's drawer looked up an uploaded avatar in the cache on every page
    (a file check under make run's in-process cache); accounts have none, the
    frame shows the default picture."""
    user = django_user_model.objects.create_user(username="agent", password="x" * 12)
    client.force_login(user)
    cache = caches["default"]
    with mock.patch.object(type(cache), "get", wraps=cache.get) as get:
        response = client.get(reverse("relances:preferences"))

    assert response.status_code == 200
    assert "viewflow/img/user.png" in response.content.decode()
    get.assert_not_called()
