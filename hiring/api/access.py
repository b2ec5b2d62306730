"""What the requester may see through the hiring API, set-based so lists cost a fixed number of queries.

Something outside the requester's hiring teams answers 404, like something that does not exist.
"""
from django.db.models import Exists, OuterRef, Q, QuerySet
from rest_framework.permissions import BasePermission

from hiring import permissions
from hiring.models import BlindMode, Candidate, Interview, Opening, Scorecard, ScorecardStatus
from roles.permissions import can_read, is_admin


class HiringMember(BasePermission):
    """Signed in, and in one of the portal's groups or on a hiring team; anyone else gets 403 everywhere."""

    message = "the hiring API is for members of the portal's groups and hiring teams"

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and (
            can_read(user) or permissions.openings_visible_to(user).exists())


def openings(user) -> QuerySet[Opening]:
    return Opening.objects.filter(pk__in=permissions.openings_visible_to(user).values("pk"))


def candidates(user) -> QuerySet[Candidate]:
    """Candidates of the openings whose hiring team the user is on (hiring.permissions.on_team)."""
    return Candidate.objects.filter(opening__in=openings(user))


def interviews(user) -> QuerySet[Interview]:
    return Interview.objects.filter(candidate__opening__in=openings(user))


def scorecards(user) -> QuerySet[Scorecard]:
    """The scorecards hiring.selectors.visible_scorecards lets the user read, for every candidate at once.

    A draft is read by its own interviewer only (not by the hiring manager, not by an admin). Submitted
    cards: the opening's hiring manager (and admins) read all; an interviewer reads the others' when the blind
    mode allows: always (once they have a card for the candidate) or after submitting their own.
    """
    cards = Scorecard.objects.all()
    own = Q(interviewer=user)
    submitted = Q(status=ScorecardStatus.SUBMITTED)
    if is_admin(user):
        return cards.filter(own | submitted)
    own_cards = Scorecard.objects.filter(interview__candidate=OuterRef("interview__candidate"), interviewer=user)
    return cards.filter(
        own
        | submitted & (
            Q(interview__candidate__opening__hiring_manager=user)
            | Q(Exists(own_cards), interview__candidate__opening__blind_mode=BlindMode.ALWAYS)
            | Q(Exists(own_cards.filter(status=ScorecardStatus.SUBMITTED)),
                interview__candidate__opening__blind_mode=BlindMode.AFTER_SUBMIT)))
