"""Open a requisition for a role, re-pin it to a newer blueprint, add candidates and plan interviews."""
from django.core.exceptions import ValidationError
from django.db import transaction

from common.text import single_line
from hiring import permissions
from hiring.models import BlindMode, Candidate, CandidateStage, DimensionRating, Interview, Opening, Scorecard
from hiring.models import ScorecardStatus
from roles.models import Role, ScorecardDimension

from . import events


class HiringError(ValueError):
    """An action the opening's state does not allow, in words for the person who tried it."""


def open_opening(*, role: Role, by, title: str = "", blind_mode: str = BlindMode.AFTER_SUBMIT) -> Opening:
    """A requisition pinned to the role's published version as it is now."""
    permissions.require(permissions.can_open(by), "only hiring managers can open requisitions")
    if role.published_version_id is None:
        raise HiringError(f"{role.title} has no published blueprint to hire against")
    if blind_mode not in BlindMode.values:
        raise ValidationError({"blind_mode": f"{blind_mode!r} is not one of {', '.join(BlindMode.values)}"})
    title = single_line(title, field="title")
    with transaction.atomic():
        opening = Opening.objects.create(role=role, version_id=role.published_version_id,
                                         title=title or role.title, hiring_manager=by,
                                         blind_mode=blind_mode)
        events.record(action="opening.opened", opening=opening, by=by,
                      note=f"Pinned {role.slug} v{role.published_version.number}")
    return opening


def blueprint_updated_since(opening: Opening) -> bool:
    return opening.role.published_version_id not in (None, opening.version_id)


def repin(*, opening: Opening, by) -> Opening:
    """Pin the role's current published version, while no scorecard of the opening is submitted.

    Draft scorecards and interview focus follow the new rubric: dimensions are carried over by
    name, ratings of dimensions that no longer exist are dropped.
    """
    permissions.require(permissions.manages(by, opening), "only the opening's hiring manager can re-pin it")
    with transaction.atomic():
        opening = Opening.objects.select_for_update().select_related("role", "version").get(pk=opening.pk)
        if not blueprint_updated_since(opening):
            raise HiringError("the opening already uses the role's published blueprint")
        cards = Scorecard.objects.filter(interview__candidate__opening=opening)
        if cards.filter(status=ScorecardStatus.SUBMITTED).exists():
            raise HiringError("a scorecard has been submitted; the rubric can no longer change for this opening")
        old = opening.version.number
        new_dims = {d.dimension.lower(): d for d in ScorecardDimension.objects.filter(
            version_id=opening.role.published_version_id)}
        for interview in Interview.objects.filter(candidate__opening=opening).prefetch_related("focus_dimensions"):
            interview.focus_dimensions.set([new_dims[d.dimension.lower()] for d in interview.focus_dimensions.all()
                                            if d.dimension.lower() in new_dims])
        for card in cards.prefetch_related("ratings__dimension"):
            kept = {r.dimension.dimension.lower(): r for r in card.ratings.all()}
            card.ratings.all().delete()
            DimensionRating.objects.bulk_create([
                DimensionRating(scorecard=card, dimension=dim, rating=getattr(kept.get(key), "rating", None),
                                evidence=getattr(kept.get(key), "evidence", ""))
                for key, dim in new_dims.items()])
            card.red_flags.clear()
        opening.version_id = opening.role.published_version_id
        opening.save(update_fields=["version"])
        opening.refresh_from_db()
        events.record(action="opening.repinned", opening=opening, by=by,
                      note=f"v{old} → v{opening.version.number}")
    return opening


def add_candidate(*, opening: Opening, by, name: str, email: str, source: str = "") -> Candidate:
    permissions.require(permissions.manages(by, opening), "only the opening's hiring manager can add candidates")
    # Names and e-mails go into e-mail subjects (scorecard reminders): one line each.
    candidate = Candidate(opening=opening, name=single_line(name, field="name"),
                          email=single_line(email, field="email", label="e-mail").lower(),
                          source=single_line(source, field="source"))
    candidate.full_clean()
    with transaction.atomic():
        candidate.save()
        events.record(action="candidate.added", opening=opening, candidate=candidate, by=by)
    return candidate


def plan_interview(*, candidate: Candidate, by, stage_name: str, interviewer, starts_at, ends_at,
                   focus_dimensions=()) -> Interview:
    """An interview and the interviewer's draft scorecard, one row per dimension of the pinned version."""
    opening = candidate.opening
    permissions.require(permissions.manages(by, opening), "only the opening's hiring manager can plan interviews")
    stage_name = single_line(stage_name, field="stage_name", label="stage")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "the interview must end after it starts"})
    dims = list(ScorecardDimension.objects.filter(version_id=opening.version_id))
    focus = [d for d in dims if d.pk in {getattr(f, "pk", f) for f in focus_dimensions}]
    if len(focus) != len(set(focus_dimensions)):
        raise ValidationError({"focus_dimensions": "focus dimensions must come from the opening's scorecard"})
    with transaction.atomic():
        interview = Interview.objects.create(candidate=candidate, stage_name=stage_name,
                                             interviewer=interviewer, starts_at=starts_at, ends_at=ends_at)
        interview.focus_dimensions.set(focus)
        card = Scorecard.objects.create(interview=interview, interviewer=interviewer)
        DimensionRating.objects.bulk_create([DimensionRating(scorecard=card, dimension=d) for d in dims])
        if candidate.stage in (CandidateStage.APPLIED, CandidateStage.SCREEN):
            candidate.stage = CandidateStage.INTERVIEWING
            candidate.save(update_fields=["stage"])
        events.record(action="interview.planned", opening=opening, candidate=candidate, by=by,
                      note=f"{interview.stage_name} with {interviewer.get_username()}")
    return interview
