from django.urls import path

from notifications.views import dashboard, inbox, rules

app_name = "notifications"

urlpatterns = [
    path("", inbox.notification_list, name="list"),
    path("<int:pk>/", inbox.notification_open, name="open"),
    path("lues/", inbox.notification_mark_read, name="mark_read"),
    path("preferences/", inbox.preferences, name="preferences"),
    path("tableau-de-bord/", dashboard.dashboard, name="dashboard"),
    path("regles/", rules.stall_rules, name="rules"),
]
