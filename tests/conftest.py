import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from .personas import make_personas

DATA = Path(__file__).resolve().parent / "data"
# The reference WordPress post (a copy kept in the repository: a clone with nothing beside it runs the suite).
SEED_PATH = Path(os.environ.get("BLUEPRINT_SEED", DATA / "junior-applied-ai-engineer.wp.json"))
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    from django.conf import settings

    # Tests create many users; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Query counts must not depend on how long a test's set-up took: keep group names for the whole test.
    settings.PORTAL_GROUPS_MAX_AGE = 3600
    # Files a test stages (an upload's preview) go to a folder of this run's own, never to var/; tests
    # that look at them use the uploads_storage fixture.
    staged = tempfile.mkdtemp(prefix="staged-uploads-")
    atexit.register(shutil.rmtree, staged, ignore_errors=True)
    settings.STORAGES = {**settings.STORAGES, "uploads": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": staged}}}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may skip for want of a service, a browser or a package: a skip there is a failure."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


@pytest.fixture(autouse=True)
def django_db_serialized_rollback():
    """Every transactional test (real commits: live servers, workers, threads) starts from the migrated
    data (content types, groups, beat schedules) and leaves an empty database for the next one to
    restore. A test that flushed with post_migrate instead would leave rows the next one's restore
    collides with, so the outcome would depend on the order xdist happens to run them in."""
    return None


@pytest.fixture
def uploads_storage(settings, tmp_path):
    """The "uploads" storage (staged uploads) in a folder of this test's own; a Path to the folder."""
    folder = tmp_path / "staged-uploads"
    settings.STORAGES = {**settings.STORAGES, "uploads": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(folder)}}}
    return folder


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture(scope="session")
def seed_post() -> dict:
    """The reference WordPress post (tests/data/)."""
    return json.loads(SEED_PATH.read_text())


@pytest.fixture(scope="session")
def seed_v1_path() -> Path:
    return FIXTURES / "blueprints" / "junior-applied-ai-engineer.json"


@pytest.fixture(autouse=True)
def _isolated_cache():
    from django.core.cache import cache

    from roles.rendering import clear_memos

    cache.clear()
    clear_memos()
    yield
    cache.clear()
    clear_memos()
