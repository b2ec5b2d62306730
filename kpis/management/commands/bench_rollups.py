"""python manage.py bench_rollups --measurements 1000000 — the rollup engine against the database's floor.

In a scratch PostgreSQL database (dropped at the end unless --keep) it generates roles, metrics,
teams, people, assignments and N measurements with generate_series (no ORM), then prints one
`name=value` line per figure:

  bare_scan_s        ONE plain statement computing the same statistics (and status and trend) for
                     the same scopes and grains into a temp table: GROUP BY GROUPING SETS, no upsert
  full_rollup_s      run_rollup(full=True) on an empty rollup table, in a child process
  full_rollup_again_s  the nightly case: a second full run over unchanged data
  incremental_s      run_rollup() after 1,000 new measurements written through record_measurements
  peak_rss_mb        the highest peak RSS of the child processes that ran the rollups
  ingest_rows_per_s  record_measurements of 50,000 new rows in chunks of 10,000 (and _update_ re-sent)

Lines starting with # are context (sizes, the steps of the full run, the machine's load).
"""
import datetime
import math
import os
import subprocess
import sys
import time
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from kpis.models import Assignment, Metric, Person, Team
from kpis.rollups import postgres as rollup_sql
from kpis.services.measurements import MeasurementRow, record_measurements
from roles.models import Role

ROLES, HISTORY_WEEKS, INGEST_WEEKS = 12, 104, 8
GRAINS = ("week", "week", "week", "week", "month", "quarter")
RULES = (("between", 75, 90), ("at_most", None, 15), ("at_least", 95, None), ("equals", 100, 100),
         ("relative", -10, -5), ("qualitative", None, None))

GENERATE = """
INSERT INTO kpis_measurement (metric_id, person_id, team_id, subject_key, period, value, note, source, recorded_at)
SELECT k.id, a.person_id, a.team_id, 'person:' || a.person_id, d::date, round((random() * 120)::numeric, 2)::float8,
       '', 'demo', %(recorded_at)s
FROM kpis_assignment a
JOIN kpis_metric k ON k.role_id = a.role_id
CROSS JOIN LATERAL generate_series(
    date_trunc(k.grain, a.starts_on::timestamp) + CASE WHEN date_trunc(k.grain, a.starts_on::timestamp) < a.starts_on
                                                     THEN {step} ELSE interval '0' END,
    COALESCE(a.ends_on, %(end)s), {step}) d
LIMIT %(person_rows)s;
INSERT INTO kpis_measurement (metric_id, team_id, subject_key, period, value, note, source, recorded_at)
SELECT k.id, t.id, 'team:' || t.id, d::date, round((random() * 120)::numeric, 2)::float8, '', 'demo', %(recorded_at)s
FROM kpis_team t CROSS JOIN (SELECT id FROM kpis_metric WHERE grain = 'week' ORDER BY id LIMIT 1) k
CROSS JOIN generate_series(%(start)s::date, %(end)s, interval '1 week') d
LIMIT %(team_rows)s;
""".format(step="(CASE k.grain WHEN 'week' THEN interval '1 week' WHEN 'month' THEN interval '1 month' "
                "ELSE interval '3 months' END)")

# The floor: the same statistics, status and trend for the same scopes and grains, written the plain
# way — one GROUP BY GROUPING SETS per scope, a window for the trend — into a temp table.
BARE_SCAN = f"""
CREATE TEMP TABLE bare_scan AS
SELECT g.*, {rollup_sql.status_sql('g.mean')} AS status,
       CASE WHEN lag(g.period) OVER w = (g.period - {rollup_sql.STEP.format(g='g.grain')})::date
            THEN g.mean - lag(g.mean) OVER w END AS trend
FROM (
    SELECT b.metric_id, b.grain, b.gperiod AS period,
           CASE WHEN GROUPING(b.person_id) = 0 THEN 1 WHEN GROUPING(b.team_id) = 0 THEN 2
                WHEN GROUPING(b.role_id) = 0 THEN 3 ELSE 4 END AS scope,
           COALESCE(b.person_id, b.team_id, b.role_id, 0) AS scope_id,
           count(*) AS count, avg(b.value) AS mean, min(b.value) AS min, max(b.value) AS max,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY b.value) AS median,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY b.value) AS p95,
           (max(b.recency))[4] AS latest, avg(b.hit) AS on_target_share
    FROM (SELECT b.*, CASE WHEN NOT b.team_subject THEN k.role_id END AS role_id
          FROM ({rollup_sql.BASE_ALL}) b JOIN kpis_metric k ON k.id = b.metric_id) b
    GROUP BY b.metric_id, b.grain, b.gperiod, GROUPING SETS ((b.person_id), (b.team_id), (b.role_id), ())
    HAVING (GROUPING(b.person_id) = 1 OR b.person_id IS NOT NULL) AND (GROUPING(b.team_id) = 1 OR b.team_id IS NOT NULL)
       AND (GROUPING(b.role_id) = 1 OR b.role_id IS NOT NULL)
) g JOIN kpis_metric k ON k.id = g.metric_id
WINDOW w AS (PARTITION BY g.metric_id, g.scope, g.scope_id, g.grain ORDER BY g.period)
"""


class Command(BaseCommand):
    help = "Benchmark the KPI rollups on synthetic data in a scratch PostgreSQL database."

    def add_arguments(self, parser):
        parser.add_argument("--measurements", type=int, default=1_000_000)
        parser.add_argument("--database", default="blueprint_bench_rollups", help="scratch database name")
        parser.add_argument("--keep", action="store_true", help="keep the scratch database")
        parser.add_argument("--ingest", type=int, default=50_000, help="rows for the ingest figure")

    def handle(self, *args, measurements: int, database: str, keep: bool, ingest: int, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_rollups measures PostgreSQL (percentile_cont, GROUPING SETS, a scratch "
                               "database); set DATABASE_URL=postgres://… and run it again.")
        original = connection.settings_dict["NAME"]
        self._admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', f'CREATE DATABASE "{database}"')
        try:
            self._use(database)
            self._run(measurements, ingest)
        finally:
            self._use(original)
            if not keep:
                self._admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            else:
                self.stdout.write(f"# kept database {database}")

    # ---------- the figures ----------

    def _run(self, measurements: int, ingest: int) -> None:
        call_command("migrate", verbosity=0)
        clock = time.perf_counter()
        sizes = self._generate(measurements)
        self.stdout.write(f"# generated {sizes} in {time.perf_counter() - clock:.1f} s")
        self._figure("bare_scan_s", self._bare_scan())
        full = self._child_rollup(full=True)
        self._figure("full_rollup_s", full["duration_s"])
        again = self._child_rollup(full=True)
        self._figure("full_rollup_again_s", again["duration_s"])
        self._settle()
        self._new_measurements(1_000)
        incremental = self._child_rollup(full=False)
        self._figure("incremental_s", incremental["duration_s"])
        self._figure("peak_rss_mb", max(r["peak_rss_mb"] for r in (full, again, incremental)))
        created, updated = self._ingest(ingest)
        self._figure("ingest_rows_per_s", round(created))
        self._figure("ingest_update_rows_per_s", round(updated))
        self.stdout.write(f"# load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")

    def _settle(self) -> None:
        """Vacuum what the full runs wrote, so autovacuum does not run during the timed steps after."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE kpis_rollup")

    def _figure(self, name: str, value) -> None:
        self.stdout.write(f"{name}={value:.3f}" if isinstance(value, float) else f"{name}={value}")

    def _generate(self, measurements: int) -> dict:
        monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
        end = monday - datetime.timedelta(weeks=1)  # up to last week: this week's rows are the incremental's
        start = (end - datetime.timedelta(weeks=HISTORY_WEEKS - 1)).replace(day=1)  # every grain starts whole
        middle = start + (end - start) / 2
        per_person = 4 * HISTORY_WEEKS + HISTORY_WEEKS // 4 + HISTORY_WEEKS // 13
        team_rows = max(measurements // 100, 1)
        people = math.ceil((measurements - team_rows) / per_person * 1.05)
        teams = max(people // 20, 5)
        with transaction.atomic():
            self._people(people=people, teams=teams, start=start, middle=middle)
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Checked once at the end instead of once per row at commit: the scratch data is consistent.
                cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                               "WHERE conrelid = 'kpis_measurement'::regclass AND contype = 'f'")
                foreign_keys = cursor.fetchall()
                for name, _ in foreign_keys:
                    cursor.execute(f'ALTER TABLE kpis_measurement DROP CONSTRAINT "{name}"')
                cursor.execute(GENERATE, dict(start=start, end=end, person_rows=measurements - team_rows,
                                              team_rows=team_rows,
                                              recorded_at=timezone.now() - datetime.timedelta(days=1)))
                for name, definition in foreign_keys:
                    cursor.execute(f'ALTER TABLE kpis_measurement ADD CONSTRAINT "{name}" {definition}')
        with connection.cursor() as cursor:
            # Settled, as a table is in steady state: hint bits set and statistics fresh, so no timed
            # statement pays for the bulk load, and autovacuum has nothing left to do meanwhile.
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SELECT count(*) FROM kpis_measurement")
            total = cursor.fetchone()[0]
        return dict(measurements=total, people=people, teams=teams, roles=ROLES, metrics=ROLES * 6,
                    weeks=HISTORY_WEEKS)

    def _people(self, *, people: int, teams: int, start: datetime.date, middle: datetime.date) -> None:
        """Roles with six KPIs each (four weekly, one monthly, one quarterly, every kind of rule), teams,
        people and their assignments: a few thousand rows, so the ORM (and every model default) is fine.
        One person in ten moves to another team half-way through."""
        roles = Role.objects.bulk_create([Role(title=f"Bench role {i}", slug=f"bench-role-{i}", family="Bench")
                                          for i in range(ROLES)])
        Metric.objects.bulk_create([
            Metric(role=role, key=f"kpi-{p}", name=f"KPI {p}", grain=GRAINS[p], position=p,
                   rule_kind=RULES[(p + n) % 6][0], rule_low=RULES[(p + n) % 6][1], rule_high=RULES[(p + n) % 6][2])
            for n, role in enumerate(roles) for p in range(6)])
        team_list = Team.objects.bulk_create([Team(name=f"Bench team {i}", slug=f"bench-team-{i}")
                                              for i in range(teams)])
        persons = Person.objects.bulk_create([Person(name=f"Person {i}", email=f"p{i}@bench.example")
                                              for i in range(people)])
        assignments = []
        for i, person in enumerate(persons):
            role, team = roles[i % ROLES], team_list[(i * 7) % teams]
            moves = i % 10 == 0
            assignments.append(Assignment(person=person, role=role, team=team, starts_on=start,
                                          ends_on=middle - datetime.timedelta(days=1) if moves else None))
            if moves:
                assignments.append(Assignment(person=person, role=role, team=team_list[(i * 7 + 1) % teams],
                                              starts_on=middle))
        Assignment.objects.bulk_create(assignments)

    def _bare_scan(self) -> float:
        with transaction.atomic(), connection.cursor() as cursor:
            # The same session settings as the rollup's own statements.
            cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
                           [settings.KPI_ROLLUP_WORK_MEM])
            clock = time.perf_counter()
            cursor.execute(BARE_SCAN)
            seconds = time.perf_counter() - clock
            self.stdout.write(f"# bare scan: {cursor.rowcount} rows")
            transaction.set_rollback(True)
        return seconds

    def _child_rollup(self, *, full: bool) -> dict:
        """rollup_kpis in a child process, so its peak RSS is the rollup's own."""
        db = connection.settings_dict
        auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
        env = dict(os.environ, DATABASE_URL=f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
                                            f"/{db['NAME']}")
        command = [sys.executable, "manage.py", "rollup_kpis", "--verbosity", "2"] + (["--full"] if full else [])
        done = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
        if done.returncode:
            raise CommandError(f"rollup_kpis failed:\n{done.stderr[-3000:]}")
        figures = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
        steps = [line.split("kpis.rollups.postgres", 1)[-1].strip(" -[]") for line in done.stderr.splitlines()
                 if "kpis.rollups.postgres" in line]
        self.stdout.write(f"# {'full' if full else 'incremental'} rollup: {figures['rows']} rows computed, "
                          f"{figures['written']} written; " + "; ".join(steps))
        return {"duration_s": float(figures["duration_s"]), "peak_rss_mb": float(figures["peak_rss_mb"])}

    def _admin(self):
        from django.contrib.auth.models import User

        return User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
            "bench-admin", "bench-admin@example.com", None)

    def _rows(self, weeks: list[datetime.date], limit: int, people=None) -> list[MeasurementRow]:
        """Weekly measurements of the people still assigned (or of `people`), for the given weeks."""
        query = Assignment.objects.filter(ends_on__isnull=True)
        if people is not None:
            query = query.filter(person__in=people)
        pairs = [(person_id, metric_id) for person_id, role_id in query.order_by("person_id").values_list(
                 "person_id", "role_id") for metric_id in self._weekly[role_id]]
        rows = [MeasurementRow(metric_id=metric_id, period=week, value=float(n % 97), person_id=person_id)
                for week in weeks for n, (person_id, metric_id) in enumerate(pairs)]
        return rows[:limit]

    @property
    def _weekly(self) -> dict[int, list[int]]:
        weekly = {}
        for metric_id, role_id in Metric.objects.filter(grain="week").order_by("pk").values_list("pk", "role_id"):
            weekly.setdefault(role_id, []).append(metric_id)
        return weekly

    def _new_measurements(self, count: int) -> None:
        monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
        result = record_measurements(rows=self._rows([monday], count), by=self._admin(), source="api")
        self.stdout.write(f"# incremental after {result.created} new measurements this week")

    def _ingest(self, count: int, chunk: int = 10_000) -> tuple[float, float]:
        """New rows (people who joined INGEST_WEEKS ago, with no measurements yet), then the same re-sent."""
        monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
        weeks = [monday - datetime.timedelta(weeks=w) for w in range(INGEST_WEEKS)]
        newcomers = Person.objects.bulk_create([Person(name=f"Newcomer {i}", email=f"new{i}@bench.example")
                                                for i in range(math.ceil(count / (4 * INGEST_WEEKS)))])
        roles, teams = list(Role.objects.order_by("pk")), list(Team.objects.order_by("pk"))
        Assignment.objects.bulk_create([Assignment(person=p, role=roles[i % len(roles)], team=teams[i % len(teams)],
                                                   starts_on=weeks[-1]) for i, p in enumerate(newcomers)])
        rows, admin, rates = self._rows(weeks, count, people=newcomers), self._admin(), []
        for attempt in ("insert", "update"):
            clock, done = time.perf_counter(), []
            for start in range(0, len(rows), chunk):
                done.append(record_measurements(rows=rows[start:start + chunk], by=admin, source="api"))
            rates.append(len(rows) / (time.perf_counter() - clock))
            self.stdout.write(f"# ingest ({attempt}): {sum(r.created for r in done)} created, "
                              f"{sum(r.updated for r in done)} updated in chunks of {chunk}")
        return rates[0], rates[1]

    # ---------- databases ----------

    def _admin_sql(self, *statements: str) -> None:
        db = connection.settings_dict
        with psycopg.connect(dbname="postgres", host=db["HOST"] or None, port=db["PORT"] or None,
                             user=db["USER"] or None, password=db["PASSWORD"] or None, autocommit=True) as admin:
            for statement in statements:
                admin.execute(statement)

    def _use(self, name: str) -> None:
        for conn in connections.all():
            conn.close()
        connection.settings_dict["NAME"] = name
