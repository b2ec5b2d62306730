"""Throwaway processes that the fault tests start and then break: a private Redis server, a private
PostgreSQL cluster and a gunicorn web server. The shared PostgreSQL (5432) and Redis (6379) are
never stopped: other people use them.

Each process gets a free port of its own, so the tests run side by side under xdist. Processes are
ended by their own pid, in the fixtures' teardown, whatever the test did.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from ..kpis.test_rollup_worker import _database_url

WAIT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, what: str, timeout: float = WAIT_SECONDS, logs=()):
    """Poll `condition` until it returns something truthy, which is returned; fail naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    tails = "\n".join(f"--- {path}\n{Path(path).read_text(errors='replace')[-3000:]}" for path in logs)
    pytest.fail(f"no {what} within {timeout}s\n{tails}")


def database_for_subprocesses(tmp_path: Path) -> dict[str, str]:
    """Environment that points processes started by a transactional test at what the test committed:
    pytest-django's test database on PostgreSQL; on SQLite (an in-memory test database) a copy of it
    in tmp_path/db.sqlite3, the default database of a process whose BLUEPRINT_VAR_DIR is tmp_path."""
    if connection.vendor == "postgresql":
        return {"DATABASE_URL": _database_url()}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(tmp_path / "db.sqlite3")])
    return {}


def sqlite_write_locked(path: Path) -> bool:
    """Whether another connection holds the write lock of a SQLite file (a run in progress there)."""
    db = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return True
    finally:
        db.close()


class LoggedProcess:
    """A background process whose output goes to a log file; ended by its pid."""

    def __init__(self, name: str, args: list[str], *, env: dict[str, str] | None, workdir: Path):
        self.name = name
        self.log_path = workdir / f"{name}.log"
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(args, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGCONT)  # a frozen process cannot act on SIGTERM
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()


# ---------- Redis ----------

class PrivateRedis:
    """redis-server on a free port, no persistence; it can be killed, started again on the same port,
    frozen (SIGSTOP: connections open, no answers) and thawed."""

    def __init__(self, workdir: Path):
        if not shutil.which("redis-server"):
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        self.workdir, self.port, self.server = workdir, free_port(), None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.server = LoggedProcess("redis", ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                              "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
                                    env=None, workdir=self.workdir)
        wait_until(self._answers, f"answer from redis-server on port {self.port}", logs=[self.server.log_path])

    def _answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def queued(self, queue: str = "celery") -> int:
        """How many messages wait in a Celery queue (a Redis list of the same name)."""
        import redis

        return redis.Redis(port=self.port, socket_timeout=2).llen(queue)

    def kill(self) -> None:
        self.server.kill()

    def freeze(self) -> None:
        self.server.signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.server.signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


# ---------- PostgreSQL ----------

def postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL binaries (initdb, pg_ctl, pg_dump …), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of its own (initdb in a temp folder, a free port, trust authentication),
    which can be restarted under the processes that use it.

    initdb and pg_ctl refuse to run as root: as root (CI) they run as the postgres user, in a folder
    it owns. The folder is made with mkdtemp in the system temp dir, because pytest's tmp_path sits
    under a root-only folder that postgres could not enter."""

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None:
            pytest.skip("no PostgreSQL server binaries in /usr/lib/postgresql (apt-get install postgresql)")
        self.as_root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data, self.port = self.folder / "data", free_port()
        try:
            if self.as_root:
                shutil.chown(self.folder, "postgres", "postgres")
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C",
                      "--no-sync", "--no-instructions")
            options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off")
            self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-o", options, "-w", "-t", "60",
                      "start")
        except BaseException:
            self.stop()
            raise

    @property
    def log_path(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str, stdin: bytes | None = None) -> str:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=120, cwd=self.folder)
        if done.returncode != 0:
            log = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
            pytest.fail(f"{program} {' '.join(args)} failed ({done.returncode}):\n"
                        f"{done.stdout.decode(errors='replace')}{done.stderr.decode(errors='replace')}\n{log}")
        return done.stdout.decode()

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run("psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", self.url(database), "-c", sql)

    def copy_database(self, source_url: str, database: str) -> None:
        """Create `database` here as a copy of another server's database (schema and rows)."""
        self.psql(f'CREATE DATABASE "{database}"')
        dump = subprocess.run([str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
                              capture_output=True, timeout=120)
        assert dump.returncode == 0, dump.stderr.decode(errors="replace")
        self._run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(database), stdin=dump.stdout)

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every client connection is cut, the server is back when it returns."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-m", "fast", "-w", "-t", "60",
                  "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
            subprocess.run(["runuser", "-u", "postgres", "--", *command] if self.as_root else command,
                           capture_output=True, timeout=60, cwd=self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)


# ---------- the portal under gunicorn ----------

@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]  # what Set-Cookie set
    text: str
    seconds: float


class WebServer:
    """The portal as production runs it: gunicorn, one sync worker (one database connection, kept
    between requests per CONN_MAX_AGE), output in <name>.log."""

    def __init__(self, env: dict[str, str], workdir: Path, name: str = "web"):
        self.port = free_port()
        self.server = LoggedProcess(name, [sys.executable, "-m", "gunicorn", "blueprint.wsgi", "--bind",
                                           f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60",
                                           "--graceful-timeout", "2"], env=env, workdir=workdir)
        wait_until(self._listening, f"gunicorn listening on port {self.port}", logs=[self.server.log_path])

    @property
    def log(self) -> str:
        return self.server.log

    def _listening(self) -> bool:
        if not self.server.alive():
            pytest.fail(f"gunicorn exited:\n{self.log[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def request(self, method: str, path: str, *, cookies: dict[str, str] | None = None,
                headers: dict[str, str] | None = None, body: bytes | None = None, timeout: float = 60) -> Response:
        """One request, redirects not followed."""
        headers = dict(headers or {})
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            client.request(method, path, body=body, headers=headers)
            answer = client.getresponse()
            text = answer.read().decode(errors="replace")
            jar = SimpleCookie()
            for name, value in answer.getheaders():
                if name.lower() == "set-cookie":
                    jar.load(value)
            return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()},
                            {k: m.value for k, m in jar.items()}, text, time.monotonic() - started)
        finally:
            client.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict[str, str], *, cookies: dict[str, str]) -> Response:
        """Submit a form as a signed-in browser does: read the page for its CSRF token, then post."""
        page = self.get(path, cookies=cookies)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert page.status == 200 and token, (page.status, page.text[:500])
        cookies = {**cookies, **page.cookies}
        return self.request("POST", path, cookies=cookies, body=urlencode(
            {"csrfmiddlewaretoken": token.group(1), **data}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def post_json(self, path: str, data, *, token: str) -> Response:
        return self.request("POST", path, body=json.dumps(data).encode(),
                            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"})

    def stop(self) -> None:
        self.server.stop()
