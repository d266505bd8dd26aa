"""Agenda builder actions (POST only): add, propose all, remove, move, postpone."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from casework.services.errors import ServiceError
from meetings import selectors, services
from meetings.forms import AddCaseForm
from meetings.models import AgendaItem
from meetings.views.common import LONG_RUNNING_PARAM, long_running_page, run_and_redirect
from permissions.visibility import visible_cases


def _item(seance, item_pk) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("seance"), seance=seance, pk=item_pk)


@require_POST
def propose_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol what the séance page showed ("Inscrire toutes"): the due cases and
    the page of long-running ones its form posts back (`anciennes`)."""
    seance = selectors.get_managed_seance(request.user, pk)
    page = long_running_page(request.POST)
    try:
        items = services.agenda_propose(seance=seance, by=request.user, long_running_page=page)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        count, plural = len(items), "s" if len(items) > 1 else ""
        if count:
            messages.success(request, f"{count} situation{plural} inscrite{plural} à l'ordre du jour.")
        else:
            messages.info(request, "Aucune situation proposée à inscrire.")
    return redirect(seance_url(seance, long_running=page))


@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a proposed case (`case` = its id, `kind`) or a case typed by reference."""
    seance = selectors.get_managed_seance(request.user, pk)
    cases = visible_cases(request.user).filter(cell=seance.cell)
    if "case" in request.POST:
        case = cases.filter(pk=request.POST["case"]).first() if request.POST["case"].isdecimal() else None
        kind = request.POST.get("kind") or None
    else:
        form = AddCaseForm(request.POST)
        reference = form.cleaned_data["reference"].strip() if form.is_valid() else ""
        case = cases.filter(reference__iexact=reference).first() if reference else None
        kind = None
        if case is None:
            messages.error(request, f"Aucune situation de la cellule « {seance.cell} » n'a cette référence.")
            return redirect(seance_url(seance))
    if case is None:
        raise Http404("Situation introuvable.")
    return run_and_redirect(
        request,
        lambda: services.agenda_item_add(seance=seance, case=case, kind=kind, by=request.user),
        f"{case.reference} inscrite à l'ordre du jour.",
        # Back to the page of proposals the coordinator was working through.
        seance_url(seance, long_running=long_running_page(request.POST)),
    )


@require_POST
def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    seance = selectors.get_managed_seance(request.user, pk)
    item = _item(seance, item_pk)
    return run_and_redirect(
        request,
        lambda: services.agenda_item_remove(item=item, by=request.user),
        "Point retiré de l'ordre du jour.",
        seance_url(seance),
    )


@require_POST
def item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    seance = selectors.get_managed_seance(request.user, pk)
    item = _item(seance, item_pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    return run_and_redirect(
        request,
        lambda: services.agenda_item_move(item=item, position=item.position + step, by=request.user),
        "Ordre du jour réordonné.",
        seance_url(seance),
    )


@require_POST
def item_postpone(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    seance = selectors.get_managed_seance(request.user, pk)
    item = _item(seance, item_pk)
    return run_and_redirect(
        request,
        lambda: services.agenda_item_postpone(item=item, by=request.user),
        "Point reporté : il sera proposé à l'ordre du jour de la prochaine séance.",
        seance_url(seance),
    )


def seance_url(seance, *, long_running: int = 1) -> str:
    """The séance page, at its page `long_running` of long-running proposals."""
    url = reverse("seances:detail", kwargs={"pk": seance.pk})
    if long_running > 1:
        url += f"?{LONG_RUNNING_PARAM}={long_running}#propositions"
    return url
