"""/api/v1/ routes of the kpis app (included by blueprint.api)."""
from django.urls import path

from . import views

app_name = "kpis_api"
urlpatterns = [
    path("metrics/", views.MetricList.as_view(), name="metric-list"),
    path("measurements/", views.MeasurementList.as_view(), name="measurement-list"),
    path("rollups/", views.RollupList.as_view(), name="rollup-list"),
]
