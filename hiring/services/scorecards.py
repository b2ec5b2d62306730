"""Fill, submit and amend scorecards; record hiring decisions."""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hiring import permissions
from hiring.models import (
    Candidate,
    CandidateStage,
    Decision,
    HiringDecision,
    Rating,
    Recommendation,
    Scorecard,
    ScorecardAmendment,
    ScorecardStatus,
)
from roles.models import BlueprintItem, Section

from . import events
from .openings import HiringError


@dataclass
class RatingInput:
    rating: int | None      # 1–4, or None for "no signal"
    evidence: str = ""


def _locked(card: Scorecard) -> Scorecard:
    return (Scorecard.objects.select_for_update(of=("self",))
            .select_related("interview__candidate__opening").get(pk=card.pk))


def _check_interviewer(card: Scorecard, by) -> None:
    permissions.require(by.is_authenticated and card.interviewer_id == by.pk,
                        "only the assigned interviewer can fill this scorecard")


def _apply(card: Scorecard, *, ratings: dict[int, RatingInput] | None, red_flags, key_takeaways, recommendation
           ) -> list[str]:
    """Write the given parts of a scorecard; return one line per change ("Python engineering: 3 → 4")."""
    changes: list[str] = []
    errors: dict[str, str] = {}
    if recommendation is not None:
        if recommendation not in Recommendation.values:
            errors["recommendation"] = f"{recommendation!r} is not a recommendation"
        elif recommendation != card.recommendation:
            changes.append(f"Recommendation: {Recommendation(card.recommendation).label} → "
                           f"{Recommendation(recommendation).label}")
            card.recommendation = recommendation
    if key_takeaways is not None and key_takeaways.strip() != card.key_takeaways:
        changes.append("Key take-aways edited")
        card.key_takeaways = key_takeaways.strip()
    rows = {r.dimension_id: r for r in card.ratings.select_related("dimension")}
    for dim_id, given in (ratings or {}).items():
        row = rows.get(dim_id)
        if row is None:
            errors[f"rating-{dim_id}"] = "this dimension is not on the opening's scorecard"
            continue
        if given.rating is not None and given.rating not in Rating.values:
            errors[f"rating-{dim_id}"] = f"{row.dimension.dimension}: a rating is 1 to 4 or “no signal”"
            continue
        evidence = (given.evidence or "").strip()
        if (row.rating, row.evidence) != (given.rating, evidence):
            def label(value):
                return "no signal" if value is None else str(value)
            if row.rating != given.rating:
                changes.append(f"{row.dimension.dimension}: {label(row.rating)} → {label(given.rating)}")
            else:
                changes.append(f"{row.dimension.dimension}: evidence edited")
            row.rating, row.evidence = given.rating, evidence
            row.save(update_fields=["rating", "evidence"])
    if red_flags is not None:
        allowed = set(BlueprintItem.objects.filter(
            version_id=card.interview.candidate.opening.version_id, section=Section.SIGNALS, group="red_flags",
        ).values_list("pk", flat=True))
        wanted = {int(pk) for pk in red_flags}
        if wanted - allowed:
            errors["red_flags"] = "red flags must come from the role's blueprint"
        else:
            current = set(card.red_flags.values_list("pk", flat=True))
            if wanted != current:
                changes.append(f"Red flags: {len(current)} → {len(wanted)} ticked")
                card.red_flags.set(wanted)
    if errors:
        raise ValidationError(errors)
    card.save(update_fields=["recommendation", "key_takeaways", "updated_at"])
    return changes


def save_draft(*, card: Scorecard, by, ratings: dict[int, RatingInput] | None = None, red_flags=None,
               key_takeaways: str | None = None, recommendation: str | None = None) -> Scorecard:
    """Save what the interviewer has so far (autosave); a submitted card changes only by amendment."""
    _check_interviewer(card, by)
    with transaction.atomic():
        card = _locked(card)
        if card.status != ScorecardStatus.DRAFT:
            raise HiringError("this scorecard is submitted; change it with an amendment and a reason")
        _apply(card, ratings=ratings, red_flags=red_flags, key_takeaways=key_takeaways, recommendation=recommendation)
    return card


def missing_evidence(card: Scorecard) -> list[str]:
    """Dimensions rated 1 or 4 without the evidence note those ratings require."""
    return [r.dimension.dimension for r in card.ratings.select_related("dimension")
            if r.rating in (Rating.DOES_NOT_MEET, Rating.STRONG) and not r.evidence.strip()]


def submit(*, card: Scorecard, by, now=None) -> Scorecard:
    """Lock the scorecard. Not before the interview starts; ratings of 1 and 4 need evidence."""
    _check_interviewer(card, by)
    now = now or timezone.now()
    with transaction.atomic():
        card = _locked(card)
        if card.status == ScorecardStatus.SUBMITTED:
            raise HiringError("this scorecard is already submitted")
        if now < card.interview.starts_at:
            raise HiringError("the interview has not started yet; a scorecard can be submitted once it has")
        missing = missing_evidence(card)
        if missing:
            raise ValidationError({"evidence": f"ratings of 1 and 4 need an evidence note: {', '.join(missing)}"})
        card.status = ScorecardStatus.SUBMITTED
        card.submitted_at = now
        card.save(update_fields=["status", "submitted_at", "updated_at"])
        opening = card.interview.candidate.opening
        events.record(action="scorecard.submitted", opening=opening, candidate=card.interview.candidate, by=by,
                      note=f"{card.interview.stage_name}: {Recommendation(card.recommendation).label}")
    return card


def amend(*, card: Scorecard, by, reason: str, ratings: dict[int, RatingInput] | None = None, red_flags=None,
          key_takeaways: str | None = None, recommendation: str | None = None) -> ScorecardAmendment:
    """Change a submitted scorecard, keeping what changed and why in its history."""
    _check_interviewer(card, by)
    if not reason.strip():
        raise ValidationError({"reason": "say why the submitted scorecard changes"})
    with transaction.atomic():
        card = _locked(card)
        if card.status != ScorecardStatus.SUBMITTED:
            raise HiringError("only a submitted scorecard is amended; a draft can simply be edited")
        changes = _apply(card, ratings=ratings, red_flags=red_flags, key_takeaways=key_takeaways,
                         recommendation=recommendation)
        if not changes:
            raise ValidationError({"__all__": "the amendment changes nothing"})
        missing = missing_evidence(card)
        if missing:
            raise ValidationError({"evidence": f"ratings of 1 and 4 need an evidence note: {', '.join(missing)}"})
        amendment = ScorecardAmendment.objects.create(scorecard=card, amended_by=by, reason=reason.strip(),
                                                      changes="\n".join(changes))
        events.record(action="scorecard.amended", opening=card.interview.candidate.opening,
                      candidate=card.interview.candidate, by=by, note=reason.strip())
    return amendment


def record_decision(*, candidate: Candidate, by, decision: str, reason: str) -> HiringDecision:
    """Hire, no hire or hold, with a reason; a later decision replaces it and both stay in the audit trail."""
    opening = candidate.opening
    permissions.require(permissions.manages(by, opening), "only the opening's hiring manager records decisions")
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = f"{decision!r} is not one of: hire, no_hire, hold"
    if not reason.strip():
        errors["reason"] = "give the reason for the decision"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record, _ = HiringDecision.objects.update_or_create(
            candidate=candidate, defaults={"decision": decision, "reason": reason.strip(), "decided_by": by})
        candidate.stage = CandidateStage.DECIDED
        candidate.save(update_fields=["stage"])
        events.record(action=f"decision.{decision}", opening=opening, candidate=candidate, by=by, note=reason.strip())
    return record


