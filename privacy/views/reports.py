"""Retention reports: counts per run and partnership, for coordinators and the DPO."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from casework.models import PurgeReport
from casework.services.retention import RETENTION_YEARS_AFTER_CLOSURE
from permissions import archive

# Reports listed a page: one per partnership and night, they add up over the years.
PAGE_SIZE = 50

COUNT_LABELS = [
    ("cases_archived", "Versées en archive"),
    ("cases_purged", "Purgées"),
    ("cases_purged_3_ans", "dont 3 ans après clôture"),
    ("cases_purged_25_ans", "dont 25 ans du jeune"),
    ("cases_closed_25_ans", "Closes à 25 ans"),
    ("youths", "Identités supprimées"),
    ("journal_entries", "Entrées de journal supprimées"),
    ("bilan_texts", "Textes de bilan effacés"),
    ("measure_texts", "Textes de mesure effacés"),
    ("informations", "Informations supprimées"),
    ("disclosures", "Partages supprimés"),
    ("break_glass", "Bris de glace supprimés"),
    ("permissions", "Habilitations retirées"),
    ("errors", "Erreurs"),
]


def purge_reports(request: HttpRequest) -> HttpResponse:
    """The reports of the partnerships the user oversees (coordinator or DPO), newest run
    first, PAGE_SIZE a page (GET `page`), with their total. 404 for anyone else."""
    partnerships = archive.overseen_partnerships(request.user)
    if not partnerships.exists():
        raise Http404("Page introuvable.")
    reports = (
        PurgeReport.objects.filter(partnership__in=partnerships)
        .select_related("partnership")
        # The pk last: a stable order, so that no report shows on two pages or on none.
        .order_by("-run_at", "partnership__name", "-pk")
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(report, [report.counts.get(key, 0) for key, _ in COUNT_LABELS]) for report in page]
    return render(
        request,
        "privacy/purge_reports.html",
        {
            "rows": rows,
            "page": page,
            "labels": [label for _, label in COUNT_LABELS],
            "years": RETENTION_YEARS_AFTER_CLOSURE,
        },
    )
