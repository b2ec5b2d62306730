"""Rollups computed set-based in PostgreSQL: a handful of statements inside the run's transaction.

1. `rollup_groups` (incremental runs only): the (metric, grain, period) groups touched by the
   measurements recorded since the watermark, plus the period after each (its trend reads them), and
   every group of the metrics whose rule changed since the previous run.
2. `rollup_new`: every statistic of those groups (all groups in a full run) for the four scopes in
   one statement — GROUP BY GROUPING SETS arranged so two sorts serve all four scopes,
   percentile_cont, `max(array[…])[4]` for the latest value (an argmax without a sort per group),
   status from the metric's rule, and the trend by lag() over the periods of the same scope.
   A full run with no caller's transaction around it computes the same statement in parts, metrics
   split between as many connections as CPUs, into the unlogged scratch table `kpis_rollup_staging`.
3. Incremental runs only: a group whose previous period was not recomputed takes the trend from
   that period's stored row (`rollup_previous`).
4. The write: fresh rows FULL JOINed to the stored rows of the same groups; only rows whose numbers
   changed are updated (computed_at says when a row last changed), new ones inserted, and the rows
   of scopes left without data deleted. An empty table is loaded in one insert instead, with its
   indexes and constraints rebuilt afterwards.

The target rule is mirrored in SQL CASE expressions (`on_target_sql`, `status_sql`), kept
portable so the tests can check them against kpis.targets.TargetRule on any backend.
"""
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection, transaction

from kpis.targets import AT_RISK_MARGIN

from .stats import FLOAT_STATS, SAME_WITHIN, STATS_FIELDS as STATS

log = logging.getLogger(__name__)

GRAIN_RANK = "CASE k.grain WHEN 'week' THEN 1 WHEN 'month' THEN 2 ELSE 3 END"
GRAIN_NAME = "(CASE {g} WHEN 1 THEN 'week' WHEN 2 THEN 'month' ELSE 'quarter' END)"
STEP = "(CASE {g} WHEN 1 THEN interval '7 days' WHEN 2 THEN interval '1 month' ELSE interval '3 months' END)"
STEP_BY_NAME = ("(CASE n.grain WHEN 'week' THEN interval '7 days' WHEN 'month' THEN interval '1 month'"
                " ELSE interval '3 months' END)")


# ---------- the target rule in SQL (mirrors kpis.targets.TargetRule and stats.usable_rule) ----------

def _real(number) -> str:
    return f"CAST({number!r} AS DOUBLE PRECISION)"


def rule_missing_bound_sql(k: str = "k") -> str:
    """True when the rule is qualitative or lacks a bound it needs (then it counts as qualitative)."""
    kind, low, high = f"{k}.rule_kind", f"{k}.rule_low", f"{k}.rule_high"
    return (f"({kind} = 'qualitative' OR ({kind} IN ('at_least', 'equals') AND {low} IS NULL)"
            f" OR ({kind} = 'at_most' AND {high} IS NULL)"
            f" OR ({kind} NOT IN ('at_least', 'equals', 'at_most') AND ({low} IS NULL OR {high} IS NULL)))")


def on_target_sql(v: str, k: str = "k") -> str:
    """TargetRule.on_target(v) for a rule that is not qualitative."""
    kind, low, high = f"{k}.rule_kind", f"{k}.rule_low", f"{k}.rule_high"
    return (f"(CASE {kind} WHEN 'at_least' THEN {v} >= {low} WHEN 'at_most' THEN {v} <= {high}"
            f" WHEN 'equals' THEN {v} = {low}"
            f" WHEN 'relative' THEN (CASE WHEN {low} < 0 THEN {v} <= {high} ELSE {v} >= {low} END)"
            f" ELSE ({low} <= {v} AND {v} <= {high}) END)")


def hit_sql(v: str, k: str = "k") -> str:
    """1.0 when the value is on target, 0.0 when not, NULL for a qualitative rule: avg() of it is the share."""
    return (f"(CASE WHEN {rule_missing_bound_sql(k)} THEN NULL"
            f" WHEN {on_target_sql(v, k)} THEN {_real(1.0)} ELSE {_real(0.0)} END)")


def _distance_sql(v: str, k: str) -> str:
    kind, low, high = f"{k}.rule_kind", f"{k}.rule_low", f"{k}.rule_high"
    below = f"(CASE WHEN {low} IS NOT NULL AND {v} < {low} AND {kind} <> 'at_most' THEN {low} - {v} END)"
    above = f"(CASE WHEN {high} IS NOT NULL AND {v} > {high} AND {kind} <> 'at_least' THEN {v} - {high} END)"
    # max(candidates, default=0.0); a relative rule with a non-negative low only looks below it.
    return (f"(CASE WHEN {kind} = 'relative' AND {low} >= 0"
            f" THEN (CASE WHEN {v} < {low} THEN {low} - {v} ELSE {_real(0.0)} END)"
            f" WHEN {below} IS NULL THEN COALESCE({above}, {_real(0.0)})"
            f" WHEN {above} IS NULL OR {below} >= {above} THEN {below} ELSE {above} END)")


def _margin_sql(k: str) -> str:
    kind, low, high = f"{k}.rule_kind", f"{k}.rule_low", f"{k}.rule_high"
    m = _real(AT_RISK_MARGIN)
    width = f"(abs(COALESCE({high}, {_real(0.0)}) - COALESCE({low}, {_real(0.0)})) * {m})"
    # Python's `high or low or 1` and `reference or 1`: a zero bound counts as missing.
    scale = f"(abs(COALESCE(NULLIF({high}, 0), NULLIF({low}, 0), {_real(1.0)})) * {m})"
    reference = f"(CASE WHEN {kind} IN ('at_least', 'equals') THEN {low} ELSE {high} END)"
    return (f"(CASE WHEN {kind} IN ('between', 'relative')"
            f" THEN (CASE WHEN {width} >= {scale} THEN {width} ELSE {scale} END)"
            f" ELSE abs(COALESCE(NULLIF({reference}, 0), {_real(1.0)})) * {m} END)")


def status_sql(v: str, k: str = "k") -> str:
    """TargetRule.status(v): qualitative, no_data, on_track, at_risk (within the margin) or off_track."""
    return (f"(CASE WHEN {rule_missing_bound_sql(k)} THEN 'qualitative' WHEN {v} IS NULL THEN 'no_data'"
            f" WHEN {on_target_sql(v, k)} THEN 'on_track'"
            f" WHEN {_distance_sql(v, k)} <= {_margin_sql(k)} THEN 'at_risk' ELSE 'off_track' END)")


# ---------- the statements ----------

def _grain_periods(period: str) -> str:
    return (f"(VALUES (1::smallint, date_trunc('week', {period}::timestamp)::date),"
            f" (2::smallint, date_trunc('month', {period}::timestamp)::date),"
            f" (3::smallint, date_trunc('quarter', {period}::timestamp)::date))")


GRAIN_RANK_STORED = "(CASE r.grain WHEN 'week' THEN 1 WHEN 'month' THEN 2 ELSE 3 END)::smallint"

# A metric whose rule, grain or identity changed since `rules_since` has every group recomputed: the
# groups of all its measurements, and its stored groups (under another grain they have no measurements
# any more, and the write deletes them). The measurements come in two branches of a UNION, so that each
# keeps its index: recorded_at's for the new ones, (metric, period) for those of the changed metrics.
TOUCHED_GROUPS = f"""
CREATE TEMP TABLE rollup_groups ON COMMIT DROP AS
WITH changed AS (
    SELECT id FROM kpis_metric WHERE rule_changed_at > %(rules_since)s
), recorded AS (
    SELECT m.metric_id, m.period FROM kpis_measurement m WHERE m.recorded_at > %(since)s
    UNION
    SELECT m.metric_id, m.period FROM kpis_measurement m WHERE m.metric_id IN (SELECT id FROM changed)
), touched AS (
    SELECT DISTINCT m.metric_id, g.grain, g.period
    FROM recorded m
    JOIN kpis_metric k ON k.id = m.metric_id
    CROSS JOIN LATERAL {_grain_periods('m.period')} AS g(grain, period)
    WHERE g.grain >= {GRAIN_RANK}
), with_next AS (
    SELECT metric_id, grain, period FROM touched
    UNION
    SELECT metric_id, grain, (period + {STEP.format(g='grain')})::date FROM touched
    UNION
    SELECT r.metric_id, {GRAIN_RANK_STORED}, r.period FROM kpis_rollup r WHERE r.metric_id IN (SELECT id FROM changed)
)
SELECT metric_id, grain, {GRAIN_NAME.format(g='grain')}::varchar AS grain_name, period,
       (period + {STEP.format(g='grain')})::date AS period_end
FROM with_next
"""

# Every measurement once per grain it rolls up into, with what the statistics need. `recency`
# orders by (period, recorded_at, id) and carries the value: max(recency)[4] is the latest value.
_COLUMNS = f"""m.metric_id, m.person_id, m.team_id, m.person_id IS NULL AS team_subject, m.value,
       {hit_sql('m.value')} AS hit,
       ARRAY[(m.period - DATE '2000-01-01')::float8, date_part('epoch', m.recorded_at), m.id::float8, m.value]
           AS recency"""

BASE_ALL = f"""
    SELECT g.grain, g.period AS gperiod, {_COLUMNS}
    FROM kpis_measurement m
    JOIN kpis_metric k ON k.id = m.metric_id
    CROSS JOIN LATERAL {_grain_periods('m.period')} AS g(grain, period)
    WHERE g.grain >= {GRAIN_RANK}"""

# A measurement falls in the group of grain G and period P when P <= its period < the next P; a
# stored group finer than the metric's grain (the grain changed) gets no fresh rows.
BASE_TOUCHED = f"""
    SELECT t.grain, t.period AS gperiod, {_COLUMNS}
    FROM rollup_groups t
    JOIN kpis_measurement m ON m.metric_id = t.metric_id AND m.period >= t.period AND m.period < t.period_end
    JOIN kpis_metric k ON k.id = m.metric_id
    WHERE t.grain >= {GRAIN_RANK}"""

# Scopes as codes (1 person, 2 team, 3 role, 4 organisation) while grouping: integer keys sort
# much faster than text. The first three grouping sets are prefixes of one another, so PostgreSQL
# computes person, role (the person subjects of the metric, whose role is the metric's) and
# organisation from ONE sort; the team set needs the second. The trend comes from lag() over the
# groups of the same scope: the previous row counts only if it is the previous calendar period.
COMPUTE_SELECT = f"""
WITH grouped AS (
    SELECT b.metric_id, b.grain, b.gperiod AS period,
           (CASE WHEN GROUPING(b.person_id) = 0 THEN 1 WHEN GROUPING(b.team_subject) = 0 THEN 3
                 WHEN GROUPING(b.team_id) = 0 THEN 2 ELSE 4 END)::smallint AS scope,
           COALESCE(b.person_id, b.team_id, 0) AS scope_id,
           count(*)::int AS count, avg(b.value) AS mean, min(b.value) AS min, max(b.value) AS max,
           percentile_cont(ARRAY[0.5, 0.95]::float8[]) WITHIN GROUP (ORDER BY b.value) AS pct,
           (max(b.recency))[4] AS latest, avg(b.hit) AS on_target_share
    FROM ({{base}}) b
    GROUP BY GROUPING SETS ((b.metric_id, b.grain, b.gperiod, b.team_subject, b.person_id),
                            (b.metric_id, b.grain, b.gperiod, b.team_subject),
                            (b.metric_id, b.grain, b.gperiod),
                            (b.metric_id, b.grain, b.gperiod, b.team_id))
    -- Team subjects are no person and no role; people without a team are in no team.
    HAVING (GROUPING(b.team_subject) = 1 OR NOT b.team_subject)
       AND (GROUPING(b.team_id) = 1 OR b.team_id IS NOT NULL)
)
SELECT n.metric_id,
       (CASE n.scope WHEN 1 THEN 'person' WHEN 2 THEN 'team' WHEN 3 THEN 'role' ELSE 'org' END)::varchar AS scope,
       CASE WHEN n.scope = 3 THEN k.role_id ELSE n.scope_id END AS scope_id,
       {GRAIN_NAME.format(g='n.grain')}::varchar AS grain, n.period, n.count, n.mean, n.min, n.max,
       n.pct[1] AS median, n.pct[2] AS p95, n.latest, n.on_target_share, {status_sql('n.mean')}::varchar AS status,
       CASE WHEN lag(n.period) OVER w = (n.period - {STEP.format(g='n.grain')})::date
            THEN n.mean - lag(n.mean) OVER w END AS trend
FROM grouped n JOIN kpis_metric k ON k.id = n.metric_id
WINDOW w AS (PARTITION BY n.metric_id, n.scope, n.scope_id, n.grain ORDER BY n.period)
"""
COMPUTE = "CREATE TEMP TABLE rollup_new ON COMMIT DROP AS" + COMPUTE_SELECT

# A full run on a database others can see (no caller's transaction around the run) computes in parts,
# metric by metric, on as many connections at once: the statement runs on one core, the parts on all
# of them. Each part commits into this unlogged scratch table (created by kpis migration 0006, emptied
# before and after each run); the run's own transaction then writes the rollups from it.
STAGING = "kpis_rollup_staging"
BASE_PART = BASE_ALL + " AND mod(m.metric_id, %(parts)s) = %(part)s"
COMPUTE_PART = f"INSERT INTO {STAGING} (metric_id, scope, scope_id, grain, period, {', '.join(STATS)})" + COMPUTE_SELECT

# Incremental runs: a group whose previous period was not recomputed takes that period's stored mean.
# The stored rows of those periods are fetched by group (index ranges), then hash-joined: far cheaper
# than one index probe per fresh row.
PREVIOUS_STORED = f"""
CREATE TEMP TABLE rollup_previous ON COMMIT DROP AS
SELECT r.metric_id, r.scope, r.scope_id, r.grain, r.period, r.mean
FROM (SELECT DISTINCT g.metric_id, g.grain_name, (g.period - {STEP.format(g='g.grain')})::date AS period
      FROM rollup_groups g) p
JOIN kpis_rollup r ON r.metric_id = p.metric_id AND r.grain = p.grain_name AND r.period = p.period
WHERE NOT EXISTS (SELECT 1 FROM rollup_groups x WHERE x.metric_id = p.metric_id AND x.grain_name = p.grain_name
                  AND x.period = p.period)"""
TREND_FROM_STORED = f"""
UPDATE rollup_new n SET trend = n.mean - r.mean
FROM rollup_previous r
WHERE n.trend IS NULL AND r.metric_id = n.metric_id AND r.scope = n.scope AND r.scope_id = n.scope_id
  AND r.grain = n.grain AND r.period = (n.period - {STEP_BY_NAME})::date"""


def _differs(a: str, b: str) -> str:
    """Not the same number within stats.SAME_WITHIN (avg() sums in scan order, and two plans can scan
    in different orders: the last bits of a mean are noise, not a change worth a write)."""
    return (f"(({a} IS NULL) <> ({b} IS NULL) OR abs({a} - {b}) > {_real(SAME_WITHIN)}"
            f" * GREATEST(abs({a}), abs({b}), {_real(1.0)}))")


_KEY = ("{a}.metric_id = {b}.metric_id AND {a}.scope = {b}.scope AND {a}.scope_id = {b}.scope_id"
        " AND {a}.grain = {b}.grain AND {a}.period = {b}.period")
STORED_ALL = "SELECT * FROM kpis_rollup"
STORED_TOUCHED = """SELECT r.* FROM kpis_rollup r JOIN rollup_groups g
    ON r.metric_id = g.metric_id AND r.grain = g.grain_name AND r.period = g.period"""

# The fresh rows FULL JOINed to the stored rows of the same groups: what must be inserted (no
# stored id), updated (numbers differ) or deleted (no fresh row). Unchanged rows are left alone.
DIFF = f"""
CREATE TEMP TABLE rollup_diff ON COMMIT DROP AS
SELECT s.id AS stored_id, n.*
FROM {{fresh}} n
FULL JOIN ({{stored}}) s ON {_KEY.format(a='s', b='n')}
WHERE s.id IS NULL OR n.metric_id IS NULL OR s.count <> n.count OR s.status <> n.status
   OR {" OR ".join(_differs(f"s.{c}", f"n.{c}") for c in FLOAT_STATS)}
"""

UPDATE = f"""
UPDATE kpis_rollup r SET {", ".join(f"{c} = d.{c}" for c in STATS)}, computed_at = %(now)s
FROM rollup_diff d WHERE r.id = d.stored_id AND d.metric_id IS NOT NULL"""
_COLUMNS_OUT = f"metric_id, scope, scope_id, grain, period, {', '.join(STATS)}"
INSERT = f"""
INSERT INTO kpis_rollup ({_COLUMNS_OUT}, computed_at)
SELECT {_COLUMNS_OUT}, %(now)s FROM {{source}}"""
DELETE = """DELETE FROM kpis_rollup WHERE id IN (SELECT stored_id FROM rollup_diff WHERE metric_id IS NULL)"""


def _run(cursor, step: str, sql: str, params=None) -> int:
    """Execute one step; its duration goes to the debug log (bench_rollups prints it)."""
    clock = time.perf_counter()
    cursor.execute(sql, params)
    log.debug("%s: %.3f s (%s rows)", step, time.perf_counter() - clock, cursor.rowcount)
    return cursor.rowcount


def _session_settings(cursor) -> None:
    """A batch job: sorts (and index builds) in memory rather than on disk; JIT compiling costs more
    than it saves here. Should the worker die, the server notices within seconds and ends the run
    (releasing its locks) instead of finishing a statement nobody waits for."""
    memory = settings.KPI_ROLLUP_WORK_MEM
    cursor.execute("SELECT set_config('work_mem', %s, true), set_config('maintenance_work_mem', %s, true),"
                   " set_config('jit', 'off', true), set_config('client_connection_check_interval', '2s', true)",
                   [memory, memory])


def parallel_parts() -> int:
    """How many connections a full run computes on: KPI_ROLLUP_PARALLEL (default: one per CPU, at most
    4), or 1 when the run is inside a caller's transaction, whose rows other connections cannot see."""
    parts = settings.KPI_ROLLUP_PARALLEL or min(os.cpu_count() or 1, 4)
    return parts if len(connection.atomic_blocks) <= 1 else 1


def recompute(*, full: bool, since, rules_since, now) -> tuple[int, int, int, int]:
    """Recompute the groups of the measurements recorded after `since` and every group of the metrics
    whose rule changed after `rules_since` (every group when `full`) inside the caller's transaction.
    Returns (groups, rows computed, rows written, rows deleted)."""
    parts = parallel_parts() if full else 1
    with connection.cursor() as cursor:
        # Dropped here too: inside an outer transaction (tests, a caller's atomic block) ON COMMIT
        # has not come yet when the next run starts.
        cursor.execute("DROP TABLE IF EXISTS rollup_groups, rollup_new, rollup_previous, rollup_diff")
        _session_settings(cursor)
        if parts > 1:
            fresh = STAGING
            groups, computed = _compute_in_parts(cursor, parts)
        else:
            fresh = "rollup_new"
            groups, computed = _compute_all(cursor) if full else _compute_touched(cursor, since, rules_since)
        written, deleted = _write(cursor, full=full, now=now, fresh=fresh)
        if fresh == STAGING:
            cursor.execute(f"TRUNCATE {STAGING}")
        cursor.execute("DROP TABLE IF EXISTS rollup_groups, rollup_new, rollup_previous, rollup_diff")
    return groups, computed, written, deleted


def _count_groups(cursor, fresh: str) -> int:
    cursor.execute(f"SELECT count(*) FROM (SELECT DISTINCT metric_id, grain, period FROM {fresh}) g")
    return cursor.fetchone()[0]


def _compute_all(cursor) -> tuple[int, int]:
    computed = _run(cursor, "compute", COMPUTE.format(base=BASE_ALL))
    return _count_groups(cursor, "rollup_new"), computed


def _compute_in_parts(cursor, parts: int) -> tuple[int, int]:
    """Compute every group into the staging table, `parts` metrics-partitions at once, each on its own
    connection and committed there (a killed run leaves only scratch rows, emptied by the next run)."""
    clock = time.perf_counter()
    _on_own_connection(lambda c: c.execute(f"TRUNCATE {STAGING}"))

    def part(number: int) -> int:
        def compute(c) -> int:
            _session_settings(c)
            c.execute(COMPUTE_PART.format(base=BASE_PART), {"parts": parts, "part": number})
            return c.rowcount
        return _on_own_connection(compute)  # a thread of the pool starts a thread of its own

    with ThreadPoolExecutor(max_workers=parts, thread_name_prefix="rollup-part") as pool:
        computed = sum(pool.map(part, range(parts)))
    log.debug("compute in %s parts: %.3f s (%s rows)", parts, time.perf_counter() - clock, computed)
    return _count_groups(cursor, STAGING), computed


def _on_own_connection(work):
    """Run work(cursor) in a transaction of a connection of its own: in a thread of its own (Django
    keeps a connection per thread), closed afterwards."""
    def own(_=None):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                return work(cursor)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rollup-part") as pool:
        return pool.submit(own).result()


def _compute_touched(cursor, since, rules_since) -> tuple[int, int]:
    groups = _run(cursor, "touched groups", TOUCHED_GROUPS, {"since": since, "rules_since": rules_since})
    cursor.execute("CREATE UNIQUE INDEX ON rollup_groups (metric_id, grain_name, period)")
    cursor.execute("ANALYZE rollup_groups")
    computed = _run(cursor, "compute", COMPUTE.format(base=BASE_TOUCHED))
    _run(cursor, "previous stored", PREVIOUS_STORED)
    # Without statistics the planner guesses one row per temp table and picks nested loops.
    cursor.execute("ANALYZE rollup_new")
    cursor.execute("ANALYZE rollup_previous")
    _run(cursor, "trend from stored", TREND_FROM_STORED)
    return groups, computed


def _write(cursor, *, full: bool, now, fresh: str) -> tuple[int, int]:
    stored = STORED_ALL if full else STORED_TOUCHED
    cursor.execute(f"SELECT EXISTS ({stored})")
    if cursor.fetchone()[0]:
        if full:
            _run(cursor, "analyze", f"ANALYZE {fresh}")
        _run(cursor, "diff", DIFF.format(stored=stored, fresh=fresh))
        written = write_changes(cursor, now=now)
        deleted = delete_stale(cursor)
    elif full:  # an empty table: load it, then build its indexes in one pass each
        written, deleted = _load_empty(cursor, now=now, fresh=fresh), 0
    else:  # nothing stored in these groups yet (new periods, new metrics): every fresh row is new
        written, deleted = _run(cursor, "insert", INSERT.format(source="rollup_new"), {"now": now}), 0
    if full and written + deleted:
        # Fresh statistics for the next incremental run's plans (autovacuum may take a while).
        _run(cursor, "analyze rollups", "ANALYZE kpis_rollup")
    return written, deleted


def _load_empty(cursor, *, now, fresh: str) -> int:
    """Fill the empty rollup table. Its indexes, the key's and the unique constraint's too, are dropped
    and rebuilt around the insert: building an index by sorting is several times cheaper than two
    million index insertions. The DDL is part of the run's transaction (a killed run rolls it back);
    readers wait for the commit, and all they would have seen is an empty table."""
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE conrelid = 'kpis_rollup'::regclass AND contype IN ('p', 'u') ORDER BY contype, conname")
    constraints = cursor.fetchall()
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'kpis_rollup' AND indexname NOT IN "
                   "(SELECT conname FROM pg_constraint WHERE conrelid = 'kpis_rollup'::regclass) ORDER BY indexname")
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE kpis_rollup DROP CONSTRAINT "{name}"')
    written = _run(cursor, "insert", INSERT.format(source=fresh), {"now": now})
    for name, definition in constraints:
        _run(cursor, f"constraint {name}", f'ALTER TABLE kpis_rollup ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        _run(cursor, f"index {name}", definition)
    return written


def write_changes(cursor, *, now) -> int:
    """Update the stored rows whose numbers changed and insert the new ones."""
    updated = _run(cursor, "update", UPDATE, {"now": now})
    return updated + _run(cursor, "insert", INSERT.format(source="rollup_diff WHERE stored_id IS NULL"), {"now": now})


def delete_stale(cursor) -> int:
    """Delete the rollups of recomputed groups whose scope has no measurements any more."""
    return _run(cursor, "delete", DELETE)
