"""Forms of the charter, membership and disclosure screens. Rules live in the services."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from casework.models import Cell, Institution, Membership, Partnership, User
from casework.selectors import partnership_institutions
from permissions.disclosures import MAX_MONTHS, add_months, competent_institutions, default_end


class CharterAdoptForm(forms.Form):
    text = forms.CharField(label="Texte de la nouvelle version", widget=forms.Textarea(attrs={"rows": 14}))
    adopted_on = forms.DateField(
        label="Adoptée le",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


# The account picker lists this many accounts at most: a département holds
# thousands, a coordinator narrows them by name or e-mail first.
ACCOUNT_CHOICES_CAP = 30


def account_search(accounts, terms: str):
    """`accounts` whose name, e-mail or login contains every word of `terms`."""
    for term in terms.split():
        accounts = accounts.filter(
            Q(last_name__icontains=term)
            | Q(first_name__icontains=term)
            | Q(email__icontains=term)
            | Q(username__icontains=term)
        )
    return accounts


class CappedChoiceIterator(forms.models.ModelChoiceIterator):
    """The field's `offered` accounts (at most ACCOUNT_CHOICES_CAP), never its whole queryset.

    The queryset stays whole for validation (one lookup by primary key); only
    what the page lists is narrowed."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for account in self.field.offered:
            yield self.choice(account)

    def __len__(self):
        return len(self.field.offered) + (self.field.empty_label is not None)

    def __bool__(self):
        return True


class AccountChoiceField(forms.ModelChoiceField):
    iterator = CappedChoiceIterator
    offered: list = []


class MembershipStartForm(forms.Form):
    """Seat an account in a partnership. The accounts and institutions offered are
    those of the partnership's département(s): a coordinator does not browse the
    directory of every tenant (nor seats someone from another territory).

    `search` (the page's `compte` parameter) narrows the accounts listed to
    those matching it, ACCOUNT_CHOICES_CAP at most; `more_accounts` says that
    more match than are listed. The account posted is checked against the
    whole département, whatever the search."""

    user = AccountChoiceField(
        label="Compte",
        queryset=User.objects.none(),
        help_text="Agents des institutions du département du partenariat.",
    )
    role = forms.ChoiceField(label="Rôle", choices=Membership.Role.choices)
    cell = forms.ModelChoiceField(label="Cellule", queryset=Cell.objects.none(), required=False)
    institution = forms.ModelChoiceField(label="Au titre de", queryset=Institution.objects.none())

    def __init__(self, *args, partnership: Partnership, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        institutions = partnership_institutions(partnership.pk)
        self.fields["institution"].queryset = institutions
        accounts = User.objects.filter(is_active=True, institution__in=institutions).order_by(
            "last_name", "first_name", "pk"
        )
        self.search = search.strip()
        field = self.fields["user"]
        field.queryset = accounts
        offered = list(account_search(accounts, self.search)[: ACCOUNT_CHOICES_CAP + 1])
        self.more_accounts = len(offered) > ACCOUNT_CHOICES_CAP
        offered = offered[:ACCOUNT_CHOICES_CAP]
        chosen = self.data.get(self.add_prefix("user")) if self.is_bound else None
        if chosen and str(chosen).isdecimal() and int(chosen) not in {account.pk for account in offered}:
            # The account already chosen stays listed (first) when the form comes back with an error.
            offered = [*accounts.filter(pk=chosen), *offered][:ACCOUNT_CHOICES_CAP]
        field.offered = offered
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
