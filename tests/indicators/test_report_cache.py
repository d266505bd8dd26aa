"""Published reports are reused for INDICATORS_CACHE_SECONDS: the same masked
figures for every reader of a territory, access still checked on each request."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Institution
from indicators.periods import parse_period
from indicators.report import published_report
from indicators.territories import parse_territory
from tests.factories import make_case, make_coordinator, make_user

DASHBOARD = reverse("indicators:dashboard")


def aggregate_queries(client, params) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return sum("COUNT(" in q["sql"] for q in queries.captured_queries), response


def test_a_second_reader_gets_the_same_figures_without_recomputing(client, plan):
    prefecture = Institution.objects.get(kind="prefecture")
    params = {"territory": "departement:62", "period": "2026"}
    client.force_login(make_user(institution=prefecture))
    computed, first = aggregate_queries(client, params)
    client.force_login(make_user(institution=prefecture))
    reused, second = aggregate_queries(client, params)

    assert computed > 10 and reused == 0
    assert second.context["report"].figures == first.context["report"].figures
    assert second.context["report"].computed_at == first.context["report"].computed_at
    body = second.content.decode()
    assert "Chiffres calculés le" in body and "recalculés au plus toutes les 10 minutes" in body


def test_each_territory_period_and_breakdown_has_its_own_report(client, plan):
    client.force_login(make_user(institution=Institution.objects.get(kind="prefecture")))
    aggregate_queries(client, {"territory": "departement:62", "period": "2026"})
    for params in (
        {"territory": f"partnership:{plan.arras.pk}", "period": "2026"},
        {"territory": "departement:62", "period": "2025"},
        {"territory": "departement:62", "period": "2026", "group_by": "sex"},
    ):
        computed, response = aggregate_queries(client, params)
        assert computed > 0, params
        assert response.context["report"].territory.spec == params["territory"]


def test_a_cached_report_is_still_refused_out_of_scope(client, plan):
    client.force_login(make_user(institution=Institution.objects.get(kind="prefecture")))
    aggregate_queries(client, {"territory": f"cell:{plan.lens.pk}", "period": "2026"})
    client.force_login(make_coordinator(plan.arras, institution=plan.world["institutions"]["mairie_arras"]))
    assert client.get(DASHBOARD, {"territory": f"cell:{plan.lens.pk}", "period": "2026"}).status_code == 404


def test_the_cache_holds_masked_figures_only(plan):
    cell = parse_territory(f"cell:{plan.centre.pk}")
    report = published_report(cell, parse_period("2026"), "sex")
    cached = published_report(cell, parse_period("2026"), "sex")
    masked = [figure for figure in cached.figures if figure.suppressed]
    assert masked and all(figure.value is None for figure in masked)
    assert cached.figures == report.figures


def test_new_data_shows_once_the_report_expires(client, plan, settings):
    client.force_login(make_user(institution=Institution.objects.get(kind="prefecture")))
    params = {"territory": "departement:62", "period": "2026"}

    def signalled(response) -> float:
        return response.context["report"].figure("youths_signalled").value

    before = signalled(client.get(DASHBOARD, params))
    make_case(plan.centre, signaled_on=date(2026, 3, 2))
    assert signalled(client.get(DASHBOARD, params)) == before  # the report of a few minutes ago
    settings.INDICATORS_CACHE_SECONDS = 0
    assert signalled(client.get(DASHBOARD, params)) == before + 1
