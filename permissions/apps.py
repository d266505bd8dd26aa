from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PermissionsConfig(AppConfig):
    name = "permissions"
    verbose_name = "Charte et habilitations"

    def ready(self) -> None:
        from permissions import signals  # noqa: F401  (connects the receivers)
        from permissions.visibility import forget_permission_ids

        # Migrations and test flushes recreate the permission rows (new ids).
        post_migrate.connect(forget_permission_ids, dispatch_uid="permissions.forget_permission_ids")
