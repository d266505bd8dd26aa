"""The annual charter report page and its CSV: who reads it, which year, and that it holds
aggregates only. Dataset: tests/permissions/charter_report_builders.py."""

import csv
import io
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import Cell, Membership, Partnership
from tests.factories import make_case, make_coordinator, make_member, make_user
from tests.permissions.charter_report_builders import SIGNATORY, YOUTH_LAST_NAME, build_charter_years, seat

URL = reverse("privacy:charter_report")


@pytest.fixture
def years():
    return build_charter_years()


@pytest.fixture
def prefecture(w):
    return make_user(institution=w["institutions"]["prefecture"], first_name="Pierre", last_name="Préfet")


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def partnership_labels(response) -> list[str]:
    return [row.label for row in response.context["report"].rows]


def csv_lines(response) -> list[dict[str, str]]:
    assert response.content.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


# --- Who reads it ------------------------------------------------------------


def test_a_coordinator_reads_their_partnership_only(client, years):
    response = get(client, years.coord, year=2024)
    body = response.content.decode()
    assert response.status_code == 200
    assert partnership_labels(response) == ["CLSPD d'Arras"]
    assert "CLSPD d&#x27;Arras" in body and "Lens" not in body


def test_a_coordinator_of_another_partnership_does_not_see_arras(client, years):
    response = get(client, years.lens_coord, year=2024)
    assert partnership_labels(response) == ["CISPD de Lens-Liévin"]
    assert "Arras" not in response.content.decode()


def test_the_prefecture_reads_every_partnership_of_its_departement(client, years, prefecture):
    response = get(client, prefecture, year=2024)
    body = response.content.decode()
    assert partnership_labels(response) == ["CISPD de Lens-Liévin", "CLSPD d'Arras"]
    assert "Pas-de-Calais (62)" in body and "Total du département (Pas-de-Calais)" in body


def test_the_dpo_reads_their_partnership(client, years):
    response = get(client, years.dpo, year=2024)
    assert response.status_code == 200 and partnership_labels(response) == ["CLSPD d'Arras"]


def test_a_coordinator_who_owes_a_signature_still_reads_it(client, years):
    # v3 is in force and the coordinator signed only v1 and v2: nominative pages send them to sign.
    response = get(client, years.coord)
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["member", "maire", "magistrate", "no_institution"])
def test_anyone_else_gets_404(client, w, who):
    if who == "member":
        user = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"])
    elif who == "maire":
        user = make_user(institution=w["institutions"]["mairie_arras"])
        seat(user, w["partnerships"]["arras"], Membership.Role.MAIRE_PRESIDENT, date(2024, 1, 1))
    elif who == "magistrate":
        user = make_user(institution=w["institutions"]["parquet_arras"])
    else:
        user = make_user()
    assert get(client, user).status_code == 404
    assert get(client, user, format="csv").status_code == 404


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse(settings.LOGIN_URL))


# --- Which year --------------------------------------------------------------


def test_the_default_year_is_the_last_complete_one(client, years):
    response = get(client, years.coord)
    last_year = timezone.localdate().year - 1
    assert response.context["report"].year == last_year
    assert response.context["report"].complete
    assert f'<option value="{last_year}" selected>' in response.content.decode()


def test_the_running_year_is_offered_and_stops_today(client, years):
    today = timezone.localdate()
    response = get(client, years.coord, year=today.year)
    assert response.context["report"].reference_date == today
    assert f"{today.year} (en cours)" in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "1990", str(timezone.localdate().year + 1)])
def test_a_year_outside_the_selector_answers_400(client, years, year):
    response = get(client, years.coord, year=year)
    assert response.status_code == 400
    assert "report" not in response.context


def test_the_page_shows_the_figures_of_the_year(client, years, prefecture):
    response = get(client, prefecture, year=2024)
    tables = {title: (labels, rows, total) for title, labels, rows, total in response.context["tables"]}
    labels, rows, total = tables["Membres"]
    arras = dict(zip(labels, dict(rows)["CLSPD d'Arras"], strict=True))
    assert arras["Membres au 31/12/2023"] == "5" and arras["Membres au 31/12/2024"] == "5"
    assert arras["Part des signataires (%)"] == "60,0"
    assert total == ("Total du département (Pas-de-Calais)", ["5", "3", "2", "6", "3", "50,0"])


# --- CSV ---------------------------------------------------------------------


def test_the_csv_export_holds_the_same_figures(client, years, prefecture):
    response = get(client, prefecture, year=2024, format="csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="rapport-charte_2024.csv"'
    lens, arras, total = csv_lines(response)
    assert arras["Année"] == "2024" and arras["Partenariat"] == "CLSPD d'Arras"
    assert (arras["Charte en vigueur"], arras["Version en vigueur"], arras["Adoptée le"]) == (
        "oui",
        "2",
        "15/06/2024",
    )
    assert (arras["Signatures dans l'année"], arras["Part des signataires (%)"]) == ("4", "60,0")
    assert (arras["Demandes de bris de glace"], arras["Accordées"], arras["En attente"]) == ("3", "1", "1")
    assert (arras["Consultations motivées de l'archive"], arras["Lectures – Fiche (écran)"]) == ("1", "2")
    assert (arras["Situations versées en archive"], arras["Situations purgées"]) == ("4", "2")
    assert (lens["Charte en vigueur"], lens["Version en vigueur"], lens["Adoptée le"]) == ("non", "", "")
    assert total["Partenariat"] == "Total du département (Pas-de-Calais)"
    assert (total["Charte en vigueur"], total["Part des cellules avec charte (%)"]) == ("1 sur 2", "66,7")


def test_the_csv_uses_semicolons_and_crlf(client, years):
    content = get(client, years.coord, year=2024, format="csv").content.decode("utf-8-sig")
    header = content.split("\r\n")[0]
    assert header.startswith("Année;Partenariat;Charte en vigueur;")
    assert content.count("\r\n") == 3  # header, Arras, total


# --- Aggregates only ---------------------------------------------------------


def test_no_person_and_no_case_appear_in_the_page_or_the_csv(client, years, prefecture):
    html = get(client, prefecture, year=2024).content.decode()
    exported = get(client, prefecture, year=2024, format="csv").content.decode("utf-8-sig")
    people = [YOUTH_LAST_NAME, "Léa", *SIGNATORY, years.case.reference, "juge des enfants"]
    people += [user.last_name for user in years.people.values()] + [years.dpo.last_name]
    for text in (html, exported):
        for name in people:
            assert name not in text


def test_the_query_count_does_not_grow_with_the_partnerships(
    client, years, prefecture, django_assert_max_num_queries
):
    w = years.world

    def queries() -> int:
        client.get(URL, {"year": 2024})  # process-wide caches filled once
        with CaptureQueriesContext(connection) as captured, django_assert_max_num_queries(20):
            response = client.get(URL, {"year": 2024})
        assert response.status_code == 200
        return len(captured.captured_queries)

    client.force_login(prefecture)
    two = queries()
    for index in (1, 2):
        partnership = Partnership.objects.create(name=f"CLSPD n° {index}", kind="clspd", code=f"P{index}")
        partnership.communes.add(w["communes"]["Avion"])
        cell = Cell.objects.create(partnership=partnership, name=f"Cellule {index}", kind=Cell.Kind.COMMUNALE)
        cell.communes.add(w["communes"]["Avion"])
        make_case(cell, by=make_coordinator(partnership, institution=w["institutions"]["mairie_lens"]))
    assert len(get(client, prefecture, year=2024).context["report"].rows) == 4
    assert queries() == two


# --- Menu --------------------------------------------------------------------


def signed_coordinator(years):
    """A coordinator of Arras who signed v3: the charter gate lets them reach every page."""
    return make_coordinator(years.arras, institution=years.world["institutions"]["mairie_arras"])


def test_its_readers_get_a_menu_entry_and_members_do_not(client, years, prefecture, member):
    entry = reverse("rapport-charte:index")
    coordinator = signed_coordinator(years)
    for user in (coordinator, years.dpo, prefecture):
        client.force_login(user)
        assert entry in client.get(reverse("situations:index")).content.decode(), user
    client.force_login(member)
    assert entry not in client.get(reverse("situations:index")).content.decode()


def test_the_menu_entry_leads_to_the_report(client, years):
    client.force_login(signed_coordinator(years))
    response = client.get(reverse("rapport-charte:index"))
    assert response.status_code == 302 and response.headers["Location"] == URL
    assert URL in client.get(reverse("confidentialite:index"), follow=True).content.decode()
