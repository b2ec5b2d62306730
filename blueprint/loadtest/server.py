"""gunicorn serving the scratch database as production would: DEBUG off, a random SECRET_KEY, warnings
and errors only in the log, on a free local port."""
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from . import cpu
from .client import Session


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """`gunicorn blueprint.wsgi` with `workers` processes of `threads` threads each (gthread; one thread
    is the sync worker). Celery tasks the pages queue (the incremental rollup after a bulk write) go to
    `broker`, by default a filesystem broker in `var_dir` that nothing consumes and that goes away with it."""

    def __init__(self, *, database_url: str, var_dir: Path, workers: int = 2, threads: int = 4, broker: str = ""):
        self.database_url, self.var_dir = database_url, Path(var_dir)
        self.workers, self.threads, self.broker = workers, threads, broker
        self.port = 0
        self.log_path = self.var_dir / "gunicorn.log"
        self._process: subprocess.Popen | None = None

    @property
    def description(self) -> str:
        kind = f"gthread, {self.threads} threads each" if self.threads > 1 else "sync"
        return f"gunicorn, {self.workers} workers ({kind})"

    def _environment(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if k not in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE")}
        env.update(DATABASE_URL=self.database_url, DEBUG="0", BLUEPRINT_HTTPS="0", SECRET_KEY=secrets.token_urlsafe(50),
                   BLUEPRINT_VAR_DIR=str(self.var_dir), LOG_LEVEL="WARNING", ALLOWED_HOSTS="127.0.0.1,localhost",
                   DJANGO_SETTINGS_MODULE="blueprint.settings")
        if self.broker:
            env["CELERY_BROKER_URL"] = self.broker
        return env

    def start(self, *, timeout: float = 60.0) -> int:
        """Start gunicorn and wait until /healthz answers 200; returns the port."""
        self.port = free_port()
        command = [sys.executable, "-m", "gunicorn", "blueprint.wsgi", "--workers", str(self.workers),
                   "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "10",
                   "--keep-alive", "5", "--backlog", "2048", "--log-level", "warning", "--preload"]
        if self.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(self.threads)]
        log = self.log_path.open("ab")
        # A session of its own: Ctrl-C in the terminal reaches only this command, which then stops gunicorn.
        self._process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=self._environment(),
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._wait_healthy(timeout)
        return self.port

    def _wait_healthy(self, timeout: float) -> None:
        deadline, last = time.monotonic() + timeout, "no answer"
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerError(f"gunicorn exited with {self._process.returncode}:\n{self.log_tail()}")
            session = Session("127.0.0.1", self.port, timeout=5)
            try:
                answer = session.get("/healthz")
                if answer.status == 200:
                    return
                last = f"{answer.status} {answer.text()[:200]}"
            except OSError as exc:
                last = str(exc)
            finally:
                session.close()
            time.sleep(0.25)
        raise ServerError(f"/healthz did not answer 200 within {timeout:.0f} s ({last}):\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM (gunicorn finishes the requests in flight), SIGKILL to its process group if it hangs."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def pids(self) -> list[int]:
        """The master and its workers (for blueprint.loadtest.cpu)."""
        return cpu.family(self._process.pid) if self._process is not None else []

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
