from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Web layer of data protection: 2FA pages, archive access, break-the-glass,
    purge reports, right of access. The rules live in casework.services and
    permissions; these views only call them."""

    name = "privacy"
    verbose_name = "Protection des données"
