"""Serializers that document the API's shapes (OpenAPI); the data comes from `presentation`.

A case's keys depend on its representation, so every field below except
`id`, `reference`, `representation` and `status` is optional: it is present
only when the representation shows its section (`permissions.representations`).
"""

from rest_framework import serializers

from casework.models import Case, JournalEntry
from notifications.rules import RULE_CHOICES
from permissions.api.presentation import DETAIL_JOURNAL_PREVIEW, JOURNAL_PAGE_SIZE, LIST_JOURNAL_PREVIEW
from permissions.models import AccessLog
from permissions.visibility import Representation


class YouthSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.CharField()


class NamedSerializer(serializers.Serializer):
    name = serializers.CharField()


class JournalEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    occurred_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=JournalEntry.Kind.choices)
    summary = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    contact_type = serializers.CharField(allow_blank=True)
    domain = serializers.CharField(allow_blank=True)
    adhesion = serializers.CharField(allow_blank=True)
    note = serializers.CharField(required=False, help_text="Texte libre : seulement pour `full`.")


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    representation = serializers.ChoiceField(choices=[r.value for r in Representation])
    status = serializers.ChoiceField(choices=Case.Status.choices)
    youth = YouthSerializer(required=False, allow_null=True, help_text="Sections identité.")
    age_at_signalement = serializers.IntegerField(required=False)
    age = serializers.IntegerField(required=False, allow_null=True)
    commune = serializers.DictField(required=False)
    cell = serializers.DictField(required=False)
    motifs = serializers.ListField(child=serializers.CharField(), required=False)
    profil = serializers.CharField(required=False)
    plan_measure = serializers.CharField(required=False)
    source_institution = serializers.CharField(required=False)
    signaled_by = serializers.CharField(required=False, allow_null=True)
    signaled_on = serializers.DateField(required=False)
    examined_on = serializers.DateField(required=False, allow_null=True)
    closed_on = serializers.DateField(required=False, allow_null=True)
    closure_reason = serializers.CharField(required=False)
    orientations = serializers.ListField(child=serializers.CharField(), required=False)
    measures = serializers.DictField(required=False, help_text="Rappels à l'ordre, CDDF, désignations.")
    overdue = serializers.BooleanField(required=False)
    stalled = serializers.BooleanField(
        required=False, help_text="Situation bloquée (au moins un motif ouvert), avec la section `overdue`."
    )
    stalled_reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=RULE_CHOICES),
        required=False,
        help_text="Codes des motifs de blocage ouverts, le plus ancien d'abord.",
    )
    referent = serializers.DictField(required=False, allow_null=True)
    bilans = serializers.ListField(child=serializers.DictField(), required=False)
    journal = JournalEntrySerializer(
        many=True,
        required=False,
        help_text=f"Présent seulement pour `full` : les dernières entrées ({LIST_JOURNAL_PREVIEW} dans une "
        f"liste, {DETAIL_JOURNAL_PREVIEW} dans le détail), de la plus ancienne à la plus récente ; "
        "le journal entier est paginé à `journal_url`.",
    )
    journal_total = serializers.IntegerField(
        required=False, help_text="Nombre total d'entrées du journal lisibles, avec la section `journal`."
    )
    journal_url = serializers.URLField(
        required=False,
        help_text=f"Journal entier, {JOURNAL_PAGE_SIZE} entrées par page, la plus récente d'abord ; "
        "avec la section `journal`.",
    )
    disclosures = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="Présent seulement pour `full`."
    )


class AccessLogSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    institution = serializers.SerializerMethodField()

    class Meta:
        model = AccessLog
        fields = ["at", "user", "institution", "representation", "channel", "reason"]

    def get_user(self, row: AccessLog) -> str | None:
        return str(row.user) if row.user else None

    def get_institution(self, row: AccessLog) -> str | None:
        return str(row.user.institution) if row.user and row.user.institution else None
