"""A full rollup that a real worker is running, held part-way by the test until it lets go, so that the test
can break something (Redis, the worker) while the run is in progress; and the rows that the run must leave.

On PostgreSQL the test locks one rollup row: the run, which rewrites every row (each measurement changed
since the previous rollup) and already holds its rollup-state lock, waits there to write it. On SQLite the
test holds the database's write lock: the run waits for it to begin (the busy timeout is 30 s, so the test
lets go well before). Either way the run cannot end before the test lets go.
"""
import sqlite3
import time
from pathlib import Path

import psycopg
from django.db import connection
from django.db.models import F
from django.utils import timezone

from kpis.models import Measurement
from kpis.services.rollups import run_rollup

from ..kpis.test_rollup_worker import _database_url
from ..kpis.test_rollups import World
from .processes import database_for_subprocesses, wait_until
from .test_worker_killed_mid_rollup import FROZEN_MID_WRITE, Database, add_people, same_numbers, uninterrupted_rollup


class HeldRollup:
    """The test's data rolled up once, then every measurement changed: the next full run rewrites every row.
    `env` points processes at the data (the test database on PostgreSQL, a copy of it on SQLite)."""

    def __init__(self, personas, tmp_path: Path, people: int = 20, weeks: int = 26):
        world = World(personas.admin)
        world.load()
        add_people(world, people=people, weeks=weeks)
        run_rollup(full=True)
        Measurement.objects.update(value=F("value") + 7.5, recorded_at=timezone.now())
        self.expected = uninterrupted_rollup()
        self.on_postgres = connection.vendor == "postgresql"
        self.env = database_for_subprocesses(tmp_path)
        self.db = Database(None if self.on_postgres else tmp_path / "db.sqlite3")
        self.before, self.state = self.db.rows(), self.db.state()
        self._lock = None

    def hold(self) -> None:
        if self.on_postgres:
            self._lock = psycopg.connect(_database_url())
            self._lock.execute("SELECT id FROM kpis_rollup ORDER BY id DESC LIMIT 1 FOR UPDATE")
        else:
            self._lock = sqlite3.connect(self.db.sqlite_path, timeout=0, isolation_level=None)
            # As the portal's processes open it (settings.DATABASES): switching later would need this lock.
            self._lock.execute("PRAGMA journal_mode=WAL")
            self._lock.execute("BEGIN IMMEDIATE")

    def wait_until_held(self, worker) -> int | None:
        """Return once the worker's run waits on the test; on PostgreSQL, the pid of its backend."""
        if self.on_postgres:
            [(pid,)] = wait_until(lambda: self.db.query(FROZEN_MID_WRITE, {"blocker": self._lock.info.backend_pid}),
                                  "rollup waiting on the test's row lock", logs=[worker.log_path])
            return pid
        wait_until(lambda: "Task kpis.rollup_full" in worker.log, "the worker to take the rollup",
                   logs=[worker.log_path])
        time.sleep(0.5)  # from the worker's main process to the process that runs it
        return None

    def let_go(self) -> None:
        if self._lock is not None:
            if not self.on_postgres:
                self._lock.execute("ROLLBACK")
            self._lock.close()
            self._lock = None

    def wait_for_backend_to_end(self, pid: int | None) -> None:
        """A killed worker's database session ends (PostgreSQL notices the dead client within seconds)."""
        if pid is not None:
            wait_until(lambda: not self.db.query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]),
                       "the killed worker's backend to end")

    def completed(self) -> bool:
        """Whether a full run has committed since the test's data was set up."""
        return self.db.state()[2] != self.state[2]

    def assert_complete(self) -> None:
        """The rollups are exactly those of a run from scratch, without interruption."""
        after = self.db.rows()
        assert after != self.before and after.keys() == self.expected.keys()
        differ = {key: (row, self.expected[key]) for key, row in after.items()
                  if not same_numbers(row, self.expected[key])}
        assert not differ, "\n".join(f"{key}: {a} != {b}" for key, (a, b) in list(differ.items())[:20])
