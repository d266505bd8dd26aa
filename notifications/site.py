"""The "Relances" application of the viewflow site (drawer menu): notifications,
dashboard of stalled cases, email preferences, rule delays."""

from django.urls import path
from viewflow.urls import Application

from notifications.views import dashboard, inbox, rules


class RelancesApp(Application):
    title = "Relances"
    icon = "notifications"
    app_name = "relances"
    menu_template_name = "notifications/includes/app_menu.html"
    # Every signed-in user has notifications; each page scopes what it shows.
    permission = staticmethod(lambda user: user.is_authenticated)

    index_path = path("", inbox.notification_list, name="index")
    open_path = path("<int:pk>/", inbox.notification_open, name="open")
    mark_read_path = path("lues/", inbox.notification_mark_read, name="mark_read")
    preferences_path = path("preferences/", inbox.preferences, name="preferences")
    dashboard_path = path("tableau-de-bord/", dashboard.dashboard, name="dashboard")
    rules_path = path("regles/", rules.stall_rules, name="rules")
