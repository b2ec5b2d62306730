"""Who reads which scorecard, defined once. The pages, the API, the admin, the candidate summary and
calibration all start from visible_scorecards; nothing else decides it.

Two rules make it up:

- **Drafts stay private.** A draft is read by its own interviewer only — not by the other interviewers, not by
  the hiring manager, not by an admin: until it is submitted it is unfinished thought.
- **Blind feedback.** A submitted card is read by the opening's hiring manager (and admins); the other
  interviewers of the same candidate read it as the opening's blind mode says: never, always (once they have a
  card for the candidate themselves), or only after submitting their own (the default).

Everyone reads their own cards. The rule is set-based (one query, subqueries for "has a card of their own"),
so a list of every candidate's scorecards costs the same as one candidate's.
"""
from django.db.models import Exists, OuterRef, Q, QuerySet

from roles.permissions import is_admin

from .models import BlindMode, Candidate, Scorecard, ScorecardStatus


def _blind_feedback(user) -> Q:
    """Which submitted cards of the others the user reads."""
    if is_admin(user):
        return Q()
    own_card = Scorecard.objects.filter(interview__candidate=OuterRef("interview__candidate"), interviewer=user)
    return (Q(interview__candidate__opening__hiring_manager=user)
            | Q(Exists(own_card), interview__candidate__opening__blind_mode=BlindMode.ALWAYS)
            | Q(Exists(own_card.filter(status=ScorecardStatus.SUBMITTED)),
                interview__candidate__opening__blind_mode=BlindMode.AFTER_SUBMIT))


def readable_by(user) -> Q:
    """The condition on a Scorecard row: the user's own cards, drafts included, and the others' submitted
    cards as blind feedback allows (drafts of others never)."""
    return Q(interviewer=user) | Q(_blind_feedback(user), status=ScorecardStatus.SUBMITTED)


def visible_scorecards(user, *, candidate: Candidate | None = None,
                       queryset: QuerySet[Scorecard] | None = None) -> QuerySet[Scorecard]:
    """The scorecards `user` may read: of one candidate, or of every candidate at once.

    `queryset` lets the caller bring its own select_related/prefetch_related (or a narrower set); the rule is
    applied on top of it.
    """
    cards = Scorecard.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return cards.none()
    if candidate is not None:
        cards = cards.filter(interview__candidate=candidate)
    return cards.filter(readable_by(user))
