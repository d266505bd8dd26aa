"""One form per task of the parcours. French labels and messages; the
services re-check every rule (forms only make errors friendlier)."""

from django import forms
from django.utils import timezone

from casework.models import (
    Bilan,
    CddfReferral,
    Commune,
    Decision,
    Institution,
    PersonInformation,
    RappelALOrdre,
)
from casework.models.codes import (
    Adhesion,
    ClassementReason,
    ClosureReason,
    ContactType,
    Domain,
    Motif,
    Orientation,
    PlanMeasure,
    Profil,
    Situation,
)
from casework.models.youth import Youth
from casework.selectors import institutions_of_departements_of, partnership_institutions

NOTE_WARNING = (
    "Ne notez ni information de santé ou diagnostic, ni opinion ou appréciation personnelle : "
    "seulement des faits utiles au suivi. Le jeune et sa famille peuvent demander à lire ce dossier."
)
YES_NO_UNKNOWN = [("", "Non renseigné"), ("true", "Oui"), ("false", "Non")]


def _date(label, **kwargs):
    # ISO format: what <input type="date"> accepts, whatever the locale.
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


def _yes_no(label):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        coerce=lambda v: v == "true",
        empty_value=None,
        required=False,
    )


def _closure_choices():
    # Not offered: the classement (a decision of the examen, not a closure) and
    # "25 ans atteints", which the retention job records at the 25th birthday.
    hidden = (ClosureReason.CLASSEMENT, ClosureReason.AGE_LIMITE)
    return [("", "—")] + [(c.value, c.label) for c in ClosureReason if c not in hidden]


class SignalementForm(forms.Form):
    """A signalement into one of `cells` (a Cell queryset: those the user may
    signal into). The communes offered are those of these cells; the source
    institutions, those of the département(s) of their partnerships, by name.
    A choice outside them, posted by hand, is refused as an invalid choice."""

    cell = forms.ModelChoiceField(label="Cellule de veille", queryset=None)
    last_name = forms.CharField(label="Nom", max_length=100)
    first_name = forms.CharField(label="Prénom", max_length=100)
    birth_date = _date("Date de naissance")
    sex = forms.ChoiceField(label="Sexe", choices=Youth.Sex.choices)
    commune = forms.ModelChoiceField(label="Commune de résidence", queryset=None)
    source_institution = forms.ModelChoiceField(
        label="Institution à l'origine du signalement", queryset=Institution.objects.none()
    )
    motifs = forms.MultipleChoiceField(
        label="Motifs de repérage", choices=Motif.choices, widget=forms.CheckboxSelectMultiple
    )
    profil = forms.ChoiceField(label="Profil", choices=Profil.choices)
    plan_measure = forms.ChoiceField(label="Mesure du plan", choices=PlanMeasure.choices)
    signaled_on = _date("Date du signalement", initial=timezone.localdate)
    confirm_duplicate = forms.BooleanField(
        label="Je confirme qu'il s'agit d'une nouvelle situation malgré le dossier ouvert signalé ci-dessus",
        required=False,
    )

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells
        self.fields["commune"].queryset = Commune.objects.filter(cells__in=cells).distinct()
        # The partnerships' communes, not the cells': an institution seated in the
        # partnership may signal into any of its cells, whichever département
        # the cell's own communes lie in (a CISPD may straddle two).
        self.fields["source_institution"].queryset = institutions_of_departements_of(
            Commune.objects.filter(partnerships__cells__in=cells)
        )
        if cells.count() == 1:
            self.fields["cell"].initial = cells.first()


class ExamenForm(forms.Form):
    """The cell's decision on `case`. The pilot institutions offered are those
    of the département(s) of the case's partnership, by name: the institutions
    that may hold a seat in it (as in MembershipStartForm), whatever the
    youth's commune. A choice outside them, posted by hand, is refused as an
    invalid choice.

    Without `case`, no pilot institution is offered (and any posted is
    refused): a caller that forgets the case must not list every tenant's
    directory."""

    kind = forms.ChoiceField(
        label="Décision de la cellule", choices=Decision.Kind.choices, widget=forms.RadioSelect
    )
    orientations = forms.MultipleChoiceField(
        label="Orientations (une ou plusieurs)",
        choices=Orientation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    classement_reason = forms.ChoiceField(
        label="Motif du classement", choices=[("", "—"), *ClassementReason.choices], required=False
    )
    pilot_institution = forms.ModelChoiceField(
        label="Institution pilote", queryset=Institution.objects.none(), required=False
    )
    decided_on = _date("Date de la décision", initial=timezone.localdate)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            # partnership_id, not partnership: no query to load the partnership.
            self.fields["pilot_institution"].queryset = partnership_institutions(case.partnership_id)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Decision.Kind.CLASSEMENT:
            if data.get("orientations"):
                self.add_error("orientations", "Un classement ne comporte pas d'orientation.")
            if not data.get("classement_reason"):
                self.add_error("classement_reason", "Indiquez le motif du classement.")
        elif data.get("kind") == Decision.Kind.ORIENTATION and not data.get("orientations"):
            self.add_error("orientations", "Choisissez au moins une orientation.")
        return data


class RappelForm(forms.Form):
    covered_by_protocol = forms.BooleanField(
        label="Faits couverts par le protocole parquet–commune et ne constituant pas une infraction",
        required=False,
    )
    planned_on = _date("Date prévue de la convocation", required=False)
    held_on = _date("Date à laquelle le rappel a été prononcé", required=False)
    elu = forms.CharField(label="Élu qui l'a prononcé", max_length=150, required=False)
    parents_present = _yes_no("Parents ou représentant légal présents (obligatoire pour un mineur)")
    parents_absence_reason = forms.CharField(
        label="Motif de l'absence des parents (impossibilité)", max_length=200, required=False
    )
    outcome = forms.ChoiceField(
        label="Issue", choices=RappelALOrdre.Outcome.choices, widget=forms.RadioSelect
    )


class CddfForm(forms.Form):
    saisine_on = _date("Date de saisine du CDDF")
    hearing_on = _date("Date d'audition de la famille", required=False)
    recommendations = _yes_no("Recommandations faites à la famille")
    accompagnement = forms.ChoiceField(
        label="Accompagnement parental", choices=CddfReferral.Accompagnement.choices
    )
    attestation_on = _date("Attestation remise le", required=False)
    aesf_proposed = forms.BooleanField(
        label="Saisine du président du conseil départemental proposée (AESF)", required=False
    )


class DesignateForm(forms.Form):
    referent = forms.ModelChoiceField(label="Référent", queryset=None)
    designated_on = _date("Date de la désignation", initial=timezone.localdate)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = candidates
        self.fields["referent"].label_from_instance = lambda u: f"{u.get_full_name()} – {u.institution}"


class AcceptForm(forms.Form):
    """Acceptance (recording at the same time the information of the person when
    not done yet), or refusal with its reason: the cell then designates someone else."""

    ACCEPT, DECLINE = "accepter", "refuser"

    decision = forms.ChoiceField(
        label="Votre réponse",
        choices=[(ACCEPT, "J'accepte d'être référent de ce jeune"), (DECLINE, "Je refuse la désignation")],
        initial=ACCEPT,
        required=False,  # left out (older clients, the demo): acceptance
        widget=forms.RadioSelect,
    )
    accepted_on = _date("À compter du", initial=timezone.localdate, required=False)
    informed_on = _date(
        "Le jeune (et, s'il est mineur, ses parents) a été informé du suivi le",
        required=False,
        help_text="À remplir si l'information n'est pas encore enregistrée dans la situation.",
    )
    information_channel = forms.ChoiceField(
        label="Moyen d'information", choices=[("", "—"), *PersonInformation.Channel.choices], required=False
    )
    information_adhesion = forms.ChoiceField(
        label="Réponse à la proposition de suivi",
        choices=[("", "—"), *PersonInformation.Adhesion.choices],
        required=False,
    )
    not_informed_addressee = forms.ChoiceField(
        label="Personne qui ne peut pas ou ne doit pas être informée",
        choices=[("", "—"), *PersonInformation.Addressee.choices],
        required=False,
        help_text="Par exemple : parents injoignables, information contraire à l'intérêt du jeune. "
        "Les autres personnes à informer le sont à la date ci-dessus.",
    )
    not_informed_reason = forms.CharField(
        label="Pourquoi",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Sans nom ni détail de santé. " + NOTE_WARNING,
    )
    decline_reason = forms.CharField(
        label="Motif du refus",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : charge de suivis, conflit d'intérêts, jeune déjà connu dans un autre cadre. "
        + NOTE_WARNING,
    )

    def clean(self):
        data = super().clean()
        data["decision"] = data.get("decision") or self.ACCEPT
        if data["decision"] == self.DECLINE:
            if not (data.get("decline_reason") or "").strip():
                self.add_error("decline_reason", "Indiquez le motif du refus.")
            return data
        if not data.get("accepted_on"):
            self.add_error("accepted_on", "Indiquez la date à compter de laquelle vous acceptez.")
        if data.get("informed_on"):
            for name in ("information_channel", "information_adhesion"):
                if not data.get(name):
                    self.add_error(name, "Précisez-le pour enregistrer l'information.")
        reason = (data.get("not_informed_reason") or "").strip()
        if data.get("not_informed_addressee") and not reason:
            self.add_error("not_informed_reason", "Indiquez pourquoi cette personne n'est pas informée.")
        elif reason and not data.get("not_informed_addressee"):
            self.add_error("not_informed_addressee", "Indiquez qui ne peut pas être informé.")
        return data


class BilanForm(forms.Form):
    period_start = _date("Début de la période")
    period_end = _date("Fin de la période", initial=timezone.localdate)
    adhesion = forms.ChoiceField(label="Adhésion du jeune", choices=Adhesion.choices)
    situation = forms.ChoiceField(label="Situation actuelle", choices=Situation.choices)
    new_facts = forms.BooleanField(label="Faits nouveaux pendant la période", required=False)
    recommendation = forms.ChoiceField(label="Préconisation", choices=Bilan.Recommendation.choices)
    presented_on = _date("Bilan remis le", initial=timezone.localdate)
    text = forms.CharField(
        label="Observations (facultatif)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=NOTE_WARNING,
    )


class ExamenBilanForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Décision de la cellule", choices=Bilan.CellDecision.choices, widget=forms.RadioSelect
    )
    closure_reason = forms.ChoiceField(label="Motif de clôture", choices=_closure_choices, required=False)
    next_due_on = _date("Prochain bilan attendu le (prolongation)", required=False)
    examined_on = _date("Date de l'examen", initial=timezone.localdate)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Bilan.CellDecision.CLORE and not data.get("closure_reason"):
            self.add_error("closure_reason", "Indiquez le motif de clôture.")
        if data.get("outcome") == Bilan.CellDecision.PROLONGER and not data.get("next_due_on"):
            self.add_error("next_due_on", "Indiquez la nouvelle échéance du bilan.")
        return data


class ContactForm(forms.Form):
    occurred_on = _date("Date", initial=timezone.localdate)
    contact_type = forms.ChoiceField(label="Type de contact ou d'action", choices=ContactType.choices)
    domain = forms.ChoiceField(label="Domaine", choices=Domain.choices)
    adhesion = forms.ChoiceField(label="Adhésion du jeune", choices=Adhesion.choices)
    note = forms.CharField(
        label="Note (facultative)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=NOTE_WARNING,
    )
