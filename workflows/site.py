"""The application's frontend (viewflow Material): the cases app and the parcours app."""

from django.urls import path
from django.views.generic import RedirectView
from viewflow.urls import Application, Site

from meetings.site import SeancesApp
from notifications.site import RelancesApp
from permissions import roles
from workflows.flows import CaseFlow
from workflows.views.cases import CaseDetailView, CaseListView, ContactCreateView
from workflows.views.flow import CaseFlowAppViewset


class CasesApp(Application):
    title = "Situations"
    icon = "folder_shared"
    app_name = "situations"
    menu_template_name = "workflows/includes/cases_menu.html"
    permission = staticmethod(roles.can_use_workflow)

    index_path = path("", CaseListView.as_view(), name="index")
    detail_path = path("<int:pk>/", CaseDetailView.as_view(), name="detail")
    contact_path = path("<int:pk>/contact/", ContactCreateView.as_view(), name="contact")


site = Site(
    title="Veille jeunes",
    viewsets=[
        CasesApp(),
        CaseFlowAppViewset(CaseFlow, icon="assignment", title="Parcours"),
        SeancesApp(),
        RelancesApp(),
    ],
)

# "/" lands on the case list.
home = RedirectView.as_view(pattern_name="situations:index")
