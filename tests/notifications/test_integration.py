"""Stall flags where other features show cases: the read API, the case list, the bell."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casework.models import StepDeadline
from notifications.services import stalls_scan
from permissions.disclosures import disclosure_create
from tests.factories import make_case, make_disclosure_reader
from tests.notifications.conftest import at, days, designate


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_the_api_carries_stalled_and_stalled_reasons(case, centre, coord):
    calm = make_case(centre, signaled_on=days(25))
    designate(case, opened_on=days(1))
    stalls_scan(now=at(days(400)))  # case: référent never designated, open > 12 months
    StepDeadline.objects.create(partnership=case.partnership, step="examen", days=1000)
    stalls_scan(now=at(days(30)))  # back in time: only what is stalled at day 30 stays
    client = api_client(coord)

    detail = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["stalled"] is True
    assert detail["stalled_reasons"] == ["referent_designation"]
    rows = {row["reference"]: row for row in client.get("/api/v1/cases/").json()["results"]}
    assert rows[calm.reference]["stalled"] is False and rows[calm.reference]["stalled_reasons"] == []
    assert rows[case.reference]["stalled_reasons"] == ["referent_designation"]


def test_the_case_list_shows_filters_and_sorts_stalled_cases(client, case, centre, coord):
    calm = make_case(centre, signaled_on=days(25))
    stalls_scan(now=at(days(30)))
    client.force_login(coord)

    response = client.get(reverse("situations:index"))
    body = response.content.decode()
    assert "bloqué : signalement non examiné" in body
    assert (
        '<span class="vw-badge vw-badge--late" data-rule="examen">Signalement non examiné : 1</span>' in body
    )

    response = client.get(reverse("situations:index"), {"bloque": "1"})
    assert [row.case.pk for row in response.context["rows"]] == [case.pk]

    response = client.get(reverse("situations:index"), {"tri": "blocage"})
    assert [row.case.pk for row in response.context["rows"]] == [case.pk, calm.pk]


def test_the_case_list_counts_stalls_of_the_filtered_cases_only(client, case, centre, coord):
    other = make_case(centre, signaled_on=days(0))
    make_case(centre, signaled_on=days(25))  # not stalled at day 30
    stalls_scan(now=at(days(30)))
    client.force_login(coord)

    def counts(**params) -> list:
        return client.get(reverse("situations:index"), params).context["stall_counts"]

    assert counts() == [("examen", "Signalement non examiné", 2)]
    assert counts(q=other.reference) == [("examen", "Signalement non examiné", 1)]
    assert counts(statut="clos") == []
    assert counts(page="99") == [("examen", "Signalement non examiné", 2)]  # past the end: same counts


def test_a_scoped_summary_reader_gets_no_stall_counts(client, case, coord, w):
    stalls_scan(now=at(days(30)))
    disclosure_create(case=case, institution=w["institutions"]["parquet_arras"], reason="Suivi", by=coord)
    magistrate = make_disclosure_reader(
        w["partnerships"]["arras"], institution=w["institutions"]["parquet_arras"]
    )
    client.force_login(magistrate)
    response = client.get(reverse("situations:index"))
    assert [row.case.pk for row in response.context["rows"]] == [case.pk]
    assert response.context["stall_counts"] == []
    assert "bloqué" not in response.content.decode()


def test_the_bell_is_on_every_page_of_the_site(client, case, coord):
    stalls_scan(now=at(days(30)))
    client.force_login(coord)
    body = client.get(reverse("situations:index")).content.decode()
    assert 'aria-label="Notifications : 1 non lue"' in body
    assert f'href="{reverse("relances:index")}"' in body


def test_the_relances_app_is_in_the_site_menu(client, coord):
    client.force_login(coord)
    body = client.get(reverse("relances:dashboard")).content.decode()
    assert "Situations bloquées" in body
    assert reverse("relances:rules") in body
