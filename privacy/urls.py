from django.urls import path

from privacy.views import archive, breakglass, charter_report, reports, subject_access, twofactor

app_name = "privacy"

urlpatterns = [
    path("compte/double-authentification/configuration/", twofactor.setup, name="twofactor_setup"),
    path("compte/double-authentification/verification/", twofactor.verify, name="twofactor_verify"),
    path("archives/", archive.archive_list, name="archive_list"),
    path("archives/<int:pk>/", archive.archive_open, name="archive_open"),
    path("situations/<int:pk>/droit-d-acces/", subject_access.subject_access, name="subject_access"),
    path("rapports-de-purge/", reports.purge_reports, name="purge_reports"),
    path("rapport-annuel-charte/", charter_report.charter_report, name="charter_report"),
    path("situations/<int:pk>/bris-de-glace/", breakglass.request_access, name="breakglass_request"),
    path("bris-de-glace/", breakglass.review, name="breakglass_review"),
    path("bris-de-glace/<int:pk>/decision/", breakglass.decide, name="breakglass_decide"),
    path("bris-de-glace/<int:pk>/retrait/", breakglass.revoke, name="breakglass_revoke"),
]
