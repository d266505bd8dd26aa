from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz
from workflows.site import home, site

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("privacy.urls")),
    path("indicateurs/", include("indicators.urls")),
    path("api/v1/indicators/", include("indicators.api_urls")),
    path("", home, name="home"),
    path("app/", site.urls),
    path("confidentialite/", include("permissions.urls")),
    path("api/v1/", include("permissions.api.urls")),
    # The schema documents shapes only (no data): public, like the code.
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "api/docs/",
        # The split view serves its init script as a file: no inline script for the CSP.
        login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]
