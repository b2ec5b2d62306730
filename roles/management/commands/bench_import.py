"""python manage.py bench_import [--files 1000] [--scale 1] — import speed, printed as name=value lines.

Writes synthetic format-v1 files (≈340 rows each at scale 1) to a temporary folder, imports them
through the same service as import_blueprints (one transaction per file), then deletes the roles it
made. Also times the reference seed (WordPress post) when it is found. Point DATABASE_URL at a
scratch database to measure PostgreSQL.
"""
import json
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from tqdm import tqdm

from roles.blueprint_format.synthetic import make_document
from roles.models import Role
from roles.services.importing import import_file

SEED = Path(settings.BASE_DIR) / "tests" / "data" / "junior-applied-ai-engineer.wp.json"


class Command(BaseCommand):
    help = "Benchmark blueprint imports and print name=value figures."

    def add_arguments(self, parser):
        parser.add_argument("--files", type=int, default=1000)
        parser.add_argument("--scale", type=int, default=1)
        parser.add_argument("--seed-file", default=str(SEED))

    def handle(self, *args, files, scale, seed_file, **options):
        prefix = f"bench-{int(time.time())}"
        self.stdout.write(f"database={connection.vendor}")
        seed = Path(seed_file)
        if seed.is_file():
            data = seed.read_bytes()
            started = time.perf_counter()
            result = import_file(seed.name, data, dry_run=True)
            self.stdout.write(f"seed_import_ms={(time.perf_counter() - started) * 1000:.1f}")
            self.stdout.write(f"seed_rows={sum(result.counts.values())}")
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            rows = 0
            for i in range(files):
                doc = make_document(f"Bench Role {i}", slug=f"{prefix}-{i}", scale=scale, seed=i)
                path = Path(folder) / f"role-{i:05d}.json"
                path.write_text(json.dumps(doc))
                paths.append(path)
            started = time.perf_counter()
            for path in tqdm(paths, unit="file", disable=options["verbosity"] == 0):
                result = import_file(path.name, path.read_bytes(), publish=True)
                rows += sum(result.counts.values())
            elapsed = time.perf_counter() - started
        self.stdout.write(f"files={files}")
        self.stdout.write(f"rows_per_file={rows / max(files, 1):.0f}")
        self.stdout.write(f"import_s={elapsed:.2f}")
        self.stdout.write(f"files_per_s={files / elapsed:.1f}")
        self.stdout.write(f"rows_per_s={rows / elapsed:.0f}")
        Role.objects.filter(slug__startswith=prefix).delete()
