"""/hiring/: the openings a user is part of; opening a requisition; one opening with its candidates."""
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.text import ascii_page_number
from hiring import permissions
from hiring.forms import CandidateForm, OpeningForm, add_service_errors
from hiring.models import DimensionRating, Opening, OpeningStatus, Scorecard, ScorecardStatus
from hiring.selectors import weighted_score
from hiring.services.openings import HiringError, add_candidate, blueprint_updated_since, open_opening, repin
from hiring.visibility import visible_scorecards

from . import opening_crumbs, require_hiring_member, visible_opening

PAGE_SIZE = 25


@login_required
def opening_list(request):
    require_hiring_member(request.user)
    status = request.GET.get("status", "")
    openings = (Opening.objects.filter(pk__in=permissions.openings_visible_to(request.user).values("pk"))
                .select_related("role", "version", "hiring_manager")
                .annotate(candidate_count=Count("candidates", distinct=True))
                .order_by("-created_at", "-pk"))
    total = openings.count()
    if status in OpeningStatus.values:
        openings = openings.filter(status=status)
    page = Paginator(openings, PAGE_SIZE).get_page(ascii_page_number(request.GET.get("page")))
    return render(request, "hiring/openings.html", {
        "page": page, "openings": page.object_list, "total": total, "status": status,
        "statuses": OpeningStatus.choices, "can_open": permissions.can_open(request.user), "nav": "hiring",
        "crumbs": [("Hiring", "")],
    })


@login_required
@require_http_methods(["GET", "POST"])
def opening_new(request):
    permissions.require(permissions.can_open(request.user), "Only hiring managers can open requisitions.")
    form = OpeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opening = open_opening(role=data["role"], by=request.user, title=data["title"],
                                   blind_mode=data["blind_mode"])
        except HiringError as exc:
            form.add_error("role", str(exc)[:1].upper() + str(exc)[1:])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Opened “{opening.title}”, pinned to v{opening.version.number} of the "
                                      f"{opening.role.title} blueprint. Add candidates next.")
            return redirect("hiring:opening", pk=opening.pk)
    return render(request, "hiring/opening_new.html", {
        "form": form, "nav": "hiring", "crumbs": [("Hiring", reverse("hiring:openings")), ("Open a requisition", "")],
    })


def _candidate_rows(opening: Opening, user, manager: bool) -> list:
    """The opening's candidates with interview and scorecard counts, and (for the manager) weighted scores."""
    now = timezone.now()
    candidates = list(opening.candidates.select_related("decision").annotate(
        planned=Count("interviews", distinct=True),
        done=Count("interviews", filter=Q(interviews__ends_at__lte=now), distinct=True),
        submitted=Count("interviews__scorecards", filter=Q(interviews__scorecards__status=ScorecardStatus.SUBMITTED),
                        distinct=True),
    ))
    if manager:
        pairs = defaultdict(list)
        cards = visible_scorecards(user).filter(interview__candidate__opening=opening,
                                                status=ScorecardStatus.SUBMITTED)
        for candidate_id, weight, rating in DimensionRating.objects.filter(scorecard__in=cards).values_list(
                "scorecard__interview__candidate_id", "dimension__weight", "rating"):
            pairs[candidate_id].append((weight, rating))
        for candidate in candidates:
            candidate.weighted_score = weighted_score(pairs[candidate.pk])
    else:
        mine = {candidate_id: (pk, status) for pk, candidate_id, status in Scorecard.objects.filter(
            interviewer=user, interview__candidate__opening=opening,
        ).values_list("pk", "interview__candidate_id", "status")}
        for candidate in candidates:
            candidate.my_card = mine.get(candidate.pk)
    return candidates


@login_required
@require_http_methods(["GET", "POST"])
def opening_detail(request, pk: int):
    opening = visible_opening(request.user, pk)
    manager = permissions.manages(request.user, opening)
    form = CandidateForm(request.POST or None) if manager else None
    if request.method == "POST":
        permissions.require(manager, "Only the opening's hiring manager can add candidates.")
        if form.is_valid():
            try:
                candidate = add_candidate(opening=opening, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Added {candidate.name}. Plan their interviews next.")
                return redirect("hiring:candidate", pk=candidate.pk)
    updated = blueprint_updated_since(opening)
    submitted_any = updated and Scorecard.objects.filter(interview__candidate__opening=opening,
                                                         status=ScorecardStatus.SUBMITTED).exists()
    return render(request, "hiring/opening_detail.html", {
        "opening": opening, "manager": manager, "form": form,
        "candidates": _candidate_rows(opening, request.user, manager),
        "dimensions": list(opening.version.scorecard.all()),
        "updated": updated, "can_repin": manager and updated and not submitted_any,
        "published": opening.role.published_version, "nav": "hiring", "crumbs": opening_crumbs(opening),
        "open_form": request.method == "POST",
    })


@login_required
@require_POST
def opening_repin(request, pk: int):
    opening = visible_opening(request.user, pk)
    permissions.require(permissions.manages(request.user, opening), "Only the opening's hiring manager can re-pin it.")
    old = opening.version.number
    try:
        opening = repin(opening=opening, by=request.user)
    except HiringError as exc:
        messages.error(request, str(exc)[:1].upper() + str(exc)[1:] + ".")
    else:
        messages.success(request, f"Re-pinned from v{old} to v{opening.version.number}. Draft scorecards and "
                                  "interview focus follow the new rubric.")
    return redirect("hiring:opening", pk=opening.pk)
