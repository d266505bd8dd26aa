"""Invitations and attendance (POST only)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from casework.services.errors import ServiceError
from meetings import selectors, services
from meetings.forms import InviteForm
from meetings.views.agenda import seance_url


@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    seance = selectors.get_managed_seance(request.user, pk)
    candidates = [row for row in selectors.cell_members(seance) if row.attendance is None]
    form = InviteForm(request.POST, candidates=candidates)
    if not form.is_valid():
        messages.error(request, "Choisissez au moins un membre de la cellule à convoquer.")
        return redirect(seance_url(seance))
    try:
        invited = services.seance_invite(seance=seance, users=form.chosen_users(), by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{len(invited)} membre{'s' if len(invited) > 1 else ''} convoqué(s).")
    return redirect(seance_url(seance))


@require_POST
def uninvite(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    seance = selectors.get_managed_seance(request.user, pk)
    attendance = get_object_or_404(seance.attendances.all(), pk=attendance_pk)
    try:
        services.seance_uninvite(attendance=attendance, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Convocation retirée.")
    return redirect(seance_url(seance))


@require_POST
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the attendance sheet: `present_<user id>` = "1" (présent) or "0" (absent)."""
    seance = selectors.get_managed_seance(request.user, pk)
    errors = []
    for attendance in seance.attendances.filter(invited=True).select_related("user"):
        value = request.POST.get(f"present_{attendance.user_id}")
        if value not in ("0", "1"):
            continue
        try:
            services.attendance_record(
                seance=seance, user=attendance.user, present=value == "1", by=request.user
            )
        except ServiceError as exc:
            errors.append(str(exc))
    for error in dict.fromkeys(errors):
        messages.error(request, error)
    if not errors:
        messages.success(request, "Feuille de présence enregistrée.")
    return redirect(seance_url(seance))
