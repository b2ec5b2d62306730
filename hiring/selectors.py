"""Reads shared by the hiring pages and API: candidate summaries and calibration. Who reads which scorecard is
hiring.visibility.visible_scorecards, and every read of scorecards here starts from it."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean

from django.db.models import Count, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from roles.models import ScorecardDimension

from .models import Candidate, DimensionRating, Scorecard, ScorecardStatus
from .visibility import visible_scorecards

WEIGHT_VALUES = {"high": 3, "medium": 2, "low": 1}
DISAGREEMENT = 2          # ratings this far apart on one dimension are flagged
LENIENCY_THRESHOLD = 0.5  # an interviewer this far above (below) the panel is lenient (severe)
POSITIVE = {"yes", "strong_yes"}
NEGATIVE = {"no", "strong_no"}


def scorecards_with_ratings() -> QuerySet[Scorecard]:
    return Scorecard.objects.select_related("interviewer", "interview").prefetch_related(
        Prefetch("ratings", queryset=DimensionRating.objects.select_related("dimension")), "red_flags")


@dataclass
class DimensionRow:
    dimension: ScorecardDimension
    ratings: dict[int, int | None]        # scorecard id → rating (None: no signal)
    mean: float | None
    spread: int | None
    disagreement: bool


@dataclass
class CandidateSummary:
    cards: list[Scorecard]
    rows: list[DimensionRow]
    weighted_score: float | None
    per_interviewer_score: dict[int, float | None]
    red_flags: list[tuple[str, list[str]]]        # flag text, who raised it
    tally: dict[str, int]
    pending: int = 0
    disagreements: list[str] = field(default_factory=list)


def weighted_score(pairs) -> float | None:
    """Σ weight × rating / Σ weight over (weight, rating) pairs, skipping "no signal"; None if nothing rated."""
    rated = [(WEIGHT_VALUES[w], r) for w, r in pairs if r is not None]
    total = sum(w for w, _ in rated)
    return round(sum(w * r for w, r in rated) / total, 2) if total else None


def candidate_summary(candidate: Candidate, *, user) -> CandidateSummary:
    """The matrix of dimensions × the submitted scorecards `user` reads (for the opening's hiring manager: all
    of them), weighted score, spread, flags and tally. Drafts count only as pending: even the reader's own
    draft is unfinished and stays out of the numbers."""
    drafts = Scorecard.objects.filter(interview__candidate=candidate, status=ScorecardStatus.DRAFT)
    draft_count = drafts.order_by().values("interview__candidate").annotate(n=Count("pk")).values("n")
    cards = list(visible_scorecards(user, candidate=candidate, queryset=scorecards_with_ratings())
                 .filter(status=ScorecardStatus.SUBMITTED).annotate(pending=Coalesce(Subquery(draft_count), 0))
                 .order_by("interview__starts_at", "pk"))
    # The draft count rides on the cards' query; only with no card to read does it cost a query of its own.
    pending = cards[0].pending if cards else drafts.count()
    dims = list(ScorecardDimension.objects.filter(version_id=candidate.opening.version_id))
    by_card = {c.pk: {r.dimension_id: r.rating for r in c.ratings.all()} for c in cards}
    rows = []
    for dim in dims:
        ratings = {c.pk: by_card[c.pk].get(dim.pk) for c in cards}
        given = [r for r in ratings.values() if r is not None]
        spread = max(given) - min(given) if given else None
        rows.append(DimensionRow(dim, ratings, round(mean(given), 2) if given else None, spread,
                                 spread is not None and spread >= DISAGREEMENT))
    flags: dict[str, list[str]] = defaultdict(list)
    for card in cards:
        for flag in card.red_flags.all():
            flags[flag.text].append(card.interviewer.get_username())
    tally = Counter(card.recommendation for card in cards)
    return CandidateSummary(
        cards=cards, rows=rows,
        weighted_score=weighted_score((row.dimension.weight, r) for row in rows for r in row.ratings.values()),
        per_interviewer_score={c.pk: weighted_score((row.dimension.weight, row.ratings[c.pk]) for row in rows)
                               for c in cards},
        red_flags=sorted(flags.items(), key=lambda item: -len(item[1])),
        tally={value: tally.get(value, 0) for value in ("strong_yes", "yes", "no", "strong_no", "")},
        pending=pending,
        disagreements=[row.dimension.dimension for row in rows if row.disagreement],
    )


@dataclass
class InterviewerCalibration:
    username: str
    submitted: int
    offsets: dict[str, float]          # dimension → mean (own − rest of the panel)
    mean_offset: float | None
    tendency: str                      # "lenient", "severe" or "balanced"
    matched_decisions: int
    decided: int


@dataclass
class DimensionCalibration:
    dimension: str
    mean_spread: float | None          # mean of (max − min) per candidate
    candidates: int


def calibration(cards: QuerySet[Scorecard]) -> tuple[list[InterviewerCalibration], list[DimensionCalibration]]:
    """How each interviewer rates against the rest of the panel, and how far panels spread per dimension, over
    the submitted ones of `cards` (start them from hiring.visibility.visible_scorecards)."""
    cards = list(cards.filter(status=ScorecardStatus.SUBMITTED).select_related(
        "interviewer", "interview__candidate__decision").prefetch_related(
        Prefetch("ratings", queryset=DimensionRating.objects.select_related("dimension"))))
    # (candidate, dimension name) → {interviewer: rating}
    panel: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for card in cards:
        for r in card.ratings.all():
            if r.rating is not None:
                panel[(card.interview.candidate_id, r.dimension.dimension)][card.interviewer.get_username()] = r.rating
    people: dict[str, dict] = defaultdict(lambda: {"submitted": 0, "offsets": defaultdict(list), "matched": 0,
                                                   "decided": 0})
    for card in cards:
        who = card.interviewer.get_username()
        stats = people[who]
        stats["submitted"] += 1
        decision = getattr(card.interview.candidate, "decision", None)
        if decision is not None and decision.decision != "hold" and card.recommendation:
            stats["decided"] += 1
            hired = decision.decision == "hire"
            stats["matched"] += (card.recommendation in POSITIVE) == hired
    for (candidate_id, dimension), ratings in panel.items():
        for who, rating in ratings.items():
            others = [r for name, r in ratings.items() if name != who]
            if others:
                people[who]["offsets"][dimension].append(rating - mean(others))
    interviewers = []
    for who, stats in sorted(people.items()):
        offsets = {dim: round(mean(values), 2) for dim, values in stats["offsets"].items()}
        overall = round(mean(v for values in stats["offsets"].values() for v in values), 2) if offsets else None
        tendency = ("lenient" if overall is not None and overall > LENIENCY_THRESHOLD else
                    "severe" if overall is not None and overall < -LENIENCY_THRESHOLD else "balanced")
        interviewers.append(InterviewerCalibration(who, stats["submitted"], offsets, overall, tendency,
                                                   stats["matched"], stats["decided"]))
    spreads: dict[str, list[int]] = defaultdict(list)
    for (_, dimension), ratings in panel.items():
        if len(ratings) > 1:
            spreads[dimension].append(max(ratings.values()) - min(ratings.values()))
    dimensions = [DimensionCalibration(dim, round(mean(values), 2) if values else None, len(values))
                  for dim, values in sorted(spreads.items())]
    return interviewers, dimensions
