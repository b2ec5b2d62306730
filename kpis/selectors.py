"""Reads the KPI pages share. Each function owns its queries, so a page's query count does not grow
with the number of metrics, people or periods (the tests lock that in).

Periods: a rollup's `period` is the first day of its week (Monday), month or quarter. A dashboard
shown by week still shows a monthly metric by its month: a tile's grain is the coarser of the page's
grain and the metric's own (`tile_grain`).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from roles.models import Role

from .models import Assignment, Grain, Measurement, Metric, Person, Rollup, Scope, Status, Team

GRAINS = (Grain.WEEK, Grain.MONTH, Grain.QUARTER)
_ORDER = {g: i for i, g in enumerate(GRAINS)}
SPARK_PERIODS = 12
HISTORY_PERIODS = 26
PERIOD_CHOICES = 104


# ---------- period arithmetic ----------

def start_of(day: date, grain: str) -> date:
    """The first day of the week (Monday), month or quarter that contains `day`."""
    if grain == Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain == Grain.MONTH:
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def shift(period: date, grain: str, steps: int) -> date:
    """The period `steps` periods after (or before, when negative) `period`."""
    if grain == Grain.WEEK:
        return period + timedelta(weeks=steps)
    months = 3 if grain == Grain.QUARTER else 1
    index = period.year * 12 + period.month - 1 + steps * months
    return date(index // 12, index % 12 + 1, 1)


def last_day(period: date, grain: str) -> date:
    return shift(period, grain, 1) - timedelta(days=1)


def periods_ending(period: date, grain: str, count: int) -> list[date]:
    """`count` consecutive periods, oldest first, the last being `period`."""
    return [shift(period, grain, k) for k in range(-count + 1, 1)]


def tile_grain(page_grain: str, metric_grain: str) -> str:
    return max(page_grain, metric_grain or Grain.WEEK, key=lambda g: _ORDER.get(g, 0))


# ---------- teams, roles, metrics ----------

def team_roles(team: Team) -> list[Role]:
    """The roles people hold (or held) in the team, by title."""
    return list(Role.objects.filter(assignments__team=team).distinct().order_by("title", "pk"))


def role_metrics(roles) -> list[Metric]:
    """Active metrics of the roles, in blueprint order, role by role."""
    return list(Metric.objects.filter(role__in=roles, active=True).select_related("role")
                .order_by("role__title", "role_id", "position", "pk"))


def teams_with_role(role: Role, teams: QuerySet[Team]) -> list[Team]:
    return list(teams.filter(assignments__role=role).distinct().order_by("name"))


def retired_metrics(role: Role) -> list[Metric]:
    return list(Metric.objects.filter(role=role, active=False).order_by("name"))


# ---------- periods with data ----------

def periods_with_data(*, scope: str, scope_ids, grain: str, role: Role | None = None,
                      limit: int = PERIOD_CHOICES) -> list[date]:
    """The periods (newest first) in which any rollup of these scopes (of the role's metrics) has data."""
    rows = Rollup.objects.filter(scope=scope, scope_id__in=list(scope_ids), grain=grain, count__gt=0)
    if role is not None:
        rows = rows.filter(metric__role=role)
    return list(rows.order_by("-period").values_list("period", flat=True).distinct()[:limit])


# ---------- the dashboard ----------

@dataclass
class Tile:
    metric: Metric
    grain: str
    period: date
    rollup: Rollup | None
    history: list[float | None] = field(default_factory=list)   # SPARK_PERIODS means, oldest first
    periods: list[date] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.metric.rule_kind == "qualitative":
            return Status.QUALITATIVE
        return self.rollup.status if self.rollup and self.rollup.count else Status.NO_DATA

    @property
    def value(self) -> float | None:
        return self.rollup.mean if self.rollup else None

    @property
    def direction(self) -> str:
        return trend_direction(self.metric, self.rollup)


def trend_direction(metric: Metric, rollup: Rollup | None) -> str:
    """"better", "worse" or "steady": whether the change since the previous period moved towards the target."""
    if rollup is None or rollup.trend is None or rollup.mean is None or metric.rule_kind == "qualitative":
        return ""
    rule = metric.rule
    now, before = rule.distance(rollup.mean), rule.distance(rollup.mean - rollup.trend)
    if abs(now - before) < 1e-9:
        return "steady"
    return "better" if now < before else "worse"


def _window_filter(tiles_by_grain: dict[str, date], count: int) -> Q:
    condition = Q(pk__in=[])
    for grain, period in tiles_by_grain.items():
        condition |= Q(grain=grain, period__gte=shift(period, grain, -count + 1), period__lte=period)
    return condition


def scope_tiles(metrics: list[Metric], *, scope: str, scope_id: int, grain: str, period: date,
                count: int = SPARK_PERIODS) -> list[Tile]:
    """A tile per metric for one scope (a team, a person, a role): the period's rollup and the last
    `count` means for the sparkline. One query, whatever the number of metrics."""
    windows = {}
    for metric in metrics:
        g = tile_grain(grain, metric.grain)
        windows.setdefault(g, start_of(period, g))
    rows = Rollup.objects.filter(_window_filter(windows, count), metric__in=[m.pk for m in metrics],
                                 scope=scope, scope_id=scope_id) if metrics else []
    found = {(r.metric_id, r.grain, r.period): r for r in rows}
    tiles = []
    for metric in metrics:
        g = tile_grain(grain, metric.grain)
        periods = periods_ending(windows[g], g, count)
        history = [getattr(found.get((metric.pk, g, p)), "mean", None) for p in periods]
        tiles.append(Tile(metric=metric, grain=g, period=windows[g], rollup=found.get((metric.pk, g, windows[g])),
                          history=history, periods=periods))
    return tiles


def status_counts(tiles: list[Tile]) -> dict[str, int]:
    counts = {s: 0 for s in Status.values}
    for tile in tiles:
        counts[tile.status] += 1
    return counts


# ---------- a metric's history and its people ----------

def scope_history(metric: Metric, *, scopes: list[tuple[str, int]], grain: str, periods: list[date]
                  ) -> dict[tuple[str, int], dict[date, Rollup]]:
    """Rollups of the metric for several scopes over the periods, in one query."""
    if not scopes or not periods:
        return {}
    condition = Q(pk__in=[])
    for scope, scope_id in scopes:
        condition |= Q(scope=scope, scope_id=scope_id)
    rows = Rollup.objects.filter(condition, metric=metric, grain=grain, period__gte=periods[0],
                                 period__lte=periods[-1])
    history: dict[tuple[str, int], dict[date, Rollup]] = defaultdict(dict)
    for row in rows:
        history[(row.scope, row.scope_id)][row.period] = row
    return history


@dataclass
class PersonRow:
    person: Person
    rollup: Rollup | None
    history: list[float | None]
    direction: str = ""

    @property
    def status(self) -> str:
        return self.rollup.status if self.rollup and self.rollup.count else Status.NO_DATA


def team_members(team: Team, role: Role, *, start: date, end: date) -> list[Person]:
    """People holding `role` in `team` at some point between start and end, by name (one query)."""
    assignments = (Assignment.objects.filter(team=team, role=role, starts_on__lte=end)
                   .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start)).select_related("person")
                   .order_by("person__name", "person_id"))
    people = {}
    for assignment in assignments:
        people.setdefault(assignment.person_id, assignment.person)
    return list(people.values())


def person_rows(metric: Metric, people: list[Person], *, grain: str, period: date, scope: Q,
                count: int = SPARK_PERIODS) -> list[PersonRow]:
    """The period's rollup and last `count` means of each person, in one query; `scope` (a filter on
    Rollup, kpis.permissions.rollup_scope) leaves out the periods a person spent in a team the reader
    may not see."""
    periods = periods_ending(period, grain, count)
    rows = Rollup.objects.filter(scope, metric=metric, scope=Scope.PERSON, scope_id__in=[p.pk for p in people],
                                 grain=grain, period__gte=periods[0], period__lte=period) if people else []
    found = {(r.scope_id, r.period): r for r in rows}
    result = []
    for person in people:
        rollup = found.get((person.pk, period))
        result.append(PersonRow(person=person, rollup=rollup,
                                history=[getattr(found.get((person.pk, p)), "mean", None) for p in periods],
                                direction=trend_direction(metric, rollup)))
    return result


# ---------- the HR matrix ----------

def matrix_rollups(metrics: list[Metric], *, teams: list[Team], role: Role, grain: str, period: date
                   ) -> dict[tuple[int, str, int], Rollup]:
    """{(metric id, scope, scope id): rollup} for every team and for all teams together in the period, in one
    query. "All teams" is the organisation scope: every measurement of the metric, the team-level ones
    included (the role scope holds person measurements only)."""
    if not metrics:
        return {}
    windows = {}
    for metric in metrics:
        g = tile_grain(grain, metric.grain)
        windows.setdefault(g, start_of(period, g))
    condition = Q(pk__in=[])
    for g, p in windows.items():
        condition |= Q(grain=g, period=p)
    scopes = Q(scope=Scope.TEAM, scope_id__in=[t.pk for t in teams]) | Q(scope=Scope.ORGANISATION, scope_id=0)
    rows = Rollup.objects.filter(condition, scopes, metric__in=[m.pk for m in metrics])
    wanted = {m.pk: tile_grain(grain, m.grain) for m in metrics}
    return {(r.metric_id, r.scope, r.scope_id): r for r in rows if wanted.get(r.metric_id) == r.grain}


# ---------- exports ----------

def measurements_for_export(metric: Metric, *, scope: Q, team: Team | None = None) -> QuerySet[Measurement]:
    rows = Measurement.objects.filter(scope, metric=metric)
    if team is not None:
        rows = rows.filter(team=team)
    return rows.select_related("person", "team").order_by("period", "subject_key")

