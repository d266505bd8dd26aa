from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicateurs d'évaluation"

    def ready(self):
        from indicators import openapi  # noqa: F401  (registers the OpenAPI extension)
