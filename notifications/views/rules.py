"""Coordinators set their partnership's stall delays (deadline, alert, séance per rule)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from casework.models import Membership, Partnership
from casework.services.errors import ServiceError
from notifications import services
from notifications.forms import StallDelaysForm


def stall_rules(request: HttpRequest) -> HttpResponse:
    coordinated = Partnership.objects.filter(
        pk__in=Membership.objects.current()
        .filter(user=request.user, role=Membership.Role.COORDONNATEUR)
        .values("partnership_id")
    ).order_by("name")
    if not coordinated:
        raise PermissionDenied("Réservé aux coordonnateurs.")
    selected = request.GET.get("partenariat") or request.POST.get("partenariat")
    if selected and not selected.isdecimal():
        raise Http404("Partenariat inconnu.")  # a hand-edited address: like one not coordinated
    partnership = get_object_or_404(coordinated, pk=selected) if selected else coordinated[0]
    form = StallDelaysForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.stall_delays_set(partnership=partnership, by=request.user, values=form.values())
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Délais de relance enregistrés pour le {partnership}.")
            return redirect(f"{request.path}?partenariat={partnership.pk}")
    return render(
        request,
        "notifications/rules.html",
        {"form": form, "partnership": partnership, "coordinated": coordinated},
        status=400 if form.errors else 200,
    )
