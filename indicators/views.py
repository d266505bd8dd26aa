"""Dashboard and exports for coordinators (their partnership) and the
préfecture (its département). Everyone else gets 403 (see indicators.access)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from indicators.access import require_scope
from indicators.charts import column_chart, row_chart
from indicators.definitions import INDICATORS, SERIES_CODES
from indicators.engine import GROUP_BY, GROUP_LABELS
from indicators.exports import export_filename, to_csv, to_xlsx
from indicators.periods import MONTH_ABBREVIATIONS, period_choices
from indicators.query import QueryError, parse_query
from indicators.report import Report, display, published_report
from indicators.suppression import threshold

DEFAULT_GROUP_BY = "profil"
SPLIT_TITLES = {"cell": "Par cellule de veille", "partnership": "Par partenariat (CLSPD / CISPD)"}
# Columns of the sub-territory table.
SPLIT_CODES = [
    "youths_signalled",
    "rappels_held",
    "cddf_referrals",
    "followups_referent",
    "followups_recidive",
    "bilans_presented",
    "closures",
    "stalled_cases",
    "cells_with_charter_pct",
    "members_signed_pct",
]


def _headline(report: Report) -> list[dict]:
    return [
        {
            "indicator": indicator,
            "display": display(report.figure(code)),
            "masked": report.figure(code).suppressed,
        }
        for code, indicator in INDICATORS.items()
        if report.figure(code) is not None
    ]


def _series_charts(report: Report) -> list:
    months = report.groups("month")
    if not months:
        return []
    return [
        column_chart(
            INDICATORS[code].label,
            [(MONTH_ABBREVIATIONS[int(m[5:]) - 1], report.figure(code, "month", m)) for m in months],
        )
        for code in SERIES_CODES
    ]


def _table(report: Report, dimension: str, codes) -> dict:
    groups = report.groups(dimension)
    rows = []
    for code in codes:
        cells = [report.figure(code, dimension, g) for g in groups]
        if all(c is None for c in cells):
            continue
        rows.append(
            {
                "label": INDICATORS[code].label,
                "cells": [{"display": display(c), "masked": c.suppressed} if c else None for c in cells],
                "total": display(report.figure(code)),
            }
        )
    return {
        "dimension": GROUP_LABELS[dimension],
        "title": SPLIT_TITLES.get(dimension, ""),
        "groups": [report.group_label(dimension, g) for g in groups],
        "rows": rows,
    }


def _context(report: Report, scope, query_string: str) -> dict:
    context = {
        "report": report,
        "threshold": report.threshold,
        "headline": _headline(report),
        "series": _series_charts(report),
        "territories": scope.territories(),
        "periods": period_choices(timezone.localdate()),
        "group_by_choices": [(g, GROUP_LABELS[g]) for g in GROUP_BY],
        "query_string": query_string,
        "cache_minutes": settings.INDICATORS_CACHE_SECONDS // 60,
    }
    if report.group_by:
        dimension = report.group_by
        context["breakdown"] = _table(report, dimension, list(INDICATORS))
        context["breakdown_chart"] = row_chart(
            INDICATORS["youths_signalled"].label,
            [
                (report.group_label(dimension, g), report.figure("youths_signalled", dimension, g))
                for g in report.groups(dimension)
            ],
        )
    child = report.territory.child_dimension
    if child:
        context["split"] = _table(report, child, SPLIT_CODES)
    return context


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = require_scope(request.user)
    try:
        query = parse_query(scope, request.GET, default_group_by=DEFAULT_GROUP_BY, extra_group_by=False)
    except QueryError as error:
        context = {"error": str(error), "territories": scope.territories(), "threshold": threshold()}
        context["periods"] = period_choices(timezone.localdate())
        context["group_by_choices"] = [(g, GROUP_LABELS[g]) for g in GROUP_BY]
        return render(request, "indicators/dashboard.html", context, status=400)
    report = published_report(query.territory, query.period, query.group_by)
    return render(request, "indicators/dashboard.html", _context(report, scope, request.GET.urlencode()))


def _export(request: HttpRequest, extension: str, content_type: str, writer) -> HttpResponse:
    scope = require_scope(request.user)
    try:
        query = parse_query(scope, request.GET, default_group_by=DEFAULT_GROUP_BY, extra_group_by=False)
    except QueryError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    report = published_report(query.territory, query.period, query.group_by)
    response = HttpResponse(writer(report), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(report, extension)}"'
    return response


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv", "text/csv; charset=utf-8", to_csv)


@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(
        request, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx
    )
