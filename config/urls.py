from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

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
]
