"""The statistics of a rollup in plain Python, with PostgreSQL's semantics.

The SQLite path aggregates with these; the PostgreSQL path computes the same numbers in SQL
(kpis.rollups.postgres), and the tests hold the two to each other.
"""
import datetime
import math
from dataclasses import dataclass

from kpis.targets import AT_LEAST, AT_MOST, EQUALS, QUALITATIVE, QUALITATIVE_RULE, TargetRule

GRAINS = ("week", "month", "quarter")  # finest first: a measurement rolls up into its grain and every coarser one
SCOPES = ("person", "team", "role", "org")
STATS_FIELDS = ("count", "mean", "min", "max", "median", "p95", "latest", "on_target_share", "status", "trend")
FLOAT_STATS = ("mean", "min", "max", "median", "p95", "latest", "on_target_share", "trend")
SAME_WITHIN = 1e-9  # relative (absolute below 1): closer numbers are one number, and a row is not rewritten


def grains_from(grain: str) -> tuple[str, ...]:
    """The grains a metric of this grain is rolled up into."""
    return GRAINS[GRAINS.index(grain):] if grain in GRAINS else GRAINS


def percentile_cont(ordered: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont on values sorted ascending: linear interpolation between the
    rows at floor and ceil of fraction × (n − 1), computed in the same order of operations."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    first, second = math.floor(position), math.ceil(position)
    low = ordered[first]
    if first == second:
        return low
    return low + (ordered[second] - low) * (position - first)


def same(a: float | None, b: float | None) -> bool:
    """Equal within SAME_WITHIN, as the PostgreSQL path decides whether a row changed."""
    if a is None or b is None:
        return a is b
    return abs(a - b) <= SAME_WITHIN * max(abs(a), abs(b), 1.0)


def unchanged(stored, fresh: dict) -> bool:
    """Whether a stored rollup already holds the fresh numbers."""
    return (stored.count == fresh["count"] and stored.status == fresh["status"]
            and all(same(getattr(stored, f), fresh[f]) for f in FLOAT_STATS))


def usable_rule(kind: str, low: float | None, high: float | None, unit: str = "") -> TargetRule:
    """The metric's rule, or the qualitative rule when a bound it needs is missing (only a hand-edited
    row can be like that); the SQL path makes the same call (postgres.rule_missing_bound_sql)."""
    if kind == QUALITATIVE:
        return QUALITATIVE_RULE
    if kind in (AT_LEAST, EQUALS) and low is None or kind == AT_MOST and high is None:
        return QUALITATIVE_RULE
    if kind not in (AT_LEAST, EQUALS, AT_MOST) and (low is None or high is None):
        return QUALITATIVE_RULE
    return TargetRule(kind, low, high, unit)


@dataclass(frozen=True)
class Point:
    """One measurement as a rollup sees it."""
    value: float
    period: datetime.date          # the measurement's own period
    recorded_at: datetime.datetime
    id: int


@dataclass
class Summary:
    count: int
    mean: float | None
    min: float | None
    max: float | None
    median: float | None
    p95: float | None
    latest: float | None
    on_target_share: float | None
    status: str


def summarise(points: list[Point], rule: TargetRule) -> Summary:
    """count, mean, min, max, median, p95, latest (value of the most recent period; ties go to the
    most recent recorded_at, then the highest id), share on target and the status of the mean."""
    if not points:
        return Summary(0, None, None, None, None, None, None, None, rule.status(None))
    values = sorted(p.value for p in points)
    mean = math.fsum(values) / len(values)
    latest = max(points, key=lambda p: (p.period, p.recorded_at, p.id)).value
    share = None
    if rule.kind != QUALITATIVE:
        share = sum(1 for v in values if rule.on_target(v)) / len(values)
    return Summary(len(values), mean, values[0], values[-1], percentile_cont(values, 0.5),
                   percentile_cont(values, 0.95), latest, share, rule.status(mean))
