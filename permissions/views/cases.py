"""Per-case confidentiality screens for the partnership's coordinators: disclosures, access log.

404 when the user does not see the case; 403 when they see it but do not
coordinate it (`access.get_coordinated_case_for_user`).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from casework.services.errors import ServiceError
from permissions.access import get_coordinated_case_for_user
from permissions.access_log import access_log_for_case
from permissions.disclosures import disclosure_create, disclosure_revoke
from permissions.forms import DisclosureForm

ACCESS_LOG_PAGE = 50


def disclosures(request, pk):
    case = get_coordinated_case_for_user(request.user, pk)
    form = DisclosureForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure_create(case=case, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Synthèse restreinte partagée avec {form.cleaned_data['institution']}."
            )
            return redirect("permissions:disclosures", pk=case.pk)
    return render(
        request,
        "permissions/disclosures.html",
        {
            "case": case,
            "disclosures": case.disclosures.select_related("institution", "created_by"),
            "form": form,
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def disclosure_revoke_view(request, pk, disclosure_pk):
    case = get_coordinated_case_for_user(request.user, pk)
    disclosure = get_object_or_404(case.disclosures, pk=disclosure_pk)
    try:
        disclosure_revoke(disclosure=disclosure, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Partage avec {disclosure.institution} révoqué.")
    return redirect("permissions:disclosures", pk=case.pk)


def access_log(request, pk):
    case = get_coordinated_case_for_user(request.user, pk)
    page = Paginator(access_log_for_case(case), ACCESS_LOG_PAGE).get_page(request.GET.get("page"))
    return render(request, "permissions/access_log.html", {"case": case, "page": page})
