"""Task screens of CaseFlow: the signalement (start) and one form per task."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.views.generic import FormView

from casework.services.cases import (
    YouthIdentity,
    case_signal,
    check_age,
    check_signaled_on,
    find_open_duplicates,
)
from casework.services.errors import ServiceError
from casework.services.referents import referent_candidates
from permissions import roles
from permissions.access import journal_filter
from permissions.visibility import representation_for, visible_cases
from workflows import forms
from workflows.services import complete_started

DUPLICATE_VISIBLE = (
    "Ce jeune a déjà un dossier ouvert dans ce partenariat : <a href='{}'>{}</a>. "
    "Cochez la case de confirmation pour enregistrer quand même un nouveau signalement."
)


ACCESS_ENDED = (
    "Votre réponse est enregistrée. Vous n'avez plus accès à cette situation : "
    "les coordonnateurs de la cellule en sont informés par leur file de tâches."
)


def case_url(case) -> str:
    return reverse("situations:detail", args=[case.pk])


class SignalementView(FormView):
    """Start of the parcours: a signed member (or coordinator) signals a youth.

    Refused input keeps everything typed (the bound form is re-rendered).
    """

    form_class = forms.SignalementForm
    template_name = "workflows/signalement.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cells": roles.signal_cells(self.request.user)}

    def form_valid(self, form):
        data = form.cleaned_data
        # The service's own checks (case_signal runs them again), shown beside their
        # field. add_error drops the field from cleaned_data: read both dates first.
        birth_date, signaled_on = data["birth_date"], data["signaled_on"]
        try:
            check_signaled_on(signaled_on)
        except ServiceError as exc:
            form.add_error("signaled_on", str(exc))
        try:
            check_age(birth_date, signaled_on)
        except ServiceError as exc:
            form.add_error("birth_date", str(exc))
        if form.errors:
            return self.form_invalid(form)
        duplicates = find_open_duplicates(
            partnership=data["cell"].partnership,
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
        )
        # Only a duplicate the user may open is shown: one outside their scope
        # gets the same answer as no duplicate at all (its existence is not
        # theirs to know); case_signal journals it for the coordinator.
        duplicate = visible_cases(self.request.user, duplicates).order_by("-signaled_on").first()
        if duplicate is not None and not data["confirm_duplicate"]:
            form.add_error(
                "confirm_duplicate", format_html(DUPLICATE_VISIBLE, case_url(duplicate), duplicate.reference)
            )
            return self.form_invalid(form)
        activation = self.request.activation
        try:
            with transaction.atomic():
                case = case_signal(
                    cell=data["cell"],
                    identity=YouthIdentity(
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        birth_date=data["birth_date"],
                        sex=data["sex"],
                        commune_id=data["commune"].pk,
                    ),
                    source_institution=data["source_institution"],
                    motifs=data["motifs"],
                    profil=data["profil"],
                    plan_measure=data["plan_measure"],
                    signaled_on=data["signaled_on"],
                    by=self.request.user,
                )
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        activation.process.case = case
        activation.execute()
        messages.success(self.request, f"Signalement enregistré : situation {case.reference}.")
        return HttpResponseRedirect(case_url(case))


class TaskFormView(FormView):
    """One task of the parcours: a form, one casework service, the flow moves on.

    Service refusals (invalid transition, rule broken) come back as form errors.
    """

    template_name = "workflows/task.html"
    designation_kind = None

    @property
    def case(self):
        return self.request.activation.process.case

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.form_class is forms.DesignateForm:
            kwargs["candidates"] = referent_candidates(case=self.case, kind=self.designation_kind)
        elif issubclass(self.form_class, forms.ExamenForm):
            kwargs["case"] = self.case  # its pilot institutions are those of the case's territory
        return kwargs

    def get_context_data(self, **kwargs):
        task = self.request.activation.task
        return super().get_context_data(
            case=self.case,
            due_on=task.data.get("due_on"),
            journal=self.case.journal.filter(journal_filter(self.request.user)).select_related("actor")[:10],
            note_warning=forms.NOTE_WARNING,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            complete_started(self.request.activation, self.request.user, form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if representation_for(self.request.user, self.case) is None:
            # The step withdrew the user's access (a référent declining the
            # designation): the case file would answer 404.
            messages.success(self.request, ACCESS_ENDED)
            return HttpResponseRedirect(reverse("case:inbox"))
        messages.success(
            self.request, f"« {self.request.activation.flow_task.task_title} » enregistré pour {self.case}."
        )
        return HttpResponseRedirect(case_url(self.case))
