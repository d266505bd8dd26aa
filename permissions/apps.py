from django.apps import AppConfig


class PermissionsConfig(AppConfig):
    name = "permissions"
    verbose_name = "Charte et habilitations"

    def ready(self) -> None:
        from permissions import signals  # noqa: F401  (connects the receivers)
