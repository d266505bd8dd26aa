"""Coordinator's dashboard of stalled cases: counts per reason and a sortable list.

Everything is read through visible_stall_flags: the cases the user sees with
their lateness and cell; only references, cells, reasons, dates and levels are
shown, never a name.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from notifications.links import case_url
from notifications.models import ScanState, StallLevel
from notifications.rules import RULES, RULES_BY_CODE
from notifications.selectors import stall_counts, visible_stall_flags
from permissions.representations import cells_showing_cases

# ?tri= value → ORDER BY; the second key keeps pages stable.
SORTS = {
    "depuis": ("since", "case__reference"),
    "-depuis": ("-since", "case__reference"),
    "niveau": ("level", "since"),
    "-niveau": ("-level", "since"),
    "reference": ("case__reference", "rule"),
    "-reference": ("-case__reference", "rule"),
    "motif": ("rule", "since"),
    "-motif": ("-rule", "since"),
    "cellule": ("case__cell__name", "since"),
    "-cellule": ("-case__cell__name", "since"),
}
DEFAULT_SORT = "-niveau"


def dashboard(request: HttpRequest) -> HttpResponse:
    flags = visible_stall_flags(request.user)
    cells = cells_showing_cases(request.user)
    cell_id = request.GET.get("cellule", "")
    if cell_id.isdecimal():
        flags = flags.filter(case__cell_id=int(cell_id))
    counts = stall_counts(flags)
    rule = request.GET.get("motif", "")
    if rule in RULES_BY_CODE:
        flags = flags.filter(rule=rule)
    sort = request.GET.get("tri", DEFAULT_SORT)
    flags = flags.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    page = Paginator(flags, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for flag in page:
        flag.days_stalled = (today - flag.since).days
        flag.case_link = case_url(flag.case_id)
    return render(
        request,
        "notifications/dashboard.html",
        {
            "page": page,
            "counts": [(r, counts[r.code]) for r in RULES],
            "total": sum(counts.values()),
            "rule": rule,
            "sort": sort,
            "cells": cells,
            "cell_id": cell_id,
            "levels": StallLevel,
            "scan": ScanState.objects.filter(pk=1).first(),
        },
    )
