from django.contrib.auth.decorators import login_not_required
from django.urls import path

from indicators.api import IndicatorsView

# DRF authenticates (token or session) and answers 401 itself.
urlpatterns = [path("", login_not_required(IndicatorsView.as_view()), name="api-indicators")]
