"""Break-the-glass screens: a member asks (with a reason); coordinators decide; coordinators and
the DPO review every request and its uses (permissions.breakglass)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from casework.services.errors import ServiceError
from permissions import breakglass
from permissions.access import get_case_for_user, signed_coordinated_partnerships
from permissions.archive import overseen_partnerships
from permissions.models import BreakGlassGrant

# Decided requests listed a page; pending ones are all listed.
DECIDED_PAGE_SIZE = 50


class RequestForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la demande",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pourquoi la fiche de synthèse ne suffit pas, en quelques mots, sans nom. "
        "Le coordonnateur décide ; chaque consultation est enregistrée.",
    )


def request_access(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breakglass.breakglass_request(case=case, user=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Demande transmise au coordonnateur.")
            return redirect("situations:detail", pk=case.pk)
    return render(
        request,
        "privacy/breakglass/request.html",
        {"case": case, "form": form, "hours": settings.BREAK_GLASS_HOURS},
    )


def review(request: HttpRequest) -> HttpResponse:
    """The requests of the partnerships the user oversees, newest first: every pending one
    (each awaits a decision, none may drop out of view), then the decided ones,
    DECIDED_PAGE_SIZE a page (GET `page`), with their total. 404 for anyone else."""
    if not overseen_partnerships(request.user).exists():
        raise Http404("Page introuvable.")
    grants = breakglass.grants_for_review(request.user)
    pending = list(grants.filter(status=BreakGlassGrant.Status.PENDING))
    page = Paginator(grants.exclude(status=BreakGlassGrant.Status.PENDING), DECIDED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    deciding = {p.pk for p in signed_coordinated_partnerships(request.user)}
    return render(
        request,
        "privacy/breakglass/review.html",
        {"pending": pending, "decided": list(page), "page": page, "deciding": deciding},
    )


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(breakglass.grants_for_review(request.user), pk=pk)
    action = (
        breakglass.breakglass_approve
        if request.POST.get("decision") == "approve"
        else breakglass.breakglass_refuse
    )
    try:
        action(grant=grant, by=request.user, note=request.POST.get("note", "")[:300])
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Décision enregistrée.")
    return redirect("privacy:breakglass_review")
