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
    """Seat an account in a partnership. The accounts and institutions offered are
    those of the partnership's département(s): a coordinator does not browse the
    directory of every tenant (nor seats someone from another territory)."""

    user = forms.ModelChoiceField(
        label="Compte",
        queryset=User.objects.none(),
        help_text="Agents des institutions du département du partenariat.",
    )
    role = forms.ChoiceField(label="Rôle", choices=Membership.Role.choices)
    cell = forms.ModelChoiceField(label="Cellule", queryset=Cell.objects.none(), required=False)
    institution = forms.ModelChoiceField(label="Au titre de", queryset=Institution.objects.none())

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        departements = partnership.communes.values("arrondissement__departement")
        institutions = Institution.objects.filter(departement__in=departements)
        self.fields["institution"].queryset = institutions.order_by("name")
        self.fields["user"].queryset = User.objects.filter(
            is_active=True, institution__in=institutions
        ).order_by("last_name", "first_name")
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
