"""Openings, candidates, interviews and scorecards through the API: reads scoped by hiring.api.access,
writes through hiring.services. Domain errors become HTTP here, once (HiringAPIView)."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common.text import ascii_digits
from hiring import permissions
from hiring.models import ScorecardAmendment
from hiring.selectors import candidate_summary, scorecards_with_ratings
from hiring.services.openings import HiringError
from hiring.services.scorecards import RatingInput, save_draft, submit
from hiring.visibility import visible_scorecards

from . import access
from .serializers import (CandidateSerializer, InterviewSerializer, OpeningSerializer, ScorecardSerializer,
                          ScorecardWriteSerializer)


class Conflict(APIException):
    """The object's state forbids the action (a submitted scorecard edited, an interview not started …)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class HiringAPIView(APIView):
    """Maps the hiring services' errors: ValidationError → 400 naming the field, HiringError → 409.
    (django PermissionDenied → 403 is done by the project's exception handler.)"""

    permission_classes = [access.HiringMember]

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
        elif isinstance(exc, HiringError):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    if not value:
        return None
    if not ascii_digits(value):
        raise ValidationError({name: f"expected an id in the digits 0–9, got {value!r}"})
    return int(value)


# ---------- Openings ----------

def _openings(user):
    return (access.openings(user).select_related("role", "version", "hiring_manager")
            .annotate(candidate_count=Count("candidates", distinct=True)).order_by("-created_at", "-pk"))


class OpeningList(HiringAPIView, generics.ListAPIView):
    """GET /api/v1/openings/ — the openings the requester manages or interviews for (all for admins)."""

    serializer_class = OpeningSerializer

    def get_queryset(self):
        return _openings(self.request.user)


class OpeningDetail(HiringAPIView, generics.RetrieveAPIView):
    serializer_class = OpeningSerializer

    def get_queryset(self):
        return _openings(self.request.user)


# ---------- Candidates ----------

def _candidates(user):
    return access.candidates(user).select_related("decision__decided_by").order_by("opening_id", "name", "pk")


class CandidateList(HiringAPIView, generics.ListAPIView):
    """GET /api/v1/candidates/?opening=<id> — candidates of the openings whose hiring team the requester is on."""

    serializer_class = CandidateSerializer

    def get_queryset(self):
        candidates = _candidates(self.request.user)
        opening = _int_param(self.request, "opening")
        return candidates if opening is None else candidates.filter(opening_id=opening)


class CandidateDetail(HiringAPIView, generics.RetrieveAPIView):
    serializer_class = CandidateSerializer

    def get_queryset(self):
        return _candidates(self.request.user)


class CandidateSummary(HiringAPIView):
    """GET /api/v1/candidates/<id>/summary/ — the panel matrix, weighted score, spread, red flags and tally.
    For the opening's hiring manager and admins; 403 for its interviewers, 404 for everybody else."""

    def get(self, request, pk: int):
        candidate = access.candidates(request.user).select_related("opening").filter(pk=pk).first()
        if candidate is None:
            raise NotFound(f"no candidate with the id {pk}")
        permissions.require(permissions.manages(request.user, candidate.opening),
                            "the candidate summary is for the opening's hiring manager")
        data = candidate_summary(candidate, user=request.user)
        who = {card.pk: card.interviewer.get_username() for card in data.cards}
        return Response({
            "candidate": {"id": candidate.pk, "name": candidate.name, "opening": candidate.opening_id},
            "weighted_score": data.weighted_score,
            "scorecards": [{"id": card.pk, "interviewer": who[card.pk], "stage_name": card.interview.stage_name,
                            "recommendation": card.recommendation, "submitted_at": card.submitted_at,
                            "weighted_score": data.per_interviewer_score.get(card.pk)} for card in data.cards],
            "matrix": [{"dimension_id": row.dimension.pk, "dimension": row.dimension.dimension,
                        "weight": row.dimension.weight,
                        "ratings": [{"scorecard": card_id, "interviewer": who[card_id], "rating": rating}
                                    for card_id, rating in row.ratings.items()],
                        "mean": row.mean, "spread": row.spread, "disagreement": row.disagreement}
                       for row in data.rows],
            "disagreements": data.disagreements,
            "red_flags": [{"flag": text, "raised_by": raised_by} for text, raised_by in data.red_flags],
            "tally": {(key or "no_decision"): count for key, count in data.tally.items()},
            "pending": data.pending,
        })


# ---------- Interviews ----------

class InterviewList(HiringAPIView, generics.ListAPIView):
    """GET /api/v1/interviews/?candidate=<id> — interviews of the candidates the requester may see."""

    serializer_class = InterviewSerializer

    def get_queryset(self):
        interviews = (access.interviews(self.request.user).select_related("interviewer")
                      .prefetch_related("focus_dimensions", "scorecards").order_by("starts_at", "pk"))
        candidate = _int_param(self.request, "candidate")
        return interviews if candidate is None else interviews.filter(candidate_id=candidate)


class InterviewDetail(HiringAPIView, generics.RetrieveAPIView):
    serializer_class = InterviewSerializer

    def get_queryset(self):
        return access.interviews(self.request.user).select_related("interviewer").prefetch_related(
            "focus_dimensions", "scorecards")


# ---------- Scorecards ----------

def _scorecards(user):
    return (visible_scorecards(user, queryset=scorecards_with_ratings())
            .prefetch_related(Prefetch("amendments", queryset=ScorecardAmendment.objects.select_related("amended_by")))
            .order_by("interview__starts_at", "pk"))


class ScorecardList(HiringAPIView, generics.ListAPIView):
    """GET /api/v1/scorecards/?candidate=<id> — the scorecards the requester may read (hiring.visibility):
    their own, drafts included, and others' submitted cards as their role and blind feedback allow."""

    serializer_class = ScorecardSerializer

    def get_queryset(self):
        cards = _scorecards(self.request.user)
        candidate = _int_param(self.request, "candidate")
        return cards if candidate is None else cards.filter(interview__candidate_id=candidate)


class ScorecardDetail(HiringAPIView, generics.RetrieveAPIView):
    """GET, PATCH /api/v1/scorecards/<id>/ — PATCH saves a draft (assigned interviewer only):
    {"ratings": [{"dimension": id, "rating": 1–4 | null, "evidence": "…"}], "red_flags": [ids],
    "key_takeaways": "…", "recommendation": "strong_no" | "no" | "yes" | "strong_yes" | ""}."""

    serializer_class = ScorecardSerializer

    def get_queryset(self):
        return _scorecards(self.request.user)

    def patch(self, request, pk: int):
        card = self.get_object()
        body = ScorecardWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        ratings = None
        if "ratings" in data:
            current = {r.dimension_id: r.evidence for r in card.ratings.all()}
            ratings = {row["dimension"]: RatingInput(row["rating"], row.get("evidence", current.get(row["dimension"],
                                                                                                    "")))
                       for row in data["ratings"]}
        save_draft(card=card, by=request.user, ratings=ratings, red_flags=data.get("red_flags"),
                   key_takeaways=data.get("key_takeaways"), recommendation=data.get("recommendation"))
        return Response(self.get_serializer(self.get_object()).data)


class ScorecardSubmit(HiringAPIView):
    """POST /api/v1/scorecards/<id>/submit/ — lock the draft (assigned interviewer, interview started,
    evidence for every 1 and 4)."""

    def post(self, request, pk: int):
        card = _scorecards(request.user).filter(pk=pk).first()
        if card is None:
            raise NotFound(f"no scorecard with the id {pk}")
        submit(card=card, by=request.user)
        card = _scorecards(request.user).get(pk=pk)
        return Response(ScorecardSerializer(card, context={"request": request}).data)
