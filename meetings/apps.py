from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Séances des cellules de veille"

    def ready(self) -> None:
        from meetings import receivers  # noqa: F401  (connects the receivers)
