"""/hiring/ pages (included by blueprint.urls). The API lives in hiring.api.urls."""
from django.urls import path

from .views import calibration, candidates, openings, scorecard, summary

app_name = "hiring"
urlpatterns = [
    path("", openings.opening_list, name="openings"),
    path("openings/new/", openings.opening_new, name="opening_new"),
    path("openings/<int:pk>/", openings.opening_detail, name="opening"),
    path("openings/<int:pk>/repin/", openings.opening_repin, name="repin"),
    path("candidates/<int:pk>/", candidates.candidate_detail, name="candidate"),
    path("candidates/<int:pk>/summary/", summary.summary, name="summary"),
    # hiring.services.reminders links interviewers here by this name.
    path("scorecards/<int:pk>/", scorecard.scorecard, name="scorecard"),
    path("scorecards/<int:pk>/autosave/", scorecard.scorecard_autosave, name="scorecard_autosave"),
    path("scorecards/<int:pk>/amend/", scorecard.scorecard_amend, name="scorecard_amend"),
    path("calibration/", calibration.calibration_page, name="calibration"),
]
