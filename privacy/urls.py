from django.urls import path

from privacy.views import twofactor

app_name = "privacy"

urlpatterns = [
    path("compte/double-authentification/configuration/", twofactor.setup, name="twofactor_setup"),
    path("compte/double-authentification/verification/", twofactor.verify, name="twofactor_verify"),
]
