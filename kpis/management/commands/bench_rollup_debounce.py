"""python manage.py bench_rollup_debounce [--rows 50000] [--posts 20] — how many rollups a burst of writes costs.

On the configured database and broker it creates a scratch role with weekly KPIs, a team, its manager
and its people (all deleted at the end), starts a Celery worker of its own (solo pool, on a queue of its
own, where this process sends its tasks meanwhile), records one post of --rows measurements and then
--posts one-row posts through record_measurements, as the API does, and waits until the worker has
rolled them all up. Before writes were debounced, every post queued a run of its own. It prints one
`name=value` line per figure:

  posts         writes made (the big one and the small ones)
  rows          measurements written
  runs          incremental runs the worker ran for them
  run_s_total   their summed duration, in seconds
  run_s_max     the longest one
  periods_max   the most (metric, grain, period) groups one run recomputed
  catch_up_s    from the first post until the rollups covered the last one

Lines starting with # are context.
"""
import datetime
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone

from blueprint.celery import app
from kpis.models import Assignment, Measurement, Metric, Person, RollupQueue, RollupState, Source, Team
from kpis.services.measurements import MeasurementRow, record_measurements
from kpis.services.rollups import run_rollup
from roles.models import Role

METRICS, WEEKS = 4, 52
FINISHED = re.compile(r"Task kpis\.rollup_incremental\[[^\]]+\] succeeded in ([\d.]+)s: (.*)")
FAILED = re.compile(r"Task kpis\.rollup_incremental\[[^\]]+\] (raised|retry)")


class Command(BaseCommand):
    help = "Benchmark debounced KPI rollups: one big post and many small ones, rolled up by a real worker."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=50_000, help="measurements in the big post")
        parser.add_argument("--posts", type=int, default=20, help="one-row posts after it")
        parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the rollups")

    def handle(self, *args, rows: int, posts: int, timeout: float, **options):
        if rows < 1 or posts < 0:
            raise CommandError("--rows must be at least 1 and --posts at least 0")
        clock = time.perf_counter()
        settled = run_rollup()
        self.stdout.write(f"# settled: {'a full' if settled.full else 'an incremental'} run in {settled.duration_s} s")
        token = uuid.uuid4().hex[:10]
        queue, default_queue = f"bench-debounce-{token}", app.conf.task_default_queue
        scratch = self._scratch(token, rows)
        self.stdout.write(f"# {len(scratch['people'])} people × {METRICS} weekly KPIs × {WEEKS} weeks; "
                          f"set up in {time.perf_counter() - clock:.1f} s")
        with tempfile.TemporaryDirectory() as folder:
            worker = self._start_worker(queue, Path(folder) / "worker.log")
            try:
                app.conf.task_default_queue = queue
                self._wait(lambda: "ready." in worker.log, "the worker to start", worker, 60)
                started = time.perf_counter()
                written = self._posts(scratch, rows, posts)
                newest = Measurement.objects.filter(metric__in=scratch["metrics"]).aggregate(n=Max("recorded_at"))["n"]
                self._wait(lambda: self._caught_up(worker, newest), "the rollups of every post", worker, timeout)
                catch_up = time.perf_counter() - started
            finally:
                app.conf.task_default_queue = default_queue
                worker.stop()
                self._delete(scratch)
            runs = [(float(seconds), report) for seconds, report in FINISHED.findall(worker.log)]
        periods = [int(m[1]) for _, report in runs for m in [re.search(r"'periods': (\d+)", report)] if m]
        self._figure("posts", 1 + posts)
        self._figure("rows", written)
        self._figure("runs", len(runs))
        self._figure("run_s_total", sum(s for s, _ in runs))
        self._figure("run_s_max", max((s for s, _ in runs), default=0.0))
        self._figure("periods_max", max(periods, default=0))
        self._figure("catch_up_s", catch_up)
        self.stdout.write(f"# load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")

    def _figure(self, name: str, value) -> None:
        self.stdout.write(f"{name}={value:.3f}" if isinstance(value, float) else f"{name}={value}")

    # ---------- the writes ----------

    def _scratch(self, token: str, rows: int) -> dict:
        """A role with METRICS weekly KPIs, a team managed by a user of its own, and enough people for
        `rows` measurements over WEEKS weeks."""
        role = Role.objects.create(title=f"Bench debounce {token}", slug=f"bench-debounce-{token}", family="Bench")
        metrics = Metric.objects.bulk_create([
            Metric(role=role, key=f"kpi-{n}", name=f"KPI {n}", grain="week", position=n, rule_kind="at_most",
                   rule_high=50) for n in range(METRICS)])
        manager = get_user_model().objects.create_user(f"bench-debounce-{token}")
        team = Team.objects.create(name=f"Bench debounce {token}", slug=f"bench-debounce-{token}", manager=manager)
        people = Person.objects.bulk_create([Person(name=f"Bench {i}", email=f"bench-{token}-{i}@example.com")
                                             for i in range(math.ceil(rows / (METRICS * WEEKS)))])
        monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
        Assignment.objects.bulk_create([Assignment(person=p, role=role, team=team,
                                                   starts_on=monday - datetime.timedelta(weeks=WEEKS + 1))
                                        for p in people])
        return {"role": role, "metrics": metrics, "team": team, "manager": manager, "people": people,
                "monday": monday}

    def _posts(self, scratch: dict, rows: int, posts: int) -> int:
        """One post of `rows` measurements over the past WEEKS weeks, then `posts` one-row posts of this week."""
        metrics, people, monday, by = scratch["metrics"], scratch["people"], scratch["monday"], scratch["manager"]
        big = [MeasurementRow(metric.pk, monday - datetime.timedelta(weeks=w), float((n + w) % 60), person_id=p.pk)
               for n, p in enumerate(people) for metric in metrics for w in range(1, WEEKS + 1)][:rows]
        written = record_measurements(rows=big, by=by, source=Source.API).rows
        for i in range(posts):
            row = MeasurementRow(metrics[i % METRICS].pk, monday, float(i), person_id=people[i % len(people)].pk)
            if i >= METRICS * len(people):  # every key of this week is taken: update last week's instead
                row.period = monday - datetime.timedelta(weeks=1 + i // (METRICS * len(people)))
            written += record_measurements(rows=[row], by=by, source=Source.API).rows
        return written

    def _delete(self, scratch: dict) -> None:
        Person.objects.filter(pk__in=[p.pk for p in scratch["people"]]).delete()  # their measurements too
        scratch["team"].delete()
        scratch["role"].delete()  # its metrics and their rollups
        scratch["manager"].delete()

    # ---------- the worker ----------

    def _start_worker(self, queue: str, log: Path) -> "_Worker":
        return _Worker([sys.executable, "-m", "celery", "-A", "blueprint", "worker", "--pool", "solo", "-l", "info",
                        "-Q", queue, "-n", f"{queue}@%h", "--without-mingle", "--without-gossip",
                        "--without-heartbeat"], log)

    def _caught_up(self, worker: "_Worker", newest) -> bool:
        """No run queued (the queue's claim is freed when a run starts), none running, and the last one
        saw the newest post."""
        if FAILED.search(worker.log):
            raise CommandError(f"a rollup failed in the worker:\n{worker.log[-3000:]}")
        received = worker.log.count("] received")
        state = RollupState.objects.filter(name="default").values_list("watermark", flat=True).first()
        claimed = RollupQueue.objects.filter(name="default").exclude(queued_at=None).exists()
        return (not claimed and received == len(FINISHED.findall(worker.log)) and state is not None
                and state >= newest)

    def _wait(self, condition, what: str, worker: "_Worker", timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if worker.process.poll() is not None:
                raise CommandError(f"the worker exited before {what}:\n{worker.log[-3000:]}")
            if time.monotonic() > deadline:
                raise CommandError(f"no {what} within {timeout:.0f} s:\n{worker.log[-3000:]}")
            time.sleep(0.1)


class _Worker:
    """`celery worker` in the background on this process's settings and environment, its output in `log`."""

    def __init__(self, command: list[str], log: Path):
        self.log_path = log
        self._out = log.open("w")
        self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=os.environ.copy(), stdout=self._out,
                                        stderr=subprocess.STDOUT)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Warm shutdown, as a process manager would do it; killed if it takes too long."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()
