"""python manage.py bench_load [--roles 1000] [--users 50] [--seconds 60] — the portal under load.

In a scratch PostgreSQL database beside the configured one (`<name>_load` unless --database), seeded
once and reused (--reseed to start over): the demo world, --roles catalog roles imported and
published, a team of --people-per-team people per virtual user with a year of weekly measurements of
their role's KPIs, rolled up, and an opening whose interviewers are the virtual users. Then gunicorn
(--workers processes, gthread with --threads threads) serves it with DEBUG off, --users virtual users
sign in and for --seconds work through the catalog, role pages, the KPI dashboard and metric pages,
their scorecard (view, autosave, save), API reads and 100-row bulk writes of measurements
(blueprint/loadtest/scenario.py has the mix), and it prints one name=value line per figure:

  requests, errors, rps                      over the whole run
  <page>_requests, <page>_rps                per page
  <page>_p50_ms, <page>_p95_ms, <page>_p99_ms

Lines starting with # are context: seeding times, the server, how long signing in took (not
measured: each sign-in is a PBKDF2 hash), the CPU gunicorn, PostgreSQL and the virtual users used
during the run against what the machine had. An error is any answer other than the page's success
answer, or none within --timeout; the first few are printed, and the command exits non-zero when
there is any. Ctrl-C stops the users and gunicorn.
"""
import os
import signal
import tempfile
import threading
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from blueprint.loadtest import cpu
from blueprint.loadtest import plan as plans
from blueprint.loadtest import scratch
from blueprint.loadtest.client import Session
from blueprint.loadtest.scenario import PAGES, SetupError, VirtualUserRun, first_pages
from blueprint.loadtest.seed import Seeder
from blueprint.loadtest.server import Gunicorn, ServerError
from blueprint.loadtest.stats import Recorder, figures


class Command(BaseCommand):
    help = "Load-test the portal under gunicorn on a seeded scratch PostgreSQL database; print name=value figures."

    def add_arguments(self, parser):
        parser.add_argument("--roles", type=int, default=1000, help="catalog roles to seed (plus the demo's)")
        parser.add_argument("--users", type=int, default=50, help="concurrent virtual users")
        parser.add_argument("--seconds", type=float, default=60, help="how long the users work")
        parser.add_argument("--people-per-team", type=int, default=6)
        parser.add_argument("--database", default="", help="scratch database name (default: <name>_load)")
        parser.add_argument("--reseed", action="store_true", help="drop and seed the scratch database again")
        parser.add_argument("--drop", action="store_true", help="drop the scratch database at the end")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread); 1 = sync")
        parser.add_argument("--think-ms", type=float, default=100, help="think time between requests: 0 to this")
        parser.add_argument("--timeout", type=float, default=30, help="seconds before a request counts as failed")
        parser.add_argument("--broker", default="", help="Celery broker for the server, e.g. redis://…/7 (default: "
                                                         "a throw-away filesystem broker). No worker runs: the "
                                                         "rollups the bulk writes queue stay there.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_load runs on PostgreSQL: set DATABASE_URL=postgres://… (it seeds a scratch "
                               "database beside that one).")
        if options["roles"] < 1 or options["users"] < 1 or options["people_per_team"] < 1:
            raise CommandError("--roles, --users and --people-per-team must be at least 1.")
        original = connection.settings_dict["NAME"]
        name = options["database"] or f"{original}_load"
        if name == original:
            raise CommandError("the scratch database must not be the configured one.")
        # Ctrl-C, or a SIGTERM from whoever started us: stop the users and gunicorn, keep the database.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            plan = self._prepare(name, options)
            self._report_context(name, plan, options)
            for conn in connections.all():
                conn.close()
            recorder, seconds, server_log = self._load(name, plan, options)
        except KeyboardInterrupt:
            raise CommandError("interrupted; gunicorn is stopped") from None
        finally:
            signal.signal(signal.SIGTERM, previous)
            scratch.use(original)
            if options["drop"]:
                scratch.drop(name)
                self.stdout.write(f"# dropped {name}")
        self._report(recorder, seconds, server_log)

    # ---------- the scratch database ----------

    def _prepare(self, name: str, options) -> plans.Plan:
        wanted = {"roles": options["roles"], "users": options["users"], "people_per_team": options["people_per_team"]}
        seeded = None if options["reseed"] or not scratch.exists(name) else scratch.marker(name)
        if seeded and all(seeded.get(key, 0) >= value for key, value in wanted.items()):
            scratch.use(name)
            call_command("migrate", verbosity=0)
            self.stdout.write(f"# reusing {name}, seeded on {seeded.get('seeded_on')} with "
                              f"{seeded['roles']} roles and {seeded['users']} users (--reseed to start over)")
        else:
            self.stdout.write(f"# seeding {name} (the next run reuses it)")
            scratch.create(name)
            scratch.use(name)
            seeded = Seeder(**wanted, out=self.stdout, verbose=options["verbosity"] > 0).run()
            scratch.mark(name, seeded)
        return plans.build(options["users"])

    def _report_context(self, name: str, plan: plans.Plan, options) -> None:
        self.stdout.write(f"# database={name}")
        self.stdout.write(f"roles={plan.roles}")
        self.stdout.write(f"measurements={plan.measurements}")
        self.stdout.write(f"users={options['users']}")
        self.stdout.write(f"seconds={options['seconds']:g}")

    # ---------- the run ----------

    def _load(self, name: str, plan: plans.Plan, options) -> tuple[Recorder, float, str]:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as var_dir:
            server = Gunicorn(database_url=scratch.url(name), var_dir=Path(var_dir), workers=options["workers"],
                              threads=options["threads"], broker=options["broker"])
            try:
                clock = time.perf_counter()
                port = server.start()
                self.stdout.write(f"# server: {server.description} on 127.0.0.1:{port}, DEBUG off, healthy after "
                                  f"{time.perf_counter() - clock:.1f} s")
                recorder, seconds = self._drive(name, plan, port, options, server)
                return recorder, seconds, server.log_tail(40 if recorder.error_count else 10)
            except ServerError as exc:
                raise CommandError(str(exc)) from None
            finally:
                server.stop()

    def _drive(self, name: str, plan: plans.Plan, port: int, options, server: Gunicorn) -> tuple[Recorder, float]:
        """Sign every virtual user in, then let them all loose at once for --seconds."""
        runs = [VirtualUserRun(plan, user, Session("127.0.0.1", port, timeout=options["timeout"]), seed=n,
                               think=options["think_ms"] / 1000) for n, user in enumerate(plan.users)]
        ready, go, stop = threading.Barrier(len(runs) + 1), threading.Event(), threading.Event()
        problems: list[str] = []
        clock = {"deadline": 0.0}

        # Signing in costs the server a PBKDF2 hash (~0.5 s of CPU): a few at a time, as people arrive.
        gate = threading.Semaphore(options["workers"] * 2)

        def work(n: int, run: VirtualUserRun) -> None:
            try:
                with gate:
                    run.sign_in()
            except SetupError as exc:
                problems.append(str(exc))
            except OSError as exc:
                problems.append(f"{run.user.username}: signing in failed: {exc.__class__.__name__}: {exc}")
            try:
                ready.wait()
            except threading.BrokenBarrierError:
                return
            go.wait()
            if not problems and not stop.is_set():
                run.run(clock["deadline"], stop, first=first_pages(n, len(runs)))
            run.session.close()

        threads = [threading.Thread(target=work, args=(n, run), daemon=True) for n, run in enumerate(runs)]
        signing_in = time.perf_counter()
        for thread in threads:
            thread.start()
        try:
            ready.wait()
            self.stdout.write(f"# {len(runs)} users signed in in {time.perf_counter() - signing_in:.1f} s")
            if problems:
                go.set()
                raise CommandError("virtual users could not start:\n" + "\n".join(problems[:5]) +
                                   f"\n--- server log ---\n{server.log_tail()}")
            meters = {"gunicorn": cpu.Meter(server.pids),
                      "PostgreSQL": cpu.Meter(lambda: cpu.local_processes(scratch.backend_pids(name), "postgres"))}
            for meter in meters.values():
                meter.start()
            started, client_cpu = time.perf_counter(), time.process_time()
            clock["deadline"] = started + options["seconds"]
            go.set()
            for thread in threads:
                while thread.is_alive():
                    thread.join(timeout=0.5)
            seconds = time.perf_counter() - started
            used = {label: meter.stop() for label, meter in meters.items()}
            used["the virtual users"] = time.process_time() - client_cpu
            self._report_cpu(used, seconds, sum(run.recorder.requests for run in runs))
        except KeyboardInterrupt:
            stop.set()
            ready.abort()
            go.set()
            raise
        total = Recorder()
        for run in runs:
            total.merge(run.recorder)
        return total, seconds

    def _report_cpu(self, used: dict[str, float], seconds: float, requests: int) -> None:
        """Who used the machine during the run: the server is the limit when it used about all of it."""
        available = (os.cpu_count() or 1) * seconds
        parts = ", ".join(f"{label} {value:.1f} s" for label, value in used.items())
        server = used["gunicorn"] + used["PostgreSQL"]
        self.stdout.write(f"# CPU during the run: {parts}, of {available:.0f} s on {os.cpu_count()} CPUs (the rest "
                          f"went to other work on the machine); gunicorn + PostgreSQL "
                          f"{server * 1000 / max(requests, 1):.0f} ms a request")

    def _report(self, recorder: Recorder, seconds: float, server_log: str) -> None:
        self.stdout.write(f"# measured over {seconds:.1f} s; load average "
                          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        for name, value in figures(recorder, seconds, PAGES):
            self.stdout.write(f"{name}={value}")
        if recorder.error_count:
            self.stdout.write("# first errors:")
            for failure in recorder.samples:
                self.stdout.write(f"#   {failure}")
        if server_log:
            self.stdout.write("# server log (warnings and errors, last lines):")
            for line in server_log.splitlines():
                self.stdout.write(f"#   {line}")
        if recorder.error_count:
            raise CommandError(f"{recorder.error_count} of {recorder.requests} requests failed")


def _interrupt(signum, frame):
    raise KeyboardInterrupt
