"""Séance forms. The decision forms are the parcours task forms without their
date: a decision taken en séance is dated by the séance."""

from django import forms

from meetings.models import ReviewOutcome
from workflows.forms import ExamenBilanForm, ExamenForm


class SeanceForm(forms.Form):
    cell = forms.ModelChoiceField(label="Cellule de veille", queryset=None)
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Heure", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label="Lieu", max_length=200)

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells
        if cells.count() == 1:
            self.fields["cell"].initial = cells.first()


class RescheduleForm(forms.Form):
    day = forms.DateField(
        label="Nouvelle date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    at = forms.TimeField(label="Heure", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label="Lieu", max_length=200)


class AddCaseForm(forms.Form):
    reference = forms.CharField(label="Référence de la situation", max_length=20)


class SeanceExamenForm(ExamenForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["decided_on"]


class SeanceExamenBilanForm(ExamenBilanForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["examined_on"]


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Décision de la cellule", choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )


class InviteForm(forms.Form):
    """Choices are every member not yet invited, signed or not: the service
    refuses an unsigned one with a message that names the charter."""

    users = forms.MultipleChoiceField(
        label="Membres à convoquer", widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(row.user.pk): row.user for row in candidates}
        self.fields["users"].choices = [
            (str(row.user.pk), f"{row.user} – {row.membership.institution}") for row in candidates
        ]

    def chosen_users(self):
        return [self.candidates[pk] for pk in self.cleaned_data["users"]]
