"""Intermediate archive: coordinator only, a reason at each opening, every opening logged."""

import pytest
from django.urls import reverse

from permissions.models import AccessLog
from tests.privacy.helpers import REASON, archive


@pytest.fixture
def archived(case):
    return archive(case)


def test_list_shows_references_not_identities(client, coordinator, archived, django_assert_max_num_queries):
    client.force_login(coordinator)
    with django_assert_max_num_queries(13):  # + 1: the charter gate
        response = client.get(reverse("privacy:archive_list"))
    body = response.content.decode()
    assert archived.reference in body
    assert "Martin" not in body and "Léa" not in body
    assert not AccessLog.objects.exists()


def test_opening_requires_a_reason(client, coordinator, archived):
    client.force_login(coordinator)
    url = reverse("privacy:archive_open", args=[archived.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Martin" not in form.content.decode()
    refused = client.post(url, {"reason": "  voir  "})
    assert refused.status_code == 200
    assert "Indiquez le motif" in refused.content.decode()
    assert "Martin" not in refused.content.decode()
    assert not AccessLog.objects.exists()


def test_each_opening_is_logged_with_its_reason(client, coordinator, archived):
    client.force_login(coordinator)
    url = reverse("privacy:archive_open", args=[archived.pk])
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 200
    assert "Martin" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    client.post(url, {"reason": "Contrôle de la CNIL, courrier du 5 mars"})
    logs = list(AccessLog.objects.filter(case=archived).order_by("id"))
    assert [(log.channel, log.reason, log.user) for log in logs] == [
        ("archive", REASON, coordinator),
        ("archive", "Contrôle de la CNIL, courrier du 5 mars", coordinator),
    ]
    # Nothing is remembered: the next GET asks for a reason again.
    assert "Martin" not in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["member", "other_coordinator"])
def test_others_get_404(client, request, archived, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("privacy:archive_open", args=[archived.pk])).status_code == 404
    assert (
        client.post(reverse("privacy:archive_open", args=[archived.pk]), {"reason": REASON}).status_code
        == 404
    )
    assert client.get(reverse("privacy:archive_list")).status_code in (200, 404)
    assert archived.reference not in client.get(reverse("privacy:archive_list")).content.decode()
    assert not AccessLog.objects.exists()


def test_active_cases_are_not_opened_through_the_archive(client, coordinator, case):
    client.force_login(coordinator)
    assert client.post(reverse("privacy:archive_open", args=[case.pk]), {"reason": REASON}).status_code == 404


def test_member_has_no_archive_page(client, member):
    client.force_login(member)
    assert client.get(reverse("privacy:archive_list")).status_code == 404


def test_one_query_coordinator_rule_matches_the_reference_rule(w, coordinator, member, other_coordinator):
    from permissions.access import is_coordinator, is_signed_coordinator, is_signed_coordinator_of
    from permissions.services import has_signed_current_charter
    from tests.factories import make_coordinator

    def reference(user, partnership) -> bool:  # the rule as the models state it
        return is_coordinator(user, partnership) and has_signed_current_charter(user, partnership)

    unsigned = make_coordinator(
        w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"], signed=False
    )
    arras = w["partnerships"]["arras"]
    for user in (coordinator, member, other_coordinator, unsigned):
        assert (
            is_signed_coordinator_of(user, arras.pk)
            == is_signed_coordinator(user, arras)
            == reference(user, arras)
        )
    assert is_signed_coordinator_of(coordinator, arras.pk)
