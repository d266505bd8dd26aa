"""The annual report on how the confidentiality charter was applied: the préfecture
(its département), the DPO and the coordinators (their partnerships); 404 for anyone
else. Aggregates only; `?format=csv` exports the same figures."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from permissions.charter_report import charter_report as compute_report
from permissions.charter_report import report_scope
from permissions.middleware import charter_exempt
from privacy.charter_table import display, sections, to_csv

TEMPLATE = "privacy/charter_report.html"
YEARS_OFFERED = 6  # the running year and the five before it


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="Année", coerce=int)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            (year, f"{year} (en cours)" if year == today.year else str(year))
            for year in range(today.year, today.year - YEARS_OFFERED, -1)
        ]


@charter_exempt  # aggregates only: nothing nominative to gate behind a signature
@never_cache
def charter_report(request: HttpRequest) -> HttpResponse:
    scope = report_scope(request.user)
    if scope is None:
        raise Http404("Page introuvable.")
    today = timezone.localdate()
    # Default: the last complete year.
    form = YearForm({"year": request.GET.get("year", today.year - 1)}, today=today)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "scope": scope}, status=400)
    report = compute_report(partnerships=scope.partnerships, year=form.cleaned_data["year"], today=today)
    total_label = f"Total du département ({scope.departement.name})" if scope.departement else "Total"
    if request.GET.get("format") == "csv":
        response = HttpResponse(to_csv(report, total_label), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="rapport-charte_{report.year}.csv"'
        return response
    tables = [
        (
            title,
            [column.label for column in columns],
            [(row.label, [display(c.value(row)) for c in columns]) for row in report.rows],
            (total_label, [display(c.value(report.total)) for c in columns]),
        )
        for title, columns in sections(report)
    ]
    return render(request, TEMPLATE, {"form": form, "scope": scope, "report": report, "tables": tables})
