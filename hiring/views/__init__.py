"""The hiring pages, one module per page. Here: who may reach what, shared by all of them.

Something outside the user's hiring teams answers 404, exactly like something that does not exist, so
candidate names never leak; a team member asking for more than their part (an interviewer opening the
candidate summary) gets 403 with the reason. Anonymous visitors are sent to sign in (login_required).
"""
from django.http import Http404
from django.urls import reverse

from hiring import permissions
from hiring.models import Candidate, Opening
from roles.permissions import can_read


def require_hiring_member(user) -> None:
    """The hiring pages are for the portal's members and for anyone on a hiring team."""
    permissions.require(can_read(user) or permissions.openings_visible_to(user).exists(),
                        "Hiring is for members of the portal's groups; ask an admin to add you to one.")


def visible_opening(user, pk: int) -> Opening:
    opening = (permissions.openings_visible_to(user, Opening.objects.select_related(
        "role__published_version", "version", "hiring_manager")).filter(pk=pk).first())
    if opening is None:
        raise Http404("No such opening.")
    return opening


def visible_candidate(user, pk: int) -> Candidate:
    """The candidate with their opening, for the opening's hiring team and admins only (else 404)."""
    candidate = (Candidate.objects.select_related("opening__role__published_version", "opening__version",
                                                  "opening__hiring_manager", "decision__decided_by")
                 .filter(pk=pk).first())
    if candidate is None or not permissions.on_team(user, candidate.opening):
        raise Http404("No such candidate.")
    return candidate


def opening_crumbs(opening: Opening, *tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Hiring", reverse("hiring:openings")),
            (opening.title, reverse("hiring:opening", kwargs={"pk": opening.pk})), *tail]


def candidate_crumbs(candidate: Candidate, *tail: tuple[str, str]) -> list[tuple[str, str]]:
    return opening_crumbs(candidate.opening,
                          (candidate.name, reverse("hiring:candidate", kwargs={"pk": candidate.pk})), *tail)
