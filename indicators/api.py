"""GET /api/v1/indicators/: a report as JSON, masked like the dashboard.

Filters: `period` (2026, 2026-S1, 2026-03; default: the current year),
`territory` (departement:<code>, arrondissement:<id>, partnership:<id>,
cell:<id>; default: the reader's own), `group_by` (profil, age_band, sex,
orientation; also month, cell, partnership). Unauthenticated: 401; not a
coordinator nor the préfecture: 403; territory outside the reader's scope:
404; malformed filter: 400.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators.access import NOT_ENTITLED, scope_for
from indicators.query import QueryError, parse_query
from indicators.report import published_report


class FigureSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["count", "median", "percent"])
    unit = serializers.CharField()
    dimension = serializers.CharField(allow_null=True)
    group = serializers.CharField(allow_null=True)
    group_label = serializers.CharField()
    dimension_label = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="null quand la valeur est masquée ou indéfinie")
    suppressed = serializers.BooleanField()
    display = serializers.CharField(help_text="valeur affichée, « < 5 » si masquée")


class ReportSerializer(serializers.Serializer):
    territory = serializers.DictField()
    period = serializers.DictField()
    group_by = serializers.CharField(allow_null=True)
    suppression_threshold = serializers.IntegerField()
    results = FigureSerializer(many=True)


class IndicatorsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Indicateurs agrégés d'un territoire sur une période",
        parameters=[
            OpenApiParameter("period", str, description="2026, 2026-S1 ou 2026-03 (défaut : année en cours)"),
            OpenApiParameter(
                "territory",
                str,
                description="departement:<code>, arrondissement:<id>, partnership:<id> ou cell:<id>",
            ),
            OpenApiParameter(
                "group_by",
                str,
                enum=["profil", "age_band", "sex", "orientation", "month", "cell", "partnership"],
            ),
        ],
        responses=ReportSerializer,
    )
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        if scope is None:
            raise PermissionDenied(NOT_ENTITLED)
        try:
            query = parse_query(scope, request.query_params)
        except QueryError as error:
            raise ValidationError({"detail": str(error)}) from None
        report = published_report(query.territory, query.period, query.group_by, series=False, split=False)
        territory, period = report.territory, report.period
        payload = {
            "territory": {"spec": territory.spec, "kind": territory.kind, "label": territory.label},
            "period": {
                "code": period.code,
                "label": period.label,
                "start": period.start.isoformat(),
                "end": period.last_day.isoformat(),
            },
            "group_by": query.group_by,
            "suppression_threshold": report.threshold,
            "results": report.records(),
        }
        # Values stay as computed (integers for counts); the serializer documents the schema.
        return Response(payload)
