"""/api/v1/ routes of the hiring app (included by blueprint.api)."""
from django.urls import path

from . import views

app_name = "hiring_api"
urlpatterns = [
    path("openings/", views.OpeningList.as_view(), name="opening-list"),
    path("openings/<int:pk>/", views.OpeningDetail.as_view(), name="opening-detail"),
    path("candidates/", views.CandidateList.as_view(), name="candidate-list"),
    path("candidates/<int:pk>/", views.CandidateDetail.as_view(), name="candidate-detail"),
    path("candidates/<int:pk>/summary/", views.CandidateSummary.as_view(), name="candidate-summary"),
    path("interviews/", views.InterviewList.as_view(), name="interview-list"),
    path("interviews/<int:pk>/", views.InterviewDetail.as_view(), name="interview-detail"),
    path("scorecards/", views.ScorecardList.as_view(), name="scorecard-list"),
    path("scorecards/<int:pk>/", views.ScorecardDetail.as_view(), name="scorecard-detail"),
    path("scorecards/<int:pk>/submit/", views.ScorecardSubmit.as_view(), name="scorecard-submit"),
]
