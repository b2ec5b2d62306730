"""Rollups on SQLite (the demo and the tests' default database): aggregated in Python.

SQLite has no percentile_cont, so the groups are built here and summarised with kpis.rollups.stats;
the numbers, the groups recomputed and the rows written follow the PostgreSQL path exactly.
Measurements are read with values_list (no model instances) and written with one bulk upsert.
"""
import datetime
from collections import defaultdict

from kpis.models import Measurement, Metric, Rollup
from kpis.services.measurements import next_period, period_start

from .stats import STATS_FIELDS, Point, grains_from, summarise, unchanged, usable_rule

Group = tuple[int, str, datetime.date]  # (metric id, grain, period)


def _previous(period: datetime.date, grain: str) -> datetime.date:
    return period_start(period - datetime.timedelta(days=1), grain)


def _touched_groups(metrics: dict, since, rules_since) -> set[Group]:
    """The groups of measurements recorded after `since`, and the period after each (its trend); and
    every group of the metrics whose rule changed after `rules_since`: those of all their measurements
    and their stored ones (under another grain these have no measurements any more, and are deleted)."""
    changed = [pk for pk, m in metrics.items() if m.rule_changed_at is not None and m.rule_changed_at > rules_since]
    days = set(Measurement.objects.filter(recorded_at__gt=since).values_list("metric_id", "period"))
    if changed:  # a query of its own, so that the one above keeps the recorded_at index
        days.update(Measurement.objects.filter(metric_id__in=changed).values_list("metric_id", "period"))
    groups = set()
    for metric_id, day in days:
        for grain in grains_from(metrics[metric_id].grain):
            start = period_start(day, grain)
            groups.update({(metric_id, grain, start), (metric_id, grain, next_period(start, grain))})
    if changed:
        groups.update(Rollup.objects.filter(metric_id__in=changed).values_list("metric_id", "grain", "period"))
    return groups


def _measurements(groups: set[Group] | None):
    fields = ("id", "metric_id", "person_id", "team_id", "period", "value", "recorded_at")
    if groups is None:
        return Measurement.objects.values_list(*fields).iterator(chunk_size=5000)
    spans = defaultdict(list)
    for metric_id, grain, start in groups:
        spans[metric_id].append((start, next_period(start, grain)))
    rows = []
    for metric_id, ranges in spans.items():
        first, end = min(r[0] for r in ranges), max(r[1] for r in ranges)
        rows.extend(Measurement.objects.filter(metric_id=metric_id, period__gte=first, period__lt=end)
                    .values_list(*fields))
    return rows


def _collect(metrics: dict, groups: set[Group] | None) -> dict[tuple, list[Point]]:
    """{(metric, scope, scope id, grain, period): points} for the groups asked (all when None)."""
    collected = defaultdict(list)
    for pk, metric_id, person_id, team_id, day, value, recorded_at in _measurements(groups):
        metric = metrics[metric_id]
        point = Point(value, day, recorded_at, pk)
        scopes = [("org", 0)]
        if person_id is not None:
            scopes += [("person", person_id), ("role", metric.role_id)]
        if team_id is not None:
            scopes.append(("team", team_id))
        for grain in grains_from(metric.grain):
            start = period_start(day, grain)
            if groups is not None and (metric_id, grain, start) not in groups:
                continue
            for scope, scope_id in scopes:
                collected[(metric_id, scope, scope_id, grain, start)].append(point)
    return collected


def _stored(groups: set[Group] | None, extra: set[Group] = frozenset()) -> dict[tuple, Rollup]:
    """The stored rollups of the groups (and of `extra` groups, for trends), by key."""
    query = Rollup.objects.all()
    if groups is not None:
        wanted = groups | extra
        query = query.filter(metric_id__in={g[0] for g in wanted}, period__gte=min(g[2] for g in wanted),
                             period__lte=max(g[2] for g in wanted))
    found = {}
    for rollup in query:
        key = (rollup.metric_id, rollup.scope, rollup.scope_id, rollup.grain, rollup.period)
        if groups is None or key[:1] + key[3:] in wanted:
            found[key] = rollup
    return found


def recompute(*, full: bool, since, rules_since, now) -> tuple[int, int, int, int]:
    """Recompute the groups of the measurements recorded after `since` and every group of the metrics
    whose rule changed after `rules_since` (every group when `full`) inside the caller's transaction.
    Returns (groups, rows computed, rows written, rows deleted)."""
    metrics = {m.pk: m for m in Metric.objects.only("id", "role_id", "grain", "rule_kind", "rule_low", "rule_high",
                                                    "rule_changed_at")}
    groups = None if full else _touched_groups(metrics, since, rules_since)
    if groups is not None and not groups:
        return 0, 0, 0, 0
    collected = _collect(metrics, groups)
    previous_groups = set() if groups is None else {(m, g, _previous(p, g)) for m, g, p in groups}
    stored = _stored(groups, previous_groups - groups if groups is not None else set())
    rules = {pk: usable_rule(m.rule_kind, m.rule_low, m.rule_high) for pk, m in metrics.items()}
    summaries = {key: summarise(points, rules[key[0]]) for key, points in collected.items()}

    fresh, changed = {}, []
    for key, summary in summaries.items():
        metric_id, scope, scope_id, grain, start = key
        before = (metric_id, scope, scope_id, grain, _previous(start, grain))
        if groups is None or (metric_id, grain, before[4]) in groups:
            prior = summaries.get(before)
        else:
            prior = stored.get(before)
        trend = summary.mean - prior.mean if prior is not None and prior.mean is not None else None
        values = {**{f: getattr(summary, f) for f in STATS_FIELDS if f != "trend"}, "trend": trend}
        fresh[key] = values
        old = stored.get(key)
        if old is None or not unchanged(old, values):
            changed.append(Rollup(metric_id=metric_id, scope=scope, scope_id=scope_id, grain=grain, period=start,
                                  computed_at=now, **values))
    Rollup.objects.bulk_create(changed, update_conflicts=True,
                               unique_fields=["metric", "scope", "scope_id", "grain", "period"],
                               update_fields=[*STATS_FIELDS, "computed_at"])
    stale = [r.pk for key, r in stored.items() if key not in fresh
             and (groups is None or (key[0], key[3], key[4]) in groups)]
    deleted = delete_stale(stale)
    group_count = len(groups) if groups is not None else len({(k[0], k[3], k[4]) for k in summaries})
    return group_count, len(summaries), len(changed), deleted


def delete_stale(ids: list[int]) -> int:
    """Delete the rollups of recomputed groups whose scope has no measurements any more."""
    for start in range(0, len(ids), 500):
        Rollup.objects.filter(pk__in=ids[start:start + 500]).delete()
    return len(ids)
