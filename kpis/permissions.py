"""Who sees which team's KPI data, in one place (pages, API and exports all ask here).

- Admins and HR see every team, and the role-wide and organisation-wide figures.
- A people manager sees the teams they manage, and the people in them.
- Everybody else (interviewers, editors without those groups, outsiders) sees no KPI data.

Recording measurements is narrower: admins, and the manager of every team a write touches
(kpis.services.measurements enforces it; `recordable_teams` only decides what forms offer).
Correcting a metric's rule is an editor's job and follows roles.permissions.can_edit_family.
"""
from django.db.models import Q, QuerySet

from roles import permissions

from .models import Assignment, Person, Team


def is_admin(user) -> bool:
    return permissions.is_admin(user)


def sees_all_teams(user) -> bool:
    return permissions.is_admin(user) or permissions.in_group(user, permissions.HR)


def is_people_manager(user) -> bool:
    return permissions.in_group(user, permissions.PEOPLE_MANAGERS)


def can_see_kpis(user) -> bool:
    """Whether the KPI pages (and the top bar's link to them) are for this user at all."""
    return bool(getattr(user, "is_authenticated", False)) and (sees_all_teams(user) or is_people_manager(user))


def visible_teams(user) -> QuerySet[Team]:
    """The teams whose KPI data `user` may read; the ones they manage first."""
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    if sees_all_teams(user):
        return Team.objects.all()
    if is_people_manager(user):
        return Team.objects.filter(manager=user)
    return Team.objects.none()


def visible_people(user) -> QuerySet[Person]:
    """People with an assignment (past or present) in a team `user` may see."""
    if sees_all_teams(user):
        return Person.objects.all()
    team_ids = visible_teams(user).values("pk")
    return Person.objects.filter(pk__in=Assignment.objects.filter(team__in=team_ids).values("person"))


def recordable_teams(user) -> QuerySet[Team]:
    """The teams `user` may record measurements for: all for admins, the managed ones for managers."""
    if permissions.is_admin(user):
        return Team.objects.all()
    if is_people_manager(user):
        return Team.objects.filter(manager=user)
    return Team.objects.none()


def can_record(user) -> bool:
    return permissions.is_admin(user) or (is_people_manager(user) and recordable_teams(user).exists())


def measurement_scope(user) -> Q:
    """A filter on Measurement (or anything with a `team` foreign key) for the rows `user` may read."""
    if sees_all_teams(user):
        return Q()
    if is_people_manager(user):
        return Q(team__manager=user)
    return Q(pk__in=[])


def can_edit_rules(user, role) -> bool:
    """Correct a parsed rule or map a renamed KPI: editors of the role's family, admins."""
    return permissions.can_edit_family(user, role.family)
