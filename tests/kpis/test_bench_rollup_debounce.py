"""bench_rollup_debounce, tiny, end to end: a real worker rolls up one big post and a burst of one-row
posts in one or two runs (before writes were debounced: one run per post), and the command leaves
nothing of its scratch data behind."""
import subprocess
import sys

import pytest
from django.db import connection

from ..test_celery_embedded import ROOT, project_env, run_python
from .test_rollup_worker import _database_url

LEFT_BEHIND = """
import django
django.setup()
from kpis.models import Measurement, Metric, Person, Rollup
from roles.models import Role
print(*(m.objects.count() for m in (Role, Metric, Person, Measurement, Rollup)))
"""

MIGRATE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_big_post_and_a_burst_of_small_ones_cost_one_or_two_runs(tmp_path):
    on_postgres = connection.vendor == "postgresql"
    env = project_env(tmp_path, **({"DATABASE_URL": _database_url()} if on_postgres else {}))
    if not on_postgres:
        run_python(MIGRATE, env)
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), "bench_rollup_debounce", "--rows", "600",
                           "--posts", "8", "--timeout", "120"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    figures = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line and not line.startswith("#"))
    assert (figures["posts"], figures["rows"]) == ("9", "608")
    assert 1 <= int(figures["runs"]) <= 2, done.stdout
    assert int(figures["periods_max"]) > 0 and float(figures["catch_up_s"]) > 0
    assert run_python(LEFT_BEHIND, env) == "0 0 0 0 0"  # the scratch data is gone
