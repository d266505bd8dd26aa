from django import forms

from notifications.models import EmailMode
from notifications.rules import RULES, Delays, default_days


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(
        label="Courriels de relance", choices=EmailMode.choices, widget=forms.RadioSelect
    )


DELAY_FIELDS = (
    ("deadline", "Délai (jours)"),
    ("alerte", "Alerte au coordonnateur après (jours)"),
    ("seance", "Inscription en séance après (jours)"),
)


class StallDelaysForm(forms.Form):
    """Three optional day counts per rule; empty means the default (shown as placeholder)."""

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        delays = Delays.load()
        self.rows = []
        for rule in RULES:
            row = {"rule": rule, "fields": []}
            for (key, label), step in zip(DELAY_FIELDS, rule.steps, strict=True):
                name = f"{rule.code}__{key}"
                current = delays.days(partnership.pk, step)
                default = default_days(step)
                self.fields[name] = forms.IntegerField(
                    label=f"{rule.label} – {label}",
                    required=False,
                    min_value=1,
                    max_value=3650,
                    initial=current if current != default else None,
                    widget=forms.NumberInput(attrs={"placeholder": default}),
                )
                row["fields"].append(self[name])
            self.rows.append(row)

    def values(self) -> dict[str, dict[str, int | None]]:
        return {
            rule.code: {key: self.cleaned_data[f"{rule.code}__{key}"] for key, _ in DELAY_FIELDS}
            for rule in RULES
        }
