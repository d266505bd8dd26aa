"""Break-the-glass screens: a member asks (with a reason); coordinators decide, and may withdraw
a grant before its term; coordinators and the DPO review every request and its uses
(permissions.breakglass).

What each reader sees of a request. The signed coordinators of its partnership (who decide)
see everything: who asked, the cell, the reasons and comments. Anyone else who oversees it
(the DPO: metadata only, domain §1; a coordinator who has not signed the current charter)
sees the dates, the state, the case reference, the asker's institution and the number of
uses, not the names nor the free text (personal data, deleted at purge).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
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


DECISION_REQUIRED = "Choisissez « Accorder » ou « Refuser » pour décider de la demande."


class DecisionForm(forms.Form):
    """A decision on one pending request. No default: a missing or unknown `decision` (a form
    submitted with the Enter key, a forged value) is an error, never an approval."""

    decision = forms.ChoiceField(
        choices=[("refuse", "Refuser"), ("approve", "Accorder")],
        error_messages={"required": DECISION_REQUIRED, "invalid_choice": DECISION_REQUIRED},
    )
    note = forms.CharField(label="Commentaire", max_length=300, required=False, widget=forms.Textarea)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Motif du retrait",
        max_length=300,
        widget=forms.Textarea,
        error_messages={"required": breakglass.REVOKE_REASON_REQUIRED},
    )


def review(request: HttpRequest) -> HttpResponse:
    """The requests of the partnerships the user oversees, newest first: every pending one
    (each awaits a decision, none may drop out of view), then the decided ones,
    DECIDED_PAGE_SIZE a page (GET `page`), with their total. 404 for anyone else."""
    if not overseen_partnerships(request.user).exists():
        raise Http404("Page introuvable.")
    return _review(request)


def _review(request: HttpRequest, *, failed: tuple[int, forms.Form] | None = None) -> HttpResponse:
    """The review page. `failed`: a grant's pk and the decision or withdrawal form posted for
    it, shown again in its row with its errors and what was typed.

    Each row carries `full` (the reader decides for its partnership: names, cell, reasons
    and comments shown; metadata only otherwise, see the module docstring), `active`
    (approved and not yet ended) and `form` (the failed form, if it is this row's)."""
    grants = breakglass.grants_for_review(request.user)
    pending = list(grants.filter(status=BreakGlassGrant.Status.PENDING))
    page = Paginator(grants.exclude(status=BreakGlassGrant.Status.PENDING), DECIDED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    decided = list(page)
    deciding = {p.pk for p in signed_coordinated_partnerships(request.user)}
    now = timezone.now()
    for grant in (*pending, *decided):
        grant.full = grant.case.partnership_id in deciding
        grant.active = grant.status == BreakGlassGrant.Status.APPROVED and grant.expires_at > now
        grant.form = failed[1] if failed and failed[0] == grant.pk else None
    return render(
        request,
        "privacy/breakglass/review.html",
        {"pending": pending, "decided": decided, "page": page},
    )


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(breakglass.grants_for_review(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _review(request, failed=(grant.pk, form))
    action = (
        breakglass.breakglass_approve
        if form.cleaned_data["decision"] == "approve"
        else breakglass.breakglass_refuse
    )
    try:
        action(grant=grant, by=request.user, note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Décision enregistrée.")
    return redirect("privacy:breakglass_review")


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an approved grant before its term; access ends at once."""
    grant = get_object_or_404(breakglass.grants_for_review(request.user), pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _review(request, failed=(grant.pk, form))
    try:
        breakglass.breakglass_revoke(grant=grant, by=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Accès retiré : il prend fin immédiatement.")
    return redirect("privacy:breakglass_review")
