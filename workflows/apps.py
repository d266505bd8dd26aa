from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Parcours"

    def ready(self) -> None:
        from workflows import receivers  # noqa: F401  (connects the receivers)
