"""Who sees and does what in hiring. Candidate details stay within an opening's hiring team:
its hiring manager and the interviewers who have an interview on it (and admins)."""
from django.core.exceptions import PermissionDenied

from roles import permissions as role_permissions
from roles.permissions import HIRING_MANAGERS, in_group, is_admin

from .models import Opening


def can_open(user) -> bool:
    return is_admin(user) or in_group(user, HIRING_MANAGERS)


def manages(user, opening: Opening) -> bool:
    return is_admin(user) or (user.is_authenticated and opening.hiring_manager_id == user.pk)


def on_team(user, opening: Opening) -> bool:
    """Hiring manager, admin, or an interviewer of any candidate of the opening."""
    if manages(user, opening):
        return True
    return user.is_authenticated and opening.candidates.filter(interviews__interviewer=user).exists()


def openings_visible_to(user, queryset=None):
    """The openings a user may see: all for admins, else those they manage or interview on."""
    queryset = Opening.objects.all() if queryset is None else queryset
    if is_admin(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return (queryset.filter(hiring_manager=user) | queryset.filter(candidates__interviews__interviewer=user)).distinct()


require = role_permissions.require
__all__ = ["can_open", "manages", "on_team", "openings_visible_to", "require", "PermissionDenied"]
