"""What the dashboard, the exports and the API publish: the figures of the
hand-computed fixture, masked, and nothing nominative."""

import csv
import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from casework.models import Membership
from indicators.engine import GROUP_BY
from tests.factories import make_case, make_user
from tests.indicators.conftest import _signal

DASHBOARD = reverse("indicators:dashboard")
CSV = reverse("indicators:export-csv")
XLSX = reverse("indicators:export-xlsx")
API = "/api/v1/indicators/"


@pytest.fixture
def prefecture(plan):
    return make_user(institution=plan.world["institutions"]["prefecture"])


@pytest.fixture
def coordinator(plan):
    mairie = plan.world["institutions"]["mairie_arras"]
    user = make_user(institution=mairie)
    Membership.objects.create(
        user=user, partnership=plan.arras, institution=mairie, role=Membership.Role.COORDONNATEUR
    )
    return user


def csv_rows(content: bytes) -> list[dict]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content))["Indicateurs"]
    return [list(row) for row in sheet.iter_rows(min_row=5, values_only=True)]


def test_the_api_publishes_the_hand_counted_figures(client, plan, prefecture):
    client.force_login(prefecture)
    body = client.get(API, {"period": "2026", "territory": "departement:62", "group_by": "sex"}).json()
    assert body["period"] == {
        "code": "2026",
        "label": "Année 2026",
        "start": "2026-01-01",
        "end": "2026-12-31",
    }
    assert body["suppression_threshold"] == 5
    results = {(r["indicator"], r["group"]): r for r in body["results"]}
    assert results[("youths_signalled", None)]["value"] == 12
    assert results[("youths_signalled", "F")]["value"] == 4  # A, c8, o1, o5
    assert results[("youths_signalled", "F")]["group_label"] == "Féminin"
    assert results[("median_days_to_examen", None)]["display"] == "17,5\u202fj"
    assert results[("cells_with_charter_pct", None)]["value"] is not None


def test_the_api_masks_cell_figures(client, plan, coordinator):
    client.force_login(coordinator)
    body = client.get(
        API, {"period": "2026", "territory": f"cell:{plan.centre.pk}", "group_by": "profil"}
    ).json()
    results = {(r["indicator"], r["group"]): r for r in body["results"]}
    assert results[("youths_signalled", None)]["value"] == 5
    rappels = results[("rappels_held", None)]
    assert (rappels["value"], rappels["suppressed"], rappels["display"]) == (None, True, "< 5")
    assert all(r["value"] is None for r in body["results"] if r["suppressed"])


def test_csv_export(client, plan, prefecture):
    client.force_login(prefecture)
    response = client.get(CSV, {"period": "2026", "territory": f"cell:{plan.centre.pk}", "group_by": "sex"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="indicateurs_cell-{plan.centre.pk}_2026.csv"' in response["Content-Disposition"]
    rows = csv_rows(response.content)
    totals = {r["Code"]: r for r in rows if r["Ventilation"] == "Total"}
    assert totals["youths_signalled"]["Valeur"] == "5"
    assert (totals["rappels_held"]["Valeur"], totals["rappels_held"]["Masqué"]) == ("< 5", "oui")
    assert totals["members_signed_pct"]["Valeur"] == "50,0"
    by_sex = {
        r["Groupe"]: r["Valeur"]
        for r in rows
        if r["Code"] == "youths_signalled" and r["Ventilation"] == "Sexe"
    }
    assert by_sex == {"Féminin": "< 5", "Masculin": "< 5"}
    months = [r for r in rows if r["Code"] == "youths_signalled" and r["Ventilation"] == "Mois"]
    assert [r["Groupe"] for r in months][:2] == ["janvier 2026", "février 2026"]


def test_xlsx_export(client, plan, prefecture):
    client.force_login(prefecture)
    response = client.get(XLSX, {"period": "2026", "territory": f"partnership:{plan.arras.pk}"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Indicateurs", "Définitions"]
    rows = xlsx_rows(response.content)
    totals = {r[2]: r for r in rows if r[4] == "Total"}
    assert totals["youths_signalled"][6] == 11  # a number, not text
    assert totals["median_days_to_examen"][6] == 15.0
    by_cell = {r[5]: r[6] for r in rows if r[2] == "rappels_held" and r[4] == "Cellule"}
    assert by_cell == {"Arras – centre": "< 5", "Arras – quartiers ouest": "< 5"}
    rules = {row[0]: row[2] for row in workbook["Définitions"].iter_rows(min_row=2, values_only=True)}
    assert "première" in rules["median_days_to_examen"] or "premier examen" in rules["median_days_to_examen"]


def test_spreadsheet_formulas_in_names_are_neutralised(client, plan, prefecture):
    from casework.models import Cell

    Cell.objects.filter(pk=plan.centre.pk).update(name='=HYPERLINK("http://x")')
    client.force_login(prefecture)
    params = {"period": "2026", "territory": f"partnership:{plan.arras.pk}"}
    groups = {r["Groupe"] for r in csv_rows(client.get(CSV, params).content) if r["Ventilation"] == "Cellule"}
    assert """'=HYPERLINK("http://x")""" in groups
    sheet = load_workbook(io.BytesIO(client.get(XLSX, params).content))["Indicateurs"]
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_dashboard_shows_figures_charts_and_rules(client, plan, prefecture):
    client.force_login(prefecture)
    response = client.get(DASHBOARD, {"period": "2026", "territory": f"partnership:{plan.arras.pk}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jeunes repérés" in html
    assert html.count("<svg") == 1 + 6  # the breakdown + one monthly series per event indicator
    assert "Par cellule de veille" in html and "Arras – quartiers ouest" in html
    assert "janv." in html and "févr." in html
    assert f"territory=partnership%3A{plan.arras.pk}" in html  # export links keep the filters
    # The préfecture's selector lists every territory of its département.
    assert f'value="cell:{plan.lens.pk}"' in html


def test_the_dashboard_query_count_does_not_grow_with_cases(
    client, plan, prefecture, django_assert_max_num_queries
):
    client.force_login(prefecture)
    params = {"period": "2026", "territory": "departement:62", "group_by": "orientation"}
    with django_assert_max_num_queries(60) as first:
        assert client.get(DASHBOARD, params).status_code == 200
    for i in range(8):
        make_case(plan.ouest, signaled_on=date(2026, 1 + i, 3))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(DASHBOARD, params).status_code == 200


def _nominative_strings(plan) -> list[str]:
    out = []
    for first, last, birth in plan.identities:
        out += [first, last, birth.isoformat(), f"{birth:%d/%m/%Y}"]
    out += [case.reference for case in plan.cases.values()]
    return out


@pytest.mark.parametrize("group_by", GROUP_BY)
def test_no_name_birth_date_or_reference_is_published(client, plan, prefecture, group_by):
    # Named and dated like the fixture's youths: a youth signalled this very month.
    _signal(plan, "zz", plan.centre, date(2026, 11, 2), "F", 16, "decrocheur")
    forbidden = _nominative_strings(plan)
    client.force_login(prefecture)
    for spec in ("departement:62", f"cell:{plan.centre.pk}"):
        params = {"period": "2026", "territory": spec, "group_by": group_by}
        published = [
            client.get(DASHBOARD, params).content.decode(),
            client.get(API, params).content.decode(),
            client.get(CSV, params).content.decode("utf-8"),
        ]
        with zipfile.ZipFile(io.BytesIO(client.get(XLSX, params).content)) as archive:
            published += [archive.read(name).decode("utf-8") for name in archive.namelist()]
        for text in published:
            for needle in forbidden:
                assert needle not in text, needle
