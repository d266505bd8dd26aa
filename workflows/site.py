"""The application's frontend (viewflow Material): the cases app and the parcours app."""

from django.shortcuts import redirect, render
from django.urls import path
from django.views.generic import RedirectView
from viewflow.urls import Application, Site

from indicators.access import may_read_indicators
from meetings.site import SeancesApp
from notifications.site import RelancesApp
from permissions import roles
from permissions.access import coordinates_any
from permissions.charter_report import may_read_charter_report
from workflows.flows import CaseFlow
from workflows.views.cases import CaseDetailView, CaseJournalView, CaseListView, ContactCreateView
from workflows.views.flow import CaseFlowAppViewset


class CasesApp(Application):
    title = "Situations"
    icon = "folder_shared"
    app_name = "situations"
    menu_template_name = "workflows/includes/cases_menu.html"
    permission = staticmethod(roles.can_use_workflow)

    index_path = path("", CaseListView.as_view(), name="index")
    detail_path = path("<int:pk>/", CaseDetailView.as_view(), name="detail")
    journal_path = path("<int:pk>/journal/", CaseJournalView.as_view(), name="journal")
    contact_path = path("<int:pk>/contact/", ContactCreateView.as_view(), name="contact")


class IndicatorsApp(Application):
    """Drawer entry to the aggregate dashboard (its own page, outside the Material frame)."""

    title = "Indicateurs"
    icon = "insights"
    app_name = "indicateurs"
    permission = staticmethod(may_read_indicators)

    index_path = path("", RedirectView.as_view(pattern_name="indicators:dashboard"), name="index")


def privacy_index(request):
    """The entry page of the menu: links only; each target page checks its own access."""
    return render(request, "workflows/privacy_index.html", {"entries": PrivacyApp.entries})


class PrivacyApp(Application):
    """Drawer entry for coordinators: charter and members, archives, purge
    reports, break-the-glass review, annual charter report (pages of
    `permissions` and `privacy`)."""

    title = "Confidentialité"
    icon = "verified_user"
    app_name = "confidentialite"
    menu_template_name = "workflows/includes/privacy_menu.html"
    permission = staticmethod(coordinates_any)
    entries = [
        ("permissions:index", "gavel", "Charte et membres"),
        ("privacy:archive_list", "inventory_2", "Archives intermédiaires"),
        ("privacy:breakglass_review", "lock_open", "Bris de glace"),
        ("privacy:purge_reports", "delete_sweep", "Rapports de purge"),
        ("privacy:charter_report", "fact_check", "Rapport annuel de la charte"),
    ]

    index_path = path("", privacy_index, name="index")


class CharterReportApp(Application):
    """Drawer entry to the annual charter report (a privacy page) for its readers:
    coordinators, DPOs and the préfecture, who has no other privacy page."""

    title = "Rapport de la charte"
    icon = "fact_check"
    app_name = "rapport-charte"
    permission = staticmethod(may_read_charter_report)

    index_path = path("", RedirectView.as_view(pattern_name="privacy:charter_report"), name="index")


site = Site(
    title="Veille jeunes",
    viewsets=[
        CasesApp(),
        CaseFlowAppViewset(CaseFlow, icon="assignment", title="Parcours"),
        SeancesApp(),
        RelancesApp(),
        PrivacyApp(),
        CharterReportApp(),
        IndicatorsApp(),
    ],
)


def home(request):
    """ "/": the case list, except for readers of aggregates only (préfecture), who
    have no case to see and land on the indicators."""
    if not roles.can_signal(request.user) and may_read_indicators(request.user):
        return redirect("indicators:dashboard")
    return redirect("situations:index")
