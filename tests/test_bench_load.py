"""bench_load, tiny: the same seeding, gunicorn and virtual users as the 50-user run, with 10 roles, 3
users and 3 seconds, on a scratch PostgreSQL database of its own that is dropped afterwards."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from blueprint.loadtest.scenario import PAGES, first_pages
from blueprint.loadtest.stats import Failure, Recorder, figures, percentile

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))


@pytest.mark.services
@pytest.mark.skipif(not ON_POSTGRES, reason="bench_load runs on PostgreSQL; set DATABASE_URL=postgres://…")
def test_tiny_load_run_has_no_errors_and_prints_every_page_figure():
    scratch = f"bench_load_test_{os.getpid()}"
    done = subprocess.run(
        [sys.executable, "manage.py", "bench_load", "--roles", "10", "--users", "3", "--seconds", "3",
         "--people-per-team", "2", "--database", scratch, "--reseed", "--drop", "--verbosity", "0"],
        cwd=BASE_DIR, env=dict(os.environ, DATABASE_URL=DATABASE_URL), capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    values = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line and not line.startswith("#"))
    assert values["errors"] == "0"
    assert int(values["roles"]) >= 11  # the ten seeded and the demo's reference blueprint(s)
    assert int(values["measurements"]) > 1000
    assert int(values["requests"]) >= len(PAGES) and float(values["rps"]) > 0
    for page in PAGES:
        assert int(values[f"{page}_requests"]) > 0, page
        assert float(values[f"{page}_rps"]) > 0, page
        p50, p95, p99 = (float(values[f"{page}_p{q}_ms"]) for q in (50, 95, 99))
        assert 0 < p50 <= p95 <= p99, page
    assert f"# dropped {scratch}" in done.stdout


def test_percentiles_are_nearest_rank():
    values = [n / 1000 for n in range(1, 101)]  # 1 … 100 ms
    assert [percentile(values, q) for q in (0.5, 0.95, 0.99, 1.0)] == [0.05, 0.095, 0.099, 0.1]
    assert percentile([0.2], 0.99) == 0.2


def test_errors_count_as_requests_and_are_kept_for_the_report():
    one, two = Recorder(), Recorder()
    one.ok("catalog", 0.010)
    two.failed("catalog", 0.030, Failure("catalog", "GET", "/roles/", 500, "Server Error"))
    two.failed("api_bulk_write", 30.0, Failure("api_bulk_write", "POST", "/api/v1/measurements/", None, "timeout"))
    one.merge(two)
    lines = dict(figures(one, 2.0, ["catalog", "api_bulk_write", "role_page"]))
    assert (lines["requests"], lines["errors"], lines["rps"]) == (3, 2, 1.5)
    assert (lines["catalog_requests"], lines["catalog_p50_ms"], lines["catalog_p99_ms"]) == (2, 10.0, 30.0)
    assert lines["role_page_requests"] == 0 and lines["role_page_p95_ms"] == "nan"
    assert [str(f) for f in one.samples] == ["catalog: GET /roles/ -> 500 Server Error",
                                             "api_bulk_write: POST /api/v1/measurements/ -> no answer timeout"]


@pytest.mark.parametrize("users", [1, 3, 5, 12, 50])
def test_the_first_requests_of_the_users_cover_every_page(users):
    firsts = [first_pages(n, users) for n in range(users)]
    assert {page for pages in firsts for page in pages} == set(PAGES)
    assert max(len(pages) for pages in firsts) == -(-len(PAGES) // users)  # nobody does more than their share
