"""The charter and data-protection pages are drawn in the site's frame, drawer
menu included (workflows.middleware.SiteFrameMiddleware), except before the
second factor."""

import pytest
from django.urls import reverse

from tests.factories import make_user

DRAWER = 'class="vf-page__menu mdc-drawer'


def test_privacy_and_charter_pages_carry_the_drawer_menu(client, coordinator):
    client.force_login(coordinator)
    for url in (
        reverse("privacy:archive_list"),
        reverse("privacy:purge_reports"),
        reverse("privacy:charter_report"),
        reverse("permissions:index"),
    ):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert DRAWER in body, url
        assert reverse("situations:index") in body and "Confidentialité" in body, url
        assert "– Veille jeunes</title>" in body, url


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def test_no_menu_before_the_second_factor(client, require_2fa):
    user = make_user()
    client.force_login(user)
    response = client.get(reverse("privacy:twofactor_setup"))
    assert response.status_code == 200
    assert DRAWER not in response.content.decode()
