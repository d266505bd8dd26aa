"""Odd input answers as users expect, never a 500: Unicode digits, huge page numbers, years out of
range, a JSON body that is not an object; throttles count the client, not a forged header."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.permissions.test_matrix import api_client

SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no
HUGE = str(10**18)  # a page number whose offset overflows the database's integers


@pytest.mark.parametrize("params", [{"cellule": SUPERSCRIPT_TWO}, {"page": SUPERSCRIPT_TWO}, {"page": HUGE}])
def test_the_case_list_shrugs_off_odd_parameters(client, cast, params):
    client.force_login(cast.users["coord_arras"])
    response = client.get(reverse("situations:index"), params)
    assert response.status_code == 200


@pytest.mark.parametrize("page", [SUPERSCRIPT_TWO, HUGE])
def test_the_api_answers_404_to_a_page_that_is_not_one(cast, page):
    response = api_client(cast.users["coord_arras"]).get("/api/v1/cases/", {"page": page})
    assert response.status_code == 404
    assert response.json()["detail"] == "Page non valide."


def test_the_stalled_cases_dashboard_shrugs_off_a_superscript_cell(client, cast):
    client.force_login(cast.users["coord_arras"])
    assert client.get(reverse("relances:dashboard"), {"cellule": SUPERSCRIPT_TWO}).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"territory": f"cell:{SUPERSCRIPT_TWO}", "period": "2026"}, "Territoire invalide"),
        ({"period": "0000"}, "l'année doit être comprise entre 1900 et 2999"),
        ({"period": "9999"}, "l'année doit être comprise entre 1900 et 2999"),
    ],
)
def test_indicators_refuse_odd_territories_and_years_in_french(cast, params, message):
    response = api_client(cast.users["coord_arras"]).get("/api/v1/indicators/", params)
    assert response.status_code == 400
    assert message in str(response.json())


@pytest.mark.parametrize("body", ["[]", '"x"', "3"])
def test_the_token_endpoint_answers_400_to_a_body_that_is_not_an_object(body):
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400


def test_the_token_throttle_counts_the_client_not_a_forged_forwarded_for(cast, settings):
    """Behind the trusted proxy, the client is the address the proxy appended: whatever a client
    writes before it in X-Forwarded-For, its attempts add up."""
    settings.AXES_FAILURE_LIMIT = 100
    client = APIClient()
    codes = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "membre", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}, 203.0.113.7",
        ).status_code
        for attempt in range(11)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429


def test_a_cell_summary_shows_bilan_outcomes_without_their_dates(client, cell, member, coord):
    """Bilan dates belong to the full file (the "bilans" section), as in the API."""
    from datetime import date

    from casework.models import Bilan
    from casework.models.codes import Adhesion, Situation
    from tests.factories import make_case

    case = make_case(cell, by=coord, signaled_on=date(2026, 1, 5))
    Bilan.objects.create(
        case=case,
        period_start=date(2026, 1, 5),
        period_end=date(2026, 6, 30),
        adhesion=Adhesion.BONNE,
        situation=Situation.FORMATION,
        recommendation=Bilan.Recommendation.CLORE,
        presented_on=date(2026, 7, 2),
    )
    url = reverse("situations:detail", args=[case.pk])

    client.force_login(member)
    summary = client.get(url).content.decode()
    assert "Bilans de parcours" in summary and "En formation" in summary
    assert "Remis le" not in summary and "02/07/2026" not in summary

    client.force_login(coord)
    full = client.get(url).content.decode()
    assert "Remis le" in full and "02/07/2026" in full


def test_an_api_token_expires_and_a_new_one_is_issued(cast, settings):
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    user = cast.users["coord_arras"]
    user.set_password("correct horse battery")
    user.save()
    client = APIClient()
    issue = {"username": user.username, "password": "correct horse battery"}
    key = client.post("/api/v1/auth/token/", issue, format="json").json()["token"]
    assert client.post("/api/v1/auth/token/", issue, format="json").json()["token"] == key  # still valid

    Token.objects.filter(key=key).update(
        created=timezone.now() - timedelta(hours=settings.API_TOKEN_HOURS, minutes=1)
    )
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Jeton expiré")

    fresh = client.post("/api/v1/auth/token/", issue, format="json").json()["token"]
    assert fresh != key
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {fresh}").status_code == 200


def test_nominative_api_reads_are_throttled_per_user(cast, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "api-cases", "3/hour")
    coordinator, other = api_client(cast.users["coord_arras"]), api_client(cast.users["membre"])
    case = cast.cases["own_cell"]
    urls = ["/api/v1/cases/", f"/api/v1/cases/{case.pk}/", f"/api/v1/cases/{case.pk}/journal/"]
    assert [coordinator.get(url).status_code for url in urls] == [200, 200, 200]
    response = coordinator.get("/api/v1/cases/")
    assert response.status_code == 429
    assert other.get("/api/v1/cases/").status_code == 200  # counted per user
