"""The scheduled rollup end to end: a real Celery beat (DatabaseScheduler) sends kpis.rollup_incremental
every two seconds to a real worker, which rolls up the measurements the test wrote; the numbers are
checked against the plain Python computation, then a new measurement is picked up by the next run.

With REDIS_URL set (CI) the broker is Redis, otherwise the embedded filesystem broker. On PostgreSQL
the processes share pytest-django's test database (a transactional test, so they see committed
rows); on SQLite they share a database file in the test's temp folder. Never skipped.
"""
import os
import re
import sqlite3
import time
import uuid
from urllib.parse import quote

import pytest
from django.db import connection

from ..test_celery_embedded import celery_processes, project_env, run_python, worker_args  # noqa: F401

WAIT_SECONDS = 60

SETUP = """
import django
django.setup()
from blueprint.celery import app
app.conf.task_default_queue = {queue!r}  # where the run its writes ask for goes
from django.contrib.auth.models import User
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from tests.kpis.test_rollups import World
if {migrate}:
    call_command("migrate", verbosity=0)
World(User.objects.create_superuser("worker-admin", "worker-admin@example.com", "x")).load()
# Only the test's schedule, on the test's own queue: no other worker may take it.
PeriodicTask.objects.update(enabled=False)
every_two_seconds, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.create(name="KPI rollup under test", task="kpis.rollup_incremental", interval=every_two_seconds,
                            queue={queue!r})
"""

RECORD = """
import datetime
import django
django.setup()
from blueprint.celery import app
app.conf.task_default_queue = {queue!r}
from django.contrib.auth.models import User
from kpis.models import Metric, Person
from kpis.services.measurements import MeasurementRow, record_measurements
from tests.kpis.test_rollups import WEEKS
metric, person = Metric.objects.get(key="delivery"), Person.objects.get(email="cat@example.com")
record_measurements(rows=[MeasurementRow(metric.pk, WEEKS[-1] + datetime.timedelta(weeks=1), 12.5, person.pk)],
                    by=User.objects.get(username="worker-admin"), source="api")
"""

CHECK = """
import django
django.setup()
from kpis.models import Rollup
from tests.kpis.test_rollups import assert_matches, expected, stored
assert_matches(stored(), expected())
print(Rollup.objects.count())
"""

PROGRESS = """SELECT (SELECT count(*) FROM kpis_rollup),
    (SELECT watermark FROM kpis_rollupstate WHERE name = 'default'),
    (SELECT max(recorded_at) FROM kpis_measurement)"""


def _database_url() -> str:
    """pytest-django's test database, for processes started by the test."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


class Progress:
    """How far the rollups are: (rollup rows, watermark, newest measurement), read without Django on
    SQLite (the file the processes use) and through the test's own connection on PostgreSQL."""

    def __init__(self, sqlite_path=None):
        self.sqlite_path = sqlite_path

    def read(self) -> tuple:
        if self.sqlite_path is None:
            with connection.cursor() as cursor:
                cursor.execute(PROGRESS)
                return cursor.fetchone()
        if not self.sqlite_path.exists():
            return 0, None, None
        with sqlite3.connect(self.sqlite_path, timeout=10) as db:
            return db.execute(PROGRESS).fetchone()

    def caught_up(self) -> bool:
        rows, watermark, newest = self.read()
        return bool(rows) and watermark is not None and watermark >= newest


def wait_until(condition, what: str, processes) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        for process in processes:
            if process.process.poll() is not None:
                pytest.fail(f"{process.name} exited before {what}:\n{process.log[-3000:]}")
        time.sleep(0.25)
    logs = "\n".join(f"--- {p.name}\n{p.log[-2000:]}" for p in processes)
    pytest.fail(f"no {what} within {WAIT_SECONDS}s:\n{logs}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_schedules_the_rollup_and_a_real_worker_computes_it(tmp_path, celery_processes):  # noqa: F811
    on_postgres = connection.vendor == "postgresql"
    extra = {"DATABASE_URL": _database_url()} if on_postgres else {}
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    env = project_env(tmp_path, **extra)
    progress = Progress(None if on_postgres else tmp_path / "db.sqlite3")
    queue = f"kpi-rollup-{uuid.uuid4().hex[:12]}"
    run_python(SETUP.format(migrate=not on_postgres, queue=queue), env)

    beat = celery_processes("beat", ["beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")], env, tmp_path)
    worker = celery_processes("worker", worker_args(queue), env, tmp_path)
    wait_until(progress.caught_up, "rollups from the scheduled task", [beat, worker])
    rows = int(run_python(CHECK, env))
    assert rows == progress.read()[0] > 0

    run_python(RECORD.format(queue=queue), env)  # picked up by the run it asks for, or the next scheduled one
    wait_until(progress.caught_up, "rollups of the new measurement", [beat, worker])
    assert int(run_python(CHECK, env)) > rows

    assert "Sending due task KPI rollup under test (kpis.rollup_incremental)" in beat.log
    assert "Task kpis.rollup_incremental" in worker.log and "succeeded" in worker.log
    assert ("redis://" if "REDIS_URL" in extra else "filesystem://") in worker.log
    assert worker.stop() == 0 and beat.stop() == 0


# ---------- a rule change queues its own run ----------

# Each script sends its tasks to the test's own queue, as every process of a deployment sends to the one
# its workers read (no other worker on the broker may take them).
LOAD_HISTORY = """
import django
django.setup()
from blueprint.celery import app
app.conf.task_default_queue = {queue!r}
from django.contrib.auth.models import User
from django.core.management import call_command
if {migrate}:
    call_command("migrate", verbosity=0)
from tests.kpis.test_rule_changes import load_history
load_history(User.objects.create_superuser("worker-admin", "worker-admin@example.com", "x"))
"""

PUBLISH_TIGHTER = """
import django
django.setup()
from blueprint.celery import app
app.conf.task_default_queue = {queue!r}
from roles.services.importing import import_document
from tests.kpis.test_rule_changes import latency_document
import_document(latency_document("≤ 10% of requests"), publish=True)
"""

CHECK_TIGHTENED = """
import django
django.setup()
from kpis.models import Metric
from tests.kpis.test_rule_changes import LATENCY, assert_tightened
assert_tightened(Metric.objects.get(key=LATENCY))
print("tightened")
"""


def finished_runs(worker) -> list[str]:
    """The reports of the incremental runs the worker finished, as it logged them."""
    return re.findall(r"Task kpis\.rollup_incremental\[[^\]]+\] succeeded in [\d.]+s: (.*)", worker.log)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_a_tighter_target_queues_a_run_that_recomputes_every_period(tmp_path, celery_processes):  # noqa: F811
    """No beat: the run that recomputes the statuses is the one the publish queued, taken by a real worker."""
    on_postgres = connection.vendor == "postgresql"
    extra = {"DATABASE_URL": _database_url()} if on_postgres else {}
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    env = project_env(tmp_path, **extra)
    queue = f"kpi-rules-{uuid.uuid4().hex[:12]}"
    run_python(LOAD_HISTORY.format(migrate=not on_postgres, queue=queue), env)  # its writes queued one run
    worker = celery_processes("worker", worker_args(queue), env, tmp_path)
    wait_until(lambda: len(finished_runs(worker)) == 1, "the run the history's writes queued", [worker])

    run_python(PUBLISH_TIGHTER.format(queue=queue), env)
    wait_until(lambda: len(finished_runs(worker)) == 2, "the run the publish queued", [worker])
    assert run_python(CHECK_TIGHTENED, env) == "tightened"
    report = finished_runs(worker)[1]
    assert "'full': False" in report and int(re.search(r"'periods': (\d+)", report)[1]) >= 26
    assert worker.stop() == 0 and len(finished_runs(worker)) == 2
