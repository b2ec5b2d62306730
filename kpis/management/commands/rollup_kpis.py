"""python manage.py rollup_kpis [--full] — the rollup Celery runs, by hand."""
import logging
import resource

from django.core.management.base import BaseCommand

from kpis.services.rollups import run_rollup


class Command(BaseCommand):
    help = "Recompute KPI rollups touched since the last run (or all of them with --full); print the report."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recompute everything and drop rollups without data")

    def handle(self, *args, full: bool = False, verbosity: int = 1, **options):
        if verbosity >= 2:  # the duration of each step, on stderr
            logging.getLogger("kpis.rollups").setLevel(logging.DEBUG)
        report = run_rollup(full=full)
        for line in report.lines():
            self.stdout.write(line)
        # Linux reports ru_maxrss in KiB: the peak memory of this process (bench_rollups reads it).
        self.stdout.write(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
