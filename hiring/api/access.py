"""What the requester may see through the hiring API, set-based so lists cost a fixed number of queries.

Something outside the requester's hiring teams answers 404, like something that does not exist. Which
scorecards the requester reads is hiring.visibility.visible_scorecards, as on the pages.
"""
from django.db.models import QuerySet
from rest_framework.permissions import BasePermission

from hiring import permissions
from hiring.models import Candidate, Interview, Opening
from roles.permissions import can_read


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
