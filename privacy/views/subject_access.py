"""Right of access: the coordinator produces the PDF of everything held on one youth.

The PDF covers the identity row of the case asked for and its cases. Other cases whose
identity has the same name and birth date are listed by reference as possible duplicates,
not included; the coordinator ticks those they have checked are the same person
(casework.services.subject_access).
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from casework.models import Case
from casework.services.errors import ServiceError
from casework.services.subject_access import subject_access_candidates, subject_access_record
from permissions import archive
from privacy.dossier import youth_file
from privacy.pdf import render_subject_access_pdf

UNKNOWN_CANDIDATE = (
    "Cette situation ne fait pas partie des possibles doublons proposés : elle ne peut pas être incluse."
)


class SubjectAccessForm(forms.Form):
    """The possible duplicates the coordinator confirms: a choice among the candidates of the
    case asked for, and only them (any other value is an error)."""

    duplicates = forms.TypedMultipleChoiceField(
        label="Possibles doublons, non inclus",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": UNKNOWN_CANDIDATE, "invalid_list": UNKNOWN_CANDIDATE},
    )

    def __init__(self, *args, candidates: list[Case], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {c.pk: c for c in candidates}
        self.fields["duplicates"].choices = [
            (c.pk, f"{c.reference} – inclure : j'ai vérifié qu'il s'agit de la même personne")
            for c in candidates
        ]

    def confirmed(self) -> list[Case]:
        """The candidates ticked (after is_valid)."""
        return [self.candidates[pk] for pk in self.cleaned_data["duplicates"]]


@never_cache
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will be produced (no identity shown) and the possible duplicates, by
    reference only, none ticked. POST: the PDF, after logging its production; a value that
    is not a candidate re-displays the form with an error."""
    case = archive.get_subject_access_case(request.user, pk)
    candidates = list(subject_access_candidates(case).only("pk", "reference", "youth_id"))
    form = SubjectAccessForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        file = youth_file(case.youth, confirmed=form.confirmed())
        try:
            subject_access_record(case=case, cases=[f.case for f in file.cases], by=request.user)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            pdf = render_subject_access_pdf(file, produced_by=request.user, partnership=case.partnership)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="droit-acces-{case.reference}.pdf"'
            return response
    return render(request, "privacy/subject_access.html", {"case": case, "form": form})
