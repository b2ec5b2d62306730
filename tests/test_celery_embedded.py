"""A real Celery worker and beat, as separate processes, on the broker the settings choose.

With no REDIS_URL the broker is kombu's filesystem transport in BLUEPRINT_VAR_DIR/broker:
these tests prove that it carries tasks from a producer to a worker, and from beat's
DatabaseScheduler to a worker. With REDIS_URL set (CI) the same worker test runs on Redis.
The result backend is off, so the ping task's marker file is what shows a task ran.
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICE_VARS = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL", "CELERY_TASK_ALWAYS_EAGER")
WAIT_SECONDS = 20

SEND_PING = """
import blueprint, django
django.setup()
from django.conf import settings
from blueprint.tasks import ping
ping.apply_async(args=[{token!r}], queue={queue!r})
print(settings.CELERY_BROKER_URL)
"""

SCHEDULE_PING = """
import json
import blueprint, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django_celery_beat.models import IntervalSchedule, PeriodicTask
every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.create(name="ping from beat", task="blueprint.tasks.ping", interval=every_second,
                            args=json.dumps([{token!r}]), queue={queue!r})
"""


def project_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh machine (no services configured), with var/ in a temp folder."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(BLUEPRINT_VAR_DIR=str(var_dir), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1",
               DJANGO_SETTINGS_MODULE="blueprint.settings")
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str]) -> str:
    # Run where the worker runs (see CeleryProcess): a producer writes ./control too.
    workdir = env["BLUEPRINT_VAR_DIR"]
    done = subprocess.run([sys.executable, "-c", code], cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class CeleryProcess:
    """`celery -A blueprint ...` in the background, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], workdir: Path):
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self._log = self.log_path.open("w")
        # The working directory is the temp folder: unless settings name a control_folder,
        # the filesystem transport keeps its exchange tables in ./control.
        self.process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "blueprint", *args],
                                        cwd=workdir, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, condition, what: str, timeout: float = WAIT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited ({self.process.returncode}) before {what}:\n{self.log[-3000:]}")
            time.sleep(0.1)
        pytest.fail(f"no {what} within {timeout}s; {self.name} log:\n{self.log[-3000:]}")

    def stop(self) -> int:
        """Warm shutdown (SIGTERM), as a process manager would do it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


@pytest.fixture
def celery_processes():
    started: list[CeleryProcess] = []

    def start(name: str, args: list[str], env: dict[str, str], workdir: Path) -> CeleryProcess:
        started.append(CeleryProcess(name, args, env, workdir))
        return started[-1]

    yield start
    for process in started:
        process.stop()


def worker_args(queue: str) -> list[str]:
    # blueprint.tasks is not an installed app, so autodiscovery does not import it: --include does.
    return ["worker", "--pool", "solo", "-l", "info", "-Q", queue, "-n", f"{queue}@%h", "--include", "blueprint.tasks",
            "--without-mingle", "--without-gossip", "--without-heartbeat"]


def names() -> tuple[str, str]:
    """A queue of its own (another worker on the same broker must not take the task) and a marker token."""
    unique = uuid.uuid4().hex[:12]
    return f"test-{unique}", f"ping-{unique}"


def assert_worker_runs_a_sent_ping(tmp_path: Path, env: dict[str, str], start, broker_scheme: str) -> None:
    queue, token = names()
    marker = tmp_path / "pings" / token
    worker = start("worker", worker_args(queue), env, tmp_path)
    broker = run_python(SEND_PING.format(token=token, queue=queue), env)
    assert broker.startswith(broker_scheme)

    worker.wait_for(marker.exists, f"marker file {marker}")

    assert marker.read_text() == "pong\n"
    assert f"Connected to {broker_scheme}" in worker.log
    assert "Task blueprint.tasks.ping" in worker.log and "succeeded" in worker.log
    assert worker.stop() == 0


def test_worker_runs_a_task_sent_through_the_filesystem_broker(tmp_path, celery_processes):
    assert_worker_runs_a_sent_ping(tmp_path, project_env(tmp_path), celery_processes, "filesystem://")


@pytest.mark.services
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_worker_runs_a_task_sent_through_redis(tmp_path, celery_processes):
    env = project_env(tmp_path, REDIS_URL=os.environ["REDIS_URL"])
    assert_worker_runs_a_sent_ping(tmp_path, env, celery_processes, "redis://")


def test_beat_database_scheduler_sends_due_tasks_to_the_worker(tmp_path, celery_processes):
    env = project_env(tmp_path)
    queue, token = names()
    marker = tmp_path / "pings" / token
    run_python(SCHEDULE_PING.format(token=token, queue=queue), env)

    beat = celery_processes("beat", ["beat", "-l", "info"], env, tmp_path)
    beat.wait_for(lambda: "Sending due task ping from beat" in beat.log, "task sent by beat")
    worker = celery_processes("worker", worker_args(queue), env, tmp_path)
    worker.wait_for(marker.exists, f"marker file {marker} from the task beat sent")

    assert "django_celery_beat.schedulers.DatabaseScheduler" in beat.log
    assert "beat: Starting..." in beat.log
    assert beat.stop() == 0
    assert worker.stop() == 0
