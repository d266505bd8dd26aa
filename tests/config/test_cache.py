"""The Redis cache backend (config/cache.py) and what pages ask of the cache."""

from unittest import mock

from django.core.cache import cache, caches
from django.urls import reverse

from config.cache import RedisCache


def test_the_redis_cache_url_gets_the_backend_that_reuses_its_client(settings):
    assert settings.CACHES["default"]["BACKEND"] == "config.cache.RedisCache"
    assert isinstance(caches["default"], RedisCache)


def test_operations_share_one_client_and_still_reach_redis():
    cache.set("reuse-probe", {"n": 1}, timeout=30)
    first = cache._cache.get_client("reuse-probe")

    assert cache.get("reuse-probe") == {"n": 1}
    assert cache.add("reuse-probe", "other", timeout=30) is False
    assert cache._cache.get_client("reuse-probe", write=True) is first
    cache.delete("reuse-probe")
    assert cache.get("reuse-probe") is None


def test_a_page_of_the_site_reads_nothing_from_the_cache(client, django_user_model, db):
    """viewflow's drawer looked up an uploaded avatar in the cache on every page;
    accounts have none, the frame shows the default picture."""
    user = django_user_model.objects.create_user(username="agent", password="x" * 12)
    client.force_login(user)
    with mock.patch.object(RedisCache, "get", wraps=cache.get) as get:
        response = client.get(reverse("relances:preferences"))

    assert response.status_code == 200
    assert "viewflow/img/user.png" in response.content.decode()
    get.assert_not_called()
