"""Rollups: every statistic of every scope and grain against a plain Python computation, status
and trend, idempotence, incrementality, overlapping runs, a killed run recovered, and the SQL
version of the target rule held to kpis.targets.TargetRule."""
import datetime
import math
import random
import threading
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from kpis.models import Assignment, Measurement, Metric, Person, Rollup, RollupQueue, RollupState, Team
from kpis.rollups import backend, postgres
from kpis.rollups.stats import percentile_cont
from kpis.services.measurements import MeasurementRow, record_measurements
from kpis.services.rollups import run_rollup
from kpis.targets import TargetRule
from roles.models import Role

pytestmark = pytest.mark.django_db
WEEKS = [datetime.date(2025, 3, 3) + datetime.timedelta(weeks=w) for w in range(9)]  # March → end of April
STATS = ("count", "mean", "min", "max", "median", "p95", "latest", "on_target_share", "status", "trend")


# ---------- the world and a plain Python rollup ----------

class World:
    def __init__(self, admin):
        self.admin = admin
        self.role = Role.objects.create(title="Rollup Engineer", slug="rollup-engineer", family="Rollups")
        metric = lambda key, grain, kind, low=None, high=None: Metric.objects.create(  # noqa: E731
            role=self.role, key=key, name=key, grain=grain, rule_kind=kind, rule_low=low, rule_high=high)
        self.delivery = metric("delivery", "week", "between", 75, 90)
        self.rework = metric("rework", "week", "relative", -10, -5)
        self.latency = metric("latency", "month", "at_most", None, 800)
        self.feedback = metric("feedback", "quarter", "qualitative")
        self.a = Team.objects.create(name="A", slug="a")
        self.b = Team.objects.create(name="B", slug="b")
        self.people = [Person.objects.create(name=n, email=f"{n}@example.com") for n in ("ann", "ben", "cat", "dan")]
        ann, ben, cat, dan = self.people
        for person, team in ((ann, self.a), (ben, self.a), (cat, self.b)):
            Assignment.objects.create(person=person, role=self.role, team=team, starts_on=datetime.date(2025, 1, 1))
        # Dan moves from A to B on Tuesday 1 April: from the week of 31 March on he counts in B.
        Assignment.objects.create(person=dan, role=self.role, team=self.a, starts_on=datetime.date(2025, 1, 1),
                                  ends_on=datetime.date(2025, 3, 31))
        Assignment.objects.create(person=dan, role=self.role, team=self.b, starts_on=datetime.date(2025, 4, 1))

    def record(self, rows) -> None:
        record_measurements(rows=rows, by=self.admin, source="api")

    def load(self, seed: int = 7) -> None:
        rng = random.Random(seed)
        rows = []
        for person in self.people:
            for week in WEEKS:
                rows.append(MeasurementRow(self.delivery.pk, week, round(rng.uniform(60, 100), 2), person.pk))
                if rng.random() < 0.8:
                    rows.append(MeasurementRow(self.rework.pk, week, round(rng.uniform(-15, 2), 2), person.pk))
            for month in (datetime.date(2025, 3, 1), datetime.date(2025, 4, 1)):
                rows.append(MeasurementRow(self.latency.pk, month, round(rng.uniform(500, 1000)), person.pk))
            rows.append(MeasurementRow(self.feedback.pk, datetime.date(2025, 1, 1), rng.randint(1, 5), person.pk))
        for week in WEEKS[::2]:  # team A is measured as a team too, every other week
            rows.append(MeasurementRow(self.delivery.pk, week, round(rng.uniform(70, 95), 2), team_id=self.a.pk))
        self.record(rows)


@pytest.fixture
def world(personas):
    return World(personas.admin)


def _period(day: datetime.date, grain: str) -> datetime.date:
    if grain == "week":
        return day - datetime.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def _previous(period: datetime.date, grain: str) -> datetime.date:
    return _period(period - datetime.timedelta(days=1), grain)


def _pct(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    k = fraction * (len(ordered) - 1)
    low, high = ordered[math.floor(k)], ordered[math.ceil(k)]
    return low + (high - low) * (k - math.floor(k))


def expected() -> dict[tuple, dict]:
    """The rollups, computed the plain way from the stored measurements."""
    metrics = {m.pk: m for m in Metric.objects.all()}
    groups = defaultdict(list)
    for m in Measurement.objects.all():
        metric = metrics[m.metric_id]
        grains = ("week", "month", "quarter")[("week", "month", "quarter").index(metric.grain):]
        scopes = [("org", 0)] + ([("person", m.person_id), ("role", metric.role_id)] if m.person_id else [])
        scopes += [("team", m.team_id)] if m.team_id else []
        for grain in grains:
            for scope, scope_id in scopes:
                groups[(m.metric_id, scope, scope_id, grain, _period(m.period, grain))].append(m)
    rows = {}
    for key, ms in groups.items():
        rule = metrics[key[0]].rule
        values = [m.value for m in ms]
        mean = sum(values) / len(values)
        rows[key] = dict(count=len(values), mean=mean, min=min(values), max=max(values), median=_pct(values, 0.5),
                         p95=_pct(values, 0.95),
                         latest=max(ms, key=lambda m: (m.period, m.recorded_at, m.pk)).value,
                         on_target_share=None if rule.kind == "qualitative" else
                         sum(1 for v in values if rule.on_target(v)) / len(values),
                         status=rule.status(mean))
    for key, row in rows.items():
        before = rows.get(key[:4] + (_previous(key[4], key[3]),))
        row["trend"] = row["mean"] - before["mean"] if before else None
    return rows


def stored() -> dict[tuple, dict]:
    return {(r.metric_id, r.scope, r.scope_id, r.grain, r.period): {f: getattr(r, f) for f in STATS + ("computed_at",)}
            for r in Rollup.objects.all()}


def assert_matches(rows: dict, wanted: dict) -> None:
    assert set(rows) == set(wanted)
    for key, want in wanted.items():
        got = rows[key]
        for field, value in want.items():
            if isinstance(value, float):
                assert got[field] == pytest.approx(value, rel=1e-9, abs=1e-9), (key, field)
            else:
                assert got[field] == value, (key, field)


# ---------- the numbers ----------

def test_a_full_rollup_matches_a_plain_python_computation_for_every_scope_and_grain(world):
    world.load()
    report = run_rollup(full=True)
    rows = stored()
    assert_matches(rows, expected())
    assert report.rows == len(rows) == report.written and report.full
    grains = {m: {k[3] for k in rows if k[0] == m.pk} for m in (world.delivery, world.latency, world.feedback)}
    assert grains == {world.delivery: {"week", "month", "quarter"}, world.latency: {"month", "quarter"},
                      world.feedback: {"quarter"}}
    assert {k[1] for k in rows} == {"person", "team", "role", "org"}
    assert {k[2] for k in rows if k[1] == "role"} == {world.role.pk}
    assert {r.status for r in Rollup.objects.all()} >= {"on_track", "off_track", "qualitative"}



def _rollup_indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'kpis_rollup'")
        return set(cursor.fetchall())


@pytest.mark.services
def test_loading_the_empty_table_rebuilds_its_key_indexes_and_unique_constraint(world):
    if connection.vendor != "postgresql":
        pytest.skip("the empty-table load drops and rebuilds PostgreSQL indexes")
    before = _rollup_indexes()
    assert len(before) == 3  # the key, the unique group-and-scope constraint, the dashboards' index
    world.load()
    run_rollup(full=True)
    assert _rollup_indexes() == before
    row = Rollup.objects.filter(scope="team").first()
    with pytest.raises(IntegrityError), transaction.atomic():  # the constraint is back, and enforced
        Rollup.objects.create(**{f.name: getattr(row, f.name) for f in Rollup._meta.concrete_fields if f.name != "id"})

def test_hand_checked_numbers_of_one_team_week(world):
    ann, ben, *_ = world.people
    monday = WEEKS[0]
    world.record([MeasurementRow(world.delivery.pk, monday, v, p.pk) for v, p in ((80.0, ann), (100.0, ben))]
                 + [MeasurementRow(world.delivery.pk, monday, 60.0, team_id=world.a.pk)])
    world.record([MeasurementRow(world.delivery.pk, monday, 70.0, ann.pk)])  # newer: the latest
    run_rollup(full=True)
    team = Rollup.objects.get(metric=world.delivery, scope="team", scope_id=world.a.pk, grain="week", period=monday)
    assert (team.count, team.mean, team.min, team.max, team.median) == (3, 230 / 3, 60, 100, 70)
    assert team.p95 == pytest.approx(70 + 0.9 * 30) and team.latest == 70
    # No single value is within 75–90, but the mean is: the status follows the mean.
    assert (team.on_target_share, team.status, team.trend) == (0, "on_track", None)
    role = Rollup.objects.get(metric=world.delivery, scope="role", grain="week", period=monday)
    assert (role.count, role.mean, role.status) == (2, 85, "on_track")  # team subjects are not the role's people
    org = Rollup.objects.get(metric=world.delivery, scope="org", grain="month", period=datetime.date(2025, 3, 1))
    assert (org.count, org.mean, org.on_target_share) == (3, 230 / 3, 0)


def test_trend_is_the_change_from_the_previous_period_of_the_same_scope(world):
    ann = world.people[0]
    world.record([MeasurementRow(world.delivery.pk, WEEKS[w], v, ann.pk) for w, v in ((0, 70.0), (1, 82.5), (3, 90.0))])
    run_rollup(full=True)
    trends = dict(Rollup.objects.filter(metric=world.delivery, scope="person", grain="week")
                  .values_list("period", "trend"))
    # Week 2 has no data, so week 3 has nothing to compare with.
    assert trends == {WEEKS[0]: None, WEEKS[1]: 12.5, WEEKS[3]: None}


# ---------- idempotence, incrementality, deletions ----------

def test_a_second_run_changes_nothing(world):
    world.load()
    run_rollup(full=True)
    before = stored()
    again = run_rollup(full=True)
    assert stored() == before and again.written == 0 and again.deleted == 0
    assert run_rollup().written == 0 and stored() == before


@pytest.fixture
def no_grace(settings):
    settings.KPI_ROLLUP_GRACE_SECONDS = 0


def test_a_new_measurement_recomputes_only_its_groups(world, no_grace):
    world.load()
    run_rollup(full=True)
    before = stored()
    cat = world.people[2]
    world.record([MeasurementRow(world.delivery.pk, WEEKS[5], 99.0, cat.pk)])
    report = run_rollup()
    # Its week, month and quarter, and the period after each (whose trend depends on them).
    assert (report.full, report.periods) == (False, 6)
    after = stored()
    assert_matches(after, expected())
    april = datetime.date(2025, 4, 1)  # WEEKS[5] is Monday 7 April: April, the second quarter
    touched = {(world.delivery.pk, "week", WEEKS[5]), (world.delivery.pk, "week", WEEKS[6]),
               (world.delivery.pk, "month", april), (world.delivery.pk, "quarter", april)}
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed and {(k[0], k[3], k[4]) for k in changed} <= touched
    assert all(after[k]["computed_at"] == before[k]["computed_at"] for k in before if (k[0], k[3], k[4]) not in touched)


def test_a_late_commit_is_picked_up_by_the_next_incremental_run(world, settings):
    """A writer stamped its rows before the newest row the last run saw, but committed after that run
    started: the grace window finds it; without one it would wait for the nightly full run."""
    world.load()
    first = run_rollup(full=True)
    ann = world.people[0]
    late = first.watermark - datetime.timedelta(seconds=1)
    Measurement.objects.filter(metric=world.delivery, person=ann, period=WEEKS[2]).update(value=1.0, recorded_at=late)
    key = (world.delivery.pk, "person", ann.pk, "week", WEEKS[2])

    grace, settings.KPI_ROLLUP_GRACE_SECONDS = settings.KPI_ROLLUP_GRACE_SECONDS, 0
    run_rollup()
    assert stored()[key]["mean"] != 1.0
    settings.KPI_ROLLUP_GRACE_SECONDS = grace  # the default grace
    run_rollup()
    assert stored()[key]["mean"] == 1.0
    assert_matches(stored(), expected())


def test_rollups_of_a_scope_left_without_data_are_deleted(world, no_grace):
    world.load()
    ann = world.people[0]
    world.record([MeasurementRow(world.rework.pk, WEEKS[8], -12.0, ann.pk)])
    run_rollup(full=True)
    assert Rollup.objects.filter(metric=world.rework, scope="team", scope_id=world.a.pk, grain="week",
                                 period=WEEKS[8]).exists()
    # Ann turns out to have been in B all along: her re-sent week moves from A to B.
    Assignment.objects.filter(person=ann).update(team=world.b)
    world.record([MeasurementRow(world.rework.pk, WEEKS[8], -3.0, ann.pk)])
    Measurement.objects.filter(metric=world.rework).exclude(person=ann, period=WEEKS[8]).delete()
    incremental = run_rollup()
    assert not Rollup.objects.filter(metric=world.rework, scope="team", scope_id=world.a.pk, grain="week",
                                     period=WEEKS[8]).exists()
    assert incremental.deleted >= 1
    full = run_rollup(full=True)  # deleted measurements are only seen by a full run
    assert full.deleted > 0
    assert_matches(stored(), expected())


# ---------- failure and overlap ----------

def test_a_killed_run_leaves_the_previous_rollups_and_the_next_run_completes_them(world, monkeypatch, no_grace):
    world.load()
    run_rollup(full=True)
    before, state = stored(), RollupState.objects.get()
    world.record([MeasurementRow(world.delivery.pk, week, 42.0, world.people[1].pk) for week in WEEKS[:4]])

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")  # after the new rows were written in the run's transaction

    monkeypatch.setattr(backend(), "delete_stale", killed)
    with pytest.raises(SystemExit):
        run_rollup()
    assert stored() == before
    assert RollupState.objects.get().watermark == state.watermark
    monkeypatch.undo()
    report = run_rollup()
    assert report.written > 0 and not report.full
    assert_matches(stored(), expected())


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_overlapping_runs_give_the_rows_of_one_run_without_deadlock(personas):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two connections need PostgreSQL (SQLite serialises every write)")
    world = World(personas.admin)
    world.load()
    barrier, outcomes = threading.Barrier(3), []

    def run(full):
        try:
            barrier.wait(timeout=10)
            outcomes.append(run_rollup(full=full))
        except Exception as exc:  # the outcome under test
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(full,)) for full in (True, False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 3 and not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert_matches(stored(), expected())
    assert Rollup.objects.count() == len(expected())



@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_full_run_in_parallel_parts_gives_the_same_rows_and_clears_a_killed_runs_scratch(personas, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the parallel parts are PostgreSQL's")
    from kpis.rollups.postgres import STAGING

    settings.KPI_ROLLUP_PARALLEL = 3
    world = World(personas.admin)
    world.load()
    with connection.cursor() as cursor:  # what a run killed after its parts committed leaves behind
        cursor.execute(f"INSERT INTO {STAGING} (metric_id, scope, scope_id, grain, period, count, status) "
                       f"VALUES (%s, 'org', 0, 'week', '2020-01-06', 99, 'on_track')", [world.delivery.pk])
    report = run_rollup(full=True)
    assert_matches(stored(), expected())
    assert report.rows == report.written == Rollup.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {STAGING}")
        assert cursor.fetchone()[0] == 0
    # Inside a caller's transaction the parts could not see its uncommitted rows: it computes on one.
    with transaction.atomic():
        world.record([MeasurementRow(world.delivery.pk, WEEKS[1], 3.5, world.people[2].pk)])
        assert run_rollup(full=True).written > 0
        assert_matches(stored(), expected())

# ---------- the rule in SQL ----------

RULES = [TargetRule("between", 75, 90), TargetRule("at_least", 95), TargetRule("at_most", None, 15),
         TargetRule("equals", 100, 100), TargetRule("equals", 0, None), TargetRule("relative", -10, -5),
         TargetRule("relative", 5, 10), TargetRule("between", 0, 0), TargetRule("at_most", None, 0),
         TargetRule("at_least", -3), TargetRule("qualitative")]
VALUES = [-20, -10.5, -10, -9.99, -5, -4.5, -0.5, 0, 0.0001, 4.5, 5, 9.5, 10, 11, 13.5, 15, 16.5, 67.5, 74.99, 75,
          80, 90, 90.01, 94, 95, 99, 100, 100.5, 110, 1e6]


def sql_rule(cases: list[tuple[TargetRule, float]]) -> list[tuple]:
    """(on target as 1/0/NULL, status) per case, from the SQL the PostgreSQL rollup runs."""
    real = "CAST(%s AS DOUBLE PRECISION)"
    rows = " UNION ALL ".join([f"SELECT %s AS n, %s AS rule_kind, {real} AS rule_low, {real} AS rule_high, "
                               f"{real} AS v"] * len(cases))
    params = [p for n, (rule, v) in enumerate(cases) for p in (n, rule.kind, rule.low, rule.high, v)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {postgres.hit_sql('k.v')}, {postgres.status_sql('k.v')} FROM ({rows}) k ORDER BY k.n",
                       params)
        return cursor.fetchall()


def python_rule(rule: TargetRule, value: float) -> tuple:
    hit = rule.on_target(value)
    return (None if hit is None else float(hit), rule.status(value))


def test_the_sql_rule_agrees_with_target_rule_on_a_grid():
    cases = [(rule, float(v)) for rule in RULES for v in VALUES]
    assert sql_rule(cases) == [python_rule(rule, v) for rule, v in cases]


def test_a_rule_missing_a_bound_counts_as_qualitative_in_sql():
    assert sql_rule([(TargetRule("between", 5, None), 3.0), (TargetRule("at_most", 5, None), 3.0)]) == [
        (None, "qualitative"), (None, "qualitative")]


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def rules(draw):
    kind = draw(st.sampled_from(["between", "at_least", "at_most", "equals", "relative", "qualitative"]))
    low, high = sorted([draw(finite), draw(finite)])
    if kind == "at_least":
        return TargetRule(kind, low, draw(st.none() | finite))
    if kind == "at_most":
        return TargetRule(kind, draw(st.none()), high)
    if kind == "equals":
        return TargetRule(kind, low, draw(st.sampled_from([None, low])))
    return TargetRule(kind, low, high)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rule=rules(), values=st.lists(finite | st.sampled_from([0.0, 5.0, -5.0, 100.0]), min_size=1, max_size=8))
def test_the_sql_rule_agrees_with_target_rule_for_any_rule_and_value(rule, values):
    values += [v for v in (rule.low, rule.high) if v is not None]  # the edges are where they could part
    assert sql_rule([(rule, v) for v in values]) == [python_rule(rule, v) for v in values]


@pytest.mark.services
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(finite, min_size=1, max_size=30))
def test_python_percentiles_are_postgres_percentile_cont(values):
    if connection.vendor != "postgresql":
        pytest.skip("percentile_cont is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT percentile_cont(ARRAY[0.5, 0.95]::float8[]) WITHIN GROUP (ORDER BY v) "
                       "FROM unnest(%s::float8[]) v", [values])
        median, p95 = cursor.fetchone()[0]
    ordered = sorted(values)
    assert (percentile_cont(ordered, 0.5), percentile_cont(ordered, 0.95)) == (median, p95)


# ---------- the command ----------

def test_rollup_kpis_command_prints_the_report(world, capsys):
    world.load()
    call_command("rollup_kpis", "--full")
    out = capsys.readouterr().out
    assert "full=True" in out and f"rows={Rollup.objects.count()}" in out
    call_command("rollup_kpis")
    assert "full=False" in capsys.readouterr().out


# ---------- the tasks ----------

def test_the_tasks_run_the_service_with_time_limits_and_retries_and_are_queued_on_commit(
        world, django_capture_on_commit_callbacks, tasks_run_in_process):
    from django.db import OperationalError

    from kpis.services.rollups import schedule_incremental_rollup
    from kpis.tasks import rollup_full, rollup_incremental

    world.load()
    assert rollup_full.apply().get()["full"] is True
    assert rollup_incremental.apply().get()["full"] is False
    for task in (rollup_full, rollup_incremental):
        assert task.time_limit > task.soft_time_limit > 0 and OperationalError in task.autoretry_for
    ran = RollupState.objects.get().last_run_at
    with django_capture_on_commit_callbacks(execute=True):
        schedule_incremental_rollup()
        # Not while the writer's transaction is open: nothing claimed, nothing run.
        assert not RollupQueue.objects.exclude(queued_at=None).exists()
        assert RollupState.objects.get().last_run_at == ran
    assert RollupState.objects.get().last_run_at > ran  # sent on commit, and run (eagerly, here)
    assert RollupQueue.objects.get().queued_at is None  # the run freed the claim when it started
