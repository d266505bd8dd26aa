"""/api/v1/ — DRF authenticates these views itself (token or session): LoginRequiredMiddleware,
which would redirect API clients to the HTML login page, is switched off for them."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from permissions.api import views
from permissions.api.auth import TokenView

app_name = "api"

urlpatterns = [
    path("auth/token/", login_not_required(TokenView.as_view()), name="token"),
    path("cases/", login_not_required(views.CaseList.as_view()), name="case-list"),
    path("cases/<int:pk>/", login_not_required(views.CaseDetail.as_view()), name="case-detail"),
    path("cases/<int:pk>/journal/", login_not_required(views.CaseJournal.as_view()), name="case-journal"),
    path(
        "cases/<int:pk>/access-log/",
        login_not_required(views.CaseAccessLog.as_view()),
        name="case-access-log",
    ),
]
