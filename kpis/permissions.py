"""Who sees which team's KPI data, in one place (pages, API and exports all ask here).

- Admins and HR see every team, and the role-wide and organisation-wide figures.
- A people manager sees the teams they manage, and the people in them for the periods they were in them
  (`person_period_scope`: measurements, rollups and the metric page alike).
- Everybody else (interviewers, editors without those groups, outsiders) sees no KPI data.

Recording measurements is narrower: admins, and the manager of every team a write touches
(kpis.services.measurements enforces it; `recordable_teams` only decides what forms offer).
Correcting a metric's rule is an editor's job and follows roles.permissions.can_edit_family.
"""
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter, TruncWeek

from roles import permissions

from .models import Assignment, Grain, Scope, Team

# A period [P, end of P] overlaps an assignment that starts on S when S's own period starts on or before P.
_PERIOD_START = {Grain.WEEK: TruncWeek, Grain.MONTH: TruncMonth, Grain.QUARTER: TruncQuarter}


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


def recordable_teams(user) -> QuerySet[Team]:
    """The teams `user` may record measurements for: all for admins, the managed ones for managers."""
    if permissions.is_admin(user):
        return Team.objects.all()
    if is_people_manager(user):
        return Team.objects.filter(manager=user)
    return Team.objects.none()


def can_record(user) -> bool:
    return permissions.is_admin(user) or (is_people_manager(user) and recordable_teams(user).exists())


def person_period_scope(user, *, person: str, period: str, grain: str) -> Q:
    """The one rule for a person's KPI data (measurements, rollups, the metric page's people): HR and
    admins read all of it; a people manager reads a person's value for a period only if the person was
    in a team they manage during some of that period (an assignment overlapping it); nobody else reads any.

    `person`, `period` and `grain` name the fields of the filtered model holding the person's id, the
    period's first day and its grain ("week", "month", "quarter")."""
    if sees_all_teams(user):
        return Q()
    if not is_people_manager(user):
        return Q(pk__in=[])
    managed = Assignment.objects.filter(team__manager=user)
    held = managed.filter(person=OuterRef(person)).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef(period)))
    during = Q(pk__in=[])
    for name, start_of in _PERIOD_START.items():
        during |= Q(**{grain: name}) & Exists(held.annotate(first=start_of("starts_on"))
                                              .filter(first__lte=OuterRef(period)))
    # The people ever in a managed team first: an index narrows the rows the period test runs on.
    return Q(**{f"{person}__in": managed.values("person")}) & during


def measurement_scope(user) -> Q:
    """A filter on Measurement for the rows `user` may read: a team's own measurements by the team, a
    person's by `person_period_scope`."""
    if sees_all_teams(user):
        return Q()
    return (Q(person__isnull=True, team__in=visible_teams(user))
            | (Q(person__isnull=False)
               & person_period_scope(user, person="person", period="period", grain="metric__grain")))


def rollup_scope(user) -> Q:
    """A filter on Rollup for the rows `user` may read. HR and admins: all. Managers: their teams and, by
    `person_period_scope`, their people; role- and organisation-wide figures mix in other teams, so not those."""
    if sees_all_teams(user):
        return Q()
    return (Q(scope=Scope.TEAM, scope_id__in=visible_teams(user).values("pk"))
            | (Q(scope=Scope.PERSON) & person_period_scope(user, person="scope_id", period="period", grain="grain")))


def can_edit_rules(user, role) -> bool:
    """Correct a parsed rule or map a renamed KPI: editors of the role's family, admins."""
    return permissions.can_edit_family(user, role.family)
