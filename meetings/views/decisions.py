"""Recording the cell's decision on one agenda item, with the task's form."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from casework.services.errors import ServiceError
from meetings import selectors, services
from meetings.forms import ReviewForm, SeanceExamenBilanForm, SeanceExamenForm
from meetings.models import AgendaItem
from permissions.access_log import Channel, log_access
from permissions.visibility import visible_cases

FORMS = {
    AgendaItem.Kind.EXAMEN: SeanceExamenForm,
    AgendaItem.Kind.EXAMEN_BILAN: SeanceExamenBilanForm,
    AgendaItem.Kind.STALLED: ReviewForm,
    AgendaItem.Kind.REVIEW: ReviewForm,
}


def item_decide(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    seance = selectors.get_managed_seance(request.user, pk)
    item = get_object_or_404(seance.items.all(), pk=item_pk)
    case = visible_cases(request.user).filter(pk=item.case_id).select_related("youth").first()
    if case is None:
        raise Http404("Situation introuvable.")
    log_access(user=request.user, cases=case, channel=Channel.UI_DETAIL, reason=f"Décision – {seance}")
    form_class = FORMS[item.kind]
    # The examen's pilot institutions are those of the case's territory.
    extra = {"case": case} if issubclass(form_class, SeanceExamenForm) else {}
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_decide(item=item, data=form.cleaned_data, by=request.user)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Décision enregistrée pour {case.reference}.")
            return redirect("seances:detail", pk=seance.pk)
    return render(
        request,
        "meetings/item_decide.html",
        {"seance": seance, "item": item, "case": case, "form": form},
        status=400 if form.errors else 200,
    )
