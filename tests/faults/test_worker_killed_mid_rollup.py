"""A Celery worker killed (SIGKILL) in the middle of a rollup: the previous rollups stay as they were
until the next run, and the next run leaves exactly the rows of an uninterrupted one.

A real worker (solo pool, so the process that is killed is the one holding the database connection)
runs kpis.rollup_full over measurements that all changed since the last rollup, so the run rewrites
every row. On PostgreSQL the test holds a lock on one rollup row: the run, which holds its rollup
state lock and has started writing, stops there, waiting; the worker is killed at that moment. On
SQLite (one writer at a time) it is killed while its run holds the database's write lock, part-way
through. Then a new worker runs what beat sends next (kpis.rollup_incremental), and its rows are
compared, row for row, with a rollup computed from scratch without interruption.
"""
import datetime
import math
import os
import random
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from kpis.models import Assignment, Measurement, Person, Rollup, RollupState
from kpis.services.rollups import run_rollup

from ..kpis.test_rollup_worker import _database_url
from ..kpis.test_rollups import World
from ..test_celery_embedded import CeleryProcess, project_env, run_python, worker_args
from .processes import database_for_subprocesses, sqlite_write_locked, wait_until

# The run to kill, and the one beat sends next: each waits in its own queue for its own worker.
SEND = """
import django
django.setup()
from kpis.tasks import rollup_full, rollup_incremental
rollup_full.apply_async(queue={killed!r})
rollup_incremental.apply_async(queue={next!r})
"""

ROWS = ("SELECT metric_id, scope, scope_id, grain, period, count, mean, min, max, median, p95, latest, "
        "on_target_share, status, trend FROM kpis_rollup")
STATE = "SELECT watermark, last_run_at, last_full_at FROM kpis_rollupstate WHERE name = 'default'"

# The worker's backend is waiting for the test's row lock while it holds the rollup state lock and
# a write lock on the rollup table: the run is part-way through writing.
FROZEN_MID_WRITE = """
SELECT a.pid FROM pg_stat_activity a
WHERE %(blocker)s = ANY(pg_blocking_pids(a.pid))
  AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted AND l.mode = 'RowExclusiveLock'
              AND l.relation = 'kpis_rollup'::regclass)
  AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted
              AND l.relation = 'kpis_rollupstate'::regclass)
"""


def rows_of(query) -> dict[tuple, tuple]:
    """Every rollup row by its key (metric, scope, scope id, grain, period)."""
    return {(m, scope, sid, grain, str(period)): tuple(stats) for m, scope, sid, grain, period, *stats in query(ROWS)}


def same_numbers(a: tuple, b: tuple) -> bool:
    """Equal, floats to 1e-9: a sum may differ in its last bit with the order rows are added in, and a
    trend (a difference of two means) carries that to the 1e-12 place."""
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
                                    if isinstance(x, float) and isinstance(y, float) else x == y
                                    for x, y in zip(a, b))


def uninterrupted_rollup() -> dict[tuple, tuple]:
    """The rows a rollup from scratch computes, without interruption, on the test's data; rolled back."""
    with transaction.atomic():
        Rollup.objects.all().delete()
        RollupState.objects.all().delete()
        run_rollup(full=True)
        rows = Database().rows()
        transaction.set_rollback(True)
    return rows


class Database:
    """The rollups through the test's own connection (pytest-django's test database, which the
    processes share on PostgreSQL), or in the SQLite file that the processes share."""

    def __init__(self, sqlite_path: Path | None = None):
        self.sqlite_path = sqlite_path

    def query(self, sql: str, params=None) -> list[tuple]:
        if self.sqlite_path is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        import sqlite3

        with sqlite3.connect(self.sqlite_path, timeout=30) as db:
            return db.execute(sql, params or ()).fetchall()

    def rows(self) -> dict[tuple, tuple]:
        return rows_of(self.query)

    def state(self) -> tuple:
        return tuple(str(value) for value in self.query(STATE)[0])


def add_people(world: World, people: int, weeks: int) -> None:
    """More of the world: `people` more people in teams A and B, each measured on delivery every week."""
    rng = random.Random(11)
    added = Person.objects.bulk_create(Person(name=f"extra {i}", email=f"extra{i}@example.com") for i in range(people))
    teams = (world.a, world.b)
    Assignment.objects.bulk_create(Assignment(person=p, role=world.role, team=teams[i % 2],
                                              starts_on=datetime.date(2024, 1, 1)) for i, p in enumerate(added))
    first, now = datetime.date(2024, 1, 1), timezone.now()
    Measurement.objects.bulk_create(
        (Measurement(metric=world.delivery, person=p, team=teams[i % 2], subject_key=f"person:{p.pk}",
                     period=first + datetime.timedelta(weeks=w), value=round(rng.uniform(60, 100), 2),
                     source="api", recorded_at=now)
         for i, p in enumerate(added) for w in range(weeks)), batch_size=2000)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_rollup_leaves_the_old_rollups_and_the_next_run_completes_them(
        tmp_path, started, personas):
    on_postgres = connection.vendor == "postgresql"
    world = World(personas.admin)
    world.load()
    add_people(world, people=60, weeks=52)
    clock = time.monotonic()
    run_rollup(full=True)
    full_run_seconds = time.monotonic() - clock
    # Every measurement changes after that rollup: the next run rewrites every row.
    Measurement.objects.update(value=F("value") + 7.5, recorded_at=timezone.now())
    uninterrupted = uninterrupted_rollup()

    extra = database_for_subprocesses(tmp_path)
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    env = project_env(tmp_path, **extra)
    db = Database(None if on_postgres else tmp_path / "db.sqlite3")
    before, state = db.rows(), db.state()
    assert len(before) > 4000

    blocker = None
    if on_postgres:
        blocker = psycopg.connect(_database_url())
        blocker.execute("SELECT id FROM kpis_rollup ORDER BY id DESC LIMIT 1 FOR UPDATE")
    killed_queue, next_queue = (f"rollup-{name}-{uuid.uuid4().hex[:12]}" for name in ("killed", "next"))
    run_python(SEND.format(killed=killed_queue, next=next_queue), env)
    worker = started(CeleryProcess("worker-killed", worker_args(killed_queue), env, tmp_path))
    try:
        if on_postgres:
            [(victim,)] = wait_until(lambda: db.query(FROZEN_MID_WRITE, {"blocker": blocker.info.backend_pid}),
                                     "rollup waiting on the test's row lock", logs=[worker.log_path])
        else:
            wait_until(lambda: sqlite_write_locked(db.sqlite_path), "rollup holding the write lock",
                       logs=[worker.log_path])
            time.sleep(full_run_seconds * 0.4)
            assert sqlite_write_locked(db.sqlite_path), "the run ended before it could be killed"
        worker.process.kill()
        worker.process.wait(timeout=10)
        assert "Task kpis.rollup_full" in worker.log and "succeeded" not in worker.log
        # Between the kill and the next run, readers see the previous rollups, whole.
        assert db.state() == state and db.rows() == before
    finally:
        if blocker is not None:
            blocker.close()  # the killed run's backend goes on, fails to answer its dead client, rolls back
    if on_postgres:
        wait_until(lambda: not db.query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [victim]),
                   "the killed worker's backend to end")
    else:
        assert not sqlite_write_locked(db.sqlite_path)
    assert db.state() == state and db.rows() == before

    # The next scheduled run, on a new worker, completes the work.
    worker = started(CeleryProcess("worker-next", worker_args(next_queue), env, tmp_path))
    wait_until(lambda: db.state()[1] != state[1], "the next rollup", logs=[worker.log_path], timeout=60)
    after = db.rows()
    assert after != before
    assert after.keys() == uninterrupted.keys()
    differ = {key: (row, uninterrupted[key]) for key, row in after.items() if not same_numbers(row, uninterrupted[key])}
    assert not differ, "\n".join(f"{key}: {a} != {b}" for key, (a, b) in list(differ.items())[:20])
