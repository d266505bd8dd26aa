"""Forms of the charter, membership and disclosure screens. Rules live in the services."""

from django import forms
from django.utils import timezone

from casework.models import Cell, Institution, Membership, Partnership, User
from permissions.disclosures import MAX_MONTHS, add_months, competent_institutions, default_end


class CharterAdoptForm(forms.Form):
    text = forms.CharField(label="Texte de la nouvelle version", widget=forms.Textarea(attrs={"rows": 14}))
    adopted_on = forms.DateField(
        label="Adoptée le",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MembershipStartForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Compte", queryset=User.objects.filter(is_active=True).order_by("last_name")
    )
    role = forms.ChoiceField(label="Rôle", choices=Membership.Role.choices)
    cell = forms.ModelChoiceField(label="Cellule", queryset=Cell.objects.none(), required=False)
    institution = forms.ModelChoiceField(label="Au titre de", queryset=Institution.objects.order_by("name"))

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = partnership.cells.filter(is_active=True)
        self.fields["cell"].help_text = "Obligatoire pour un membre de cellule, vide pour les autres rôles."


class DisclosureForm(forms.Form):
    institution = forms.ModelChoiceField(
        label="Partager avec",
        queryset=Institution.objects.none(),
        help_text="Le parquet du ressort de la commune, ou les services PJJ et SPIP de son département.",
    )
    reason = forms.CharField(label="Motif du partage", max_length=300)
    ends_on = forms.DateField(
        label="Jusqu'au",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=f"6 mois par défaut, {MAX_MONTHS} mois au plus.",
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = competent_institutions(case)
        today = timezone.localdate()
        self.fields["ends_on"].initial = default_end(today)
        self.fields["ends_on"].widget.attrs["max"] = add_months(today, MAX_MONTHS).isoformat()
