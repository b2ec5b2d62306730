"""/hiring/candidates/<id>/: a candidate's details and interview plan; the hiring manager plans interviews."""
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hiring import permissions
from hiring.forms import InterviewForm, add_service_errors
from hiring.models import Scorecard
from hiring.services.openings import plan_interview
from hiring.visibility import visible_scorecards

from . import candidate_crumbs, visible_candidate


def _default_slot() -> dict:
    """Tomorrow 10:00–11:00 local time, a sensible first suggestion."""
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return {"starts_at": start, "ends_at": start + timedelta(hours=1)}


@login_required
@require_http_methods(["GET", "POST"])
def candidate_detail(request, pk: int):
    candidate = visible_candidate(request.user, pk)
    opening = candidate.opening
    manager = permissions.manages(request.user, opening)
    form = None
    if manager:
        form = InterviewForm(request.POST or None, version_id=opening.version_id, initial=_default_slot())
    if request.method == "POST":
        permissions.require(manager, "Only the opening's hiring manager can plan interviews.")
        if form.is_valid():
            try:
                interview = plan_interview(candidate=candidate, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Planned “{interview.stage_name}” with "
                                          f"{interview.interviewer.get_full_name() or interview.interviewer}. "
                                          "Their draft scorecard is ready for them.")
                return redirect("hiring:candidate", pk=candidate.pk)
    interviews = list(candidate.interviews.select_related("interviewer").prefetch_related(
        "focus_dimensions",
        Prefetch("scorecards", queryset=Scorecard.objects.only("pk", "status", "interview_id", "interviewer_id",
                                                               "recommendation", "submitted_at"))))
    # Everyone sees each card's status; only the cards they may read link to them (drafts: their interviewer's).
    readable = set(visible_scorecards(request.user, candidate=candidate).values_list("pk", flat=True))
    for interview in interviews:
        interview.card = next(iter(interview.scorecards.all()), None)
        interview.readable = interview.card is not None and interview.card.pk in readable
        interview.mine = interview.interviewer_id == request.user.pk
    return render(request, "hiring/candidate_detail.html", {
        "candidate": candidate, "opening": opening, "manager": manager, "form": form, "interviews": interviews,
        "decision": getattr(candidate, "decision", None), "now": timezone.now(), "nav": "hiring",
        "crumbs": candidate_crumbs(candidate), "open_form": request.method == "POST" or not interviews,
    })
