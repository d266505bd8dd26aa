"""Séance list, planning, the séance page (agenda builder, invitations,
attendance, decisions) and the cell's need-to-know setting. Coordinators only,
except the list, which also shows members the relevés they may read."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from casework.services.errors import ServiceError
from meetings import selectors, services
from meetings.forms import AddCaseForm, RescheduleForm, SeanceForm
from meetings.models import AgendaItem, Seance
from meetings.views.common import LONG_RUNNING_PARAM, long_running_page
from permissions.access_log import Channel, log_access
from permissions.visibility import visible_cases
from workflows.paginator import WindowCountPaginator

# A partnership holds ~36 séances a year, and they are never deleted: past and
# attended séances are listed a page at a time (about eight months a page).
SEANCES_PER_PAGE = 25


def seance_list(request: HttpRequest) -> HttpResponse:
    """The coordinated cells' séances to come, in full; their past séances and
    the séances the user attended, SEANCES_PER_PAGE a page (GET `page` and
    `assistees`), newest first. Each list is split and paged in SQL."""
    cells = list(selectors.coordinated_cells(request.user).select_related("partnership"))
    upcoming = past = None
    if cells:  # a member coordinates nothing: only the séances attended
        managed = (
            selectors.managed_seances(request.user)
            .annotate(
                item_count=Count("items", distinct=True),
                present_count=Count("attendances", filter=Q(attendances__present=True), distinct=True),
            )
            .order_by("-starts_at", "-id")
        )
        upcoming = selectors.upcoming(managed)
        past = selectors.page_of(
            WindowCountPaginator(selectors.past(managed), SEANCES_PER_PAGE), request.GET.get("page")
        )
    attended = selectors.attended_seances(request.user).order_by("-starts_at", "-id")
    return render(
        request,
        "meetings/seance_list.html",
        {
            "cells": cells,
            "upcoming": upcoming,
            "past": past,
            "attended": selectors.page_of(
                WindowCountPaginator(attended, SEANCES_PER_PAGE), request.GET.get("assistees")
            ),
        },
    )


def seance_create(request: HttpRequest) -> HttpResponse:
    cells = selectors.coordinated_cells(request.user).select_related("partnership")
    if not cells.exists():
        raise Http404("Aucune cellule à coordonner.")
    form = SeanceForm(request.POST or None, cells=cells)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            seance = services.seance_plan(
                cell=data["cell"],
                starts_at=services.seance_starts_at(data["day"], data["at"]),
                place=data["place"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Séance planifiée. Composez son ordre du jour.")
            return redirect("seances:detail", pk=seance.pk)
    return render(request, "meetings/seance_form.html", {"form": form}, status=400 if form.errors else 200)


def seance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The séance page. Its proposals (planned séances only) are those of
    `selectors.agenda_proposals` at the page GET `anciennes` of long-running
    cases; the access log records exactly the cases it shows: the agenda's
    and the proposals'."""
    seance = selectors.get_managed_seance(request.user, pk)
    items = list(seance.items.select_related("postponed_to").order_by("position", "id"))
    # Cases are shown only as the coordinator sees them (visible_cases).
    visible = {
        case.pk: case
        for case in visible_cases(request.user)
        .filter(pk__in=[i.case_id for i in items])
        .select_related("youth")
    }
    members = selectors.cell_members(seance)
    proposals = (
        selectors.agenda_proposals(seance, request.user, long_running_page=long_running_page(request.GET))
        if seance.status == Seance.Status.PLANNED
        else None
    )
    # The agenda and the proposals name youths: both are displays of case data.
    log_access(
        user=request.user,
        cases=[*visible.values(), *(p.case for p in (proposals.shown if proposals else []))],
        channel=Channel.UI_LIST,
        reason=f"Ordre du jour – {seance}",
    )
    return render(
        request,
        "meetings/seance_detail.html",
        {
            "seance": seance,
            "items": [(item, visible.get(item.case_id)) for item in items],
            "proposals": proposals,
            "long_running_param": LONG_RUNNING_PARAM,
            "members": members,
            "attendances": seance.attendances.select_related("user", "institution"),
            "add_form": AddCaseForm(),
            "day_reached": seance.date <= timezone.localdate(),
            "pending_count": sum(1 for item in items if item.status == AgendaItem.Status.PENDING),
            "next_seance": selectors.next_seance(seance),
        },
    )


def seance_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the date, time or place of a séance not held yet."""
    seance = selectors.get_managed_seance(request.user, pk)
    if seance.status != Seance.Status.PLANNED:
        messages.error(request, services.SEANCE_STARTED)
        return redirect("seances:detail", pk=seance.pk)
    local = timezone.localtime(seance.starts_at)
    form = RescheduleForm(
        request.POST or None, initial={"day": local.date(), "at": local.time(), "place": seance.place}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.seance_reschedule(
                seance=seance,
                starts_at=services.seance_starts_at(data["day"], data["at"]),
                place=data["place"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Séance déplacée. Prévenez les personnes convoquées de la nouvelle date ou du nouveau lieu.",
            )
            return redirect("seances:detail", pk=seance.pk)
    return render(
        request,
        "meetings/seance_reschedule.html",
        {"form": form, "seance": seance},
        status=400 if form.errors else 200,
    )


def seance_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then cancel a séance not held yet (GET shows what cancelling does)."""
    seance = selectors.get_managed_seance(request.user, pk)
    if seance.status != Seance.Status.PLANNED:
        messages.error(request, services.SEANCE_STARTED)
        return redirect("seances:detail", pk=seance.pk)
    if request.method == "POST":
        try:
            services.seance_cancel(seance=seance, by=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("seances:detail", pk=seance.pk)
        messages.success(request, "Séance annulée. Prévenez les personnes convoquées.")
        return redirect("seances:index")
    return render(
        request,
        "meetings/seance_cancel.html",
        {
            "seance": seance,
            "pending_count": seance.items.filter(status=AgendaItem.Status.PENDING).count(),
            "invited_count": seance.attendances.filter(invited=True).count(),
            "next_seance": selectors.next_seance(seance),
        },
    )


@require_POST
def seance_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    seance = selectors.get_managed_seance(request.user, pk)
    try:
        services.seance_close(seance=seance, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("seances:detail", pk=seance.pk)
    messages.success(request, "Séance close : le relevé de décisions est définitif.")
    return redirect("seances:releve", pk=seance.pk)


@require_POST
def cell_need_to_know(request: HttpRequest, cell_pk: int) -> HttpResponse:
    cell = get_object_or_404(selectors.coordinated_cells(request.user), pk=cell_pk)
    strict = request.POST.get("strict") == "1"
    services.cell_need_to_know_set(cell=cell, strict=strict, by=request.user)
    messages.success(
        request,
        f"« {cell} » : besoin d'en connaître strict {'activé' if strict else 'désactivé'}, droits mis à jour.",
    )
    return redirect("seances:index")
