"""Intermediate archive: the coordinator lists archived cases (no identity) and opens one,
each time with a reason (permissions.archive)."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from casework.services.retention import purge_due_on
from permissions import archive
from permissions.access import signed_coordinated_partnerships
from privacy.dossier import case_file


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
    """Archived cases of the coordinator's partnerships: reference, cell and dates only."""
    if not signed_coordinated_partnerships(request.user):
        raise Http404("Page introuvable.")
    cases = archive.archived_cases(request.user).select_related("cell").order_by("-archived_on", "reference")
    query = request.GET.get("reference", "").strip()
    if query:
        cases = cases.filter(reference__icontains=query)
    rows = [(case, purge_due_on(case, None)) for case in cases[:200]]
    return render(request, "privacy/archive/list.html", {"rows": rows, "query": query})


@never_cache
def archive_open(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the reason form. POST with a valid reason: the full file, logged. Nothing is kept
    in the session: the next opening asks for a reason again."""
    case = archive.get_archived_case_for_user(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = archive.archive_open(user=request.user, case=case, reason=form.cleaned_data["reason"])
        return render(
            request,
            "privacy/archive/case.html",
            {"file": case_file(case), "reason": form.cleaned_data["reason"]},
        )
    return render(request, "privacy/archive/reason.html", {"case": case, "form": form})
