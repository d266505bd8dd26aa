"""Intermediate archive: the coordinator lists archived cases (no identity) and opens one,
each time with a reason (permissions.archive).

An opened file shows its journal a page at a time. Each page is an opening of its
own: a POST carrying the reason (again, in the page's navigation forms) and the page
number in the query string, logged like the first. A GET, whatever its page, is the
reason form: paging never shows the file without a reason and a log row.
"""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from casework.services.retention import purge_due_on
from permissions import archive
from permissions.access import signed_coordinated_partnerships
from privacy.dossier import case_file_page

# Archived cases listed a page (a partnership holds ~1,250 of them).
LIST_PAGE_SIZE = 50
# Journal entries an opened file shows a page, latest first: as many as the active case
# file shows (workflows.views.cases.JOURNAL_PREVIEW, not imported: a view module).
JOURNAL_PAGE_SIZE = 50


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la consultation",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Consultation ponctuelle et motivée (CNIL) : précisez la demande qui la justifie, "
        "sans nom ni date de naissance. Le motif est enregistré dans le journal des accès.",
    )

    def clean_reason(self):
        try:
            return archive.clean_reason(self.cleaned_data["reason"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


@never_cache
def archive_list(request: HttpRequest) -> HttpResponse:
    """Archived cases of the coordinator's partnerships: reference, cell and dates only,
    latest archived first, LIST_PAGE_SIZE a page (GET `page`), with their total; GET
    `reference` narrows them to the references containing it."""
    if not signed_coordinated_partnerships(request.user):
        raise Http404("Page introuvable.")
    cases = archive.archived_cases(request.user).select_related("cell").order_by("-archived_on", "reference")
    query = request.GET.get("reference", "").strip()
    if query:
        cases = cases.filter(reference__icontains=query)
    page = Paginator(cases, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, purge_due_on(case, None)) for case in page]
    return render(request, "privacy/archive/list.html", {"rows": rows, "page": page, "query": query})


@never_cache
def archive_open(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the reason form. POST with a valid reason: the full file, logged, its journal
    paged (JOURNAL_PAGE_SIZE entries, latest first; page number in GET `page`). Nothing is
    kept in the session: every page shown is an opening, logged with the reason posted."""
    case = archive.get_archived_case_for_user(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = archive.archive_open(user=request.user, case=case, reason=form.cleaned_data["reason"])
        file = case_file_page(case, journal_page=request.GET.get("page"), per_page=JOURNAL_PAGE_SIZE)
        return render(
            request, "privacy/archive/case.html", {"file": file, "reason": form.cleaned_data["reason"]}
        )
    return render(request, "privacy/archive/reason.html", {"case": case, "form": form})
