from django.urls import path

from .views import dashboard, entry, hr, metric, rules

app_name = "kpis"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("metrics/<int:pk>/", metric.metric_detail, name="metric"),
    path("metrics/<int:pk>/rule/", rules.rule_edit, name="rule"),
    path("record/", entry.record_one, name="record"),
    path("upload/", entry.upload_csv, name="upload"),
    path("roles/<slug:slug>/", hr.role_matrix, name="role"),
    path("roles/<slug:slug>/rename/", rules.rename, name="rename"),
]
