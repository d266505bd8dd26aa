"""The user's notifications: the list, opening one, marking as read, email preferences."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from notifications import services
from notifications.forms import PreferenceForm
from notifications.links import case_url
from notifications.models import EmailMode, NotificationPreference
from notifications.selectors import notifications_for


def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = (
        notifications_for(request.user).select_related("case", "flag").order_by("-created_at", "-pk")
    )
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The link in emails: mark as read, then go to the case (404 if it is not the user's to see)."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(case_url(notification.case_id))


@require_POST
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdecimal()] or None
    count = services.notifications_mark_read(user=request.user, ids=ids)
    messages.success(
        request,
        f"{count} notification{'s' if count > 1 else ''} marquée{'s' if count > 1 else ''} comme lue{'s' if count > 1 else ''}.",
    )
    return redirect("relances:index")


def preferences(request: HttpRequest) -> HttpResponse:
    current = NotificationPreference.objects.filter(user=request.user).first()
    initial = {"email_mode": current.email_mode if current else EmailMode.IMMEDIATE}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(user=request.user, email_mode=form.cleaned_data["email_mode"])
        messages.success(request, "Vos préférences de courriel sont enregistrées.")
        return redirect("relances:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
