"""Redis (the Celery broker) unreachable under the running portal.

Pages keep serving; /healthz answers 503 naming the broker; the work the portal queues (the
incremental rollup after measurements are recorded or a rule is corrected: everything that calls
blueprint.queueing) is never lost silently: the request succeeds, an error naming the task is logged,
the rollup queue's claim is freed, and the next scheduled rollup does the work — the measurements are
past its watermark, the corrected rule past its previous run. A Redis that restarted costs nothing
(the publish is retried on a new connection); one that hangs holds a request for seconds, not for ever.

The portal runs under gunicorn against a private redis-server that the test kills, restarts and
freezes; the shared Redis is never touched. On PostgreSQL gunicorn shares the test database, on
SQLite a copy of it. The same two kinds of work are also queued in process against a broker that
refuses everything, and blueprint.queueing is tested on its own.
"""
import datetime
import json
import logging

import pytest
from django.test import Client
from kombu.exceptions import OperationalError

from accounts.tokens import issue_token
from blueprint.queueing import enqueue
from kpis.models import RollupQueue, Team
from kpis.services.rollups import run_rollup
from kpis.tasks import rollup_incremental
from roles.services.importing import import_file

from ..kpis.test_rollups import WEEKS, World, assert_matches, expected, stored
from ..test_celery_embedded import project_env, run_python
from .processes import PrivateRedis, WebServer, database_for_subprocesses

QUICK = 2.0  # seconds: what a page or a write may cost while the broker is down

NEXT_SCHEDULED_RUN = """
import json
import django
django.setup()
from kpis.tasks import rollup_incremental
from tests.kpis.test_rollups import assert_matches, expected, stored
report = rollup_incremental.apply().get()  # what beat sends every few minutes
assert_matches(stored(), expected())  # every measurement, under every metric's current rule
print(json.dumps(report))
"""


class Portal:
    """The portal under gunicorn on a private Redis, with HR, a people manager and an admin signed in."""

    def __init__(self, tmp_path, started, personas, seed_v1_path):
        self.redis = started(PrivateRedis(tmp_path))
        with open(seed_v1_path, "rb") as seed:
            import_file("seed.json", seed.read(), by=personas.admin, publish=True)
        self.world = World(personas.admin)
        self.world.load()
        Team.objects.update(manager=personas.manager)
        run_rollup(full=True)
        self.sessions = {name: self._session(getattr(personas, name)) for name in ("hr", "manager", "admin")}
        self.token = issue_token(user=personas.admin, name="fault test")[1]
        # Every write sends its own run (no debouncing): each one is a publish these tests watch.
        self.env = project_env(tmp_path, CELERY_BROKER_URL=self.redis.url, KPI_ROLLUP_CLAIM_STALE_SECONDS="0",
                               **database_for_subprocesses(tmp_path))
        self.web = started(WebServer(self.env, tmp_path))

    @staticmethod
    def _session(user) -> dict[str, str]:
        browser = Client()
        browser.force_login(user)
        return {"sessionid": browser.cookies["sessionid"].value}

    def record(self, weeks_later: int, value: float):
        """POST one measurement to the API, as an integration would."""
        row = {"metric": self.world.delivery.pk, "person": "cat@example.com", "value": value,
               "period": (WEEKS[-1] + datetime.timedelta(weeks=weeks_later)).isoformat()}
        return self.web.post_json("/api/v1/measurements/", [row], token=self.token)

    def errors(self) -> list[str]:
        return [line for line in self.web.log.splitlines() if " ERROR blueprint.queueing " in line]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_down_pages_serve_and_queued_work_is_reported_then_done_by_the_next_run(
        tmp_path, started, personas, seed_v1_path):
    portal = Portal(tmp_path, started, personas, seed_v1_path)
    web, redis = portal.web, portal.redis
    assert portal.record(1, 80.0).status == 201
    assert redis.queued() == 1

    # A restarted Redis: the pooled connection is dead, the publish is retried on a new one.
    redis.kill()
    redis.start()
    assert portal.record(2, 81.0).status == 201
    assert redis.queued() == 1 and portal.errors() == []

    redis.kill()
    pages = {"/roles/": "hr", "/roles/junior-applied-ai-engineer/": "hr", "/kpis/": "manager",
             f"/kpis/metrics/{portal.world.delivery.pk}/": "manager",
             "/kpis/roles/junior-applied-ai-engineer/": "hr"}
    for path, who in pages.items():
        page = web.get(path, cookies=portal.sessions[who])
        assert (path, page.status) == (path, 200) and page.seconds < QUICK, page.text[:300]
    health = web.get("/healthz")
    assert health.status == 503 and health.seconds < QUICK
    assert json.loads(health.text)["database"] == "ok"
    assert json.loads(health.text)["broker"] == "error"  # the details go to the log, not to anonymous callers
    assert "healthz: the broker check failed: error: OperationalError" in web.log

    recorded = portal.record(3, 99.0)
    assert recorded.status == 201 and recorded.seconds < QUICK, recorded.text
    corrected = web.post_form(f"/kpis/metrics/{portal.world.delivery.pk}/rule/",
                              {"kind": "at_least", "low": "95", "high": "", "unit": "%"},
                              cookies=portal.sessions["admin"])
    assert corrected.status == 302 and corrected.seconds < QUICK, corrected.text[:500]
    measurement, rule = portal.errors()
    for error in (measurement, rule):
        assert "could not queue kpis.rollup_incremental" in error and "the next scheduled rollup picks" in error
    assert "Traceback" not in web.log

    # Nothing was lost: the next scheduled run rolls up every measurement, those recorded while Redis
    # was down included, and every period under the corrected rule.
    report = json.loads(run_python(NEXT_SCHEDULED_RUN, portal.env))
    assert report["full"] is False and report["written"] > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hung_redis_holds_a_request_for_seconds_not_for_ever(tmp_path, started, personas, seed_v1_path):
    portal = Portal(tmp_path, started, personas, seed_v1_path)
    assert portal.record(1, 80.0).status == 201  # a pooled connection to Redis now exists
    portal.redis.freeze()  # the connection stays open; nothing answers on it

    recorded = portal.record(2, 90.0)
    health = portal.web.get("/healthz")
    portal.redis.thaw()

    assert recorded.status == 201 and recorded.seconds < 5, recorded.text
    assert health.status == 503 and health.seconds < 5
    [error] = portal.errors()
    assert "could not queue kpis.rollup_incremental" in error and "Timeout" in error


# ---------- in process, with a broker that refuses every message ----------

def refuse(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def rolled_up_world(personas):
    world = World(personas.admin)
    world.load()
    run_rollup(full=True)
    return world


@pytest.mark.django_db
def test_a_measurement_recorded_while_the_broker_refuses_is_rolled_up_by_the_next_scheduled_run(
        client, personas, rolled_up_world, monkeypatch, caplog, django_capture_on_commit_callbacks):
    monkeypatch.setattr(rollup_incremental, "delay", refuse)
    client.force_login(personas.admin)
    row = {"metric": rolled_up_world.delivery.pk, "person": "ann@example.com", "period": WEEKS[3].isoformat(),
           "value": 1.0}
    with caplog.at_level(logging.ERROR, "blueprint.queueing"), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/measurements/", [row], content_type="application/json")
    assert response.status_code == 200 and "could not queue kpis.rollup_incremental" in caplog.text
    assert RollupQueue.objects.get().queued_at is None  # the next write may try again
    assert rollup_incremental.apply().get()["full"] is False
    assert_matches(stored(), expected())


@pytest.mark.django_db
def test_a_rule_corrected_while_the_broker_refuses_is_recomputed_by_the_next_scheduled_run(
        client, personas, rolled_up_world, monkeypatch, caplog, django_capture_on_commit_callbacks, settings):
    settings.KPI_ROLLUP_GRACE_SECONDS = 0  # no measurement is new to the next run: only the rule is
    monkeypatch.setattr(rollup_incremental, "delay", refuse)
    client.force_login(personas.admin)
    with caplog.at_level(logging.ERROR, "blueprint.queueing"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/kpis/metrics/{rolled_up_world.delivery.pk}/rule/",
                               {"kind": "at_least", "low": "95", "unit": "%"})
    assert response.status_code == 302 and "could not queue kpis.rollup_incremental" in caplog.text
    assert RollupQueue.objects.get().queued_at is None
    assert rollup_incremental.apply().get()["full"] is False
    assert_matches(stored(), expected())  # every period's status under the new rule


# ---------- blueprint.queueing on its own ----------

class FakeTask:
    name = "tests.fake"

    def __init__(self, error: Exception | None = None):
        self.error, self.sent = error, []

    def delay(self, *args, **kwargs):
        if self.error:
            raise self.error
        self.sent.append((args, kwargs))


def test_enqueue_sends_the_task_and_leaves_the_fallback_alone():
    task, fallbacks = FakeTask(), []
    assert enqueue(task, 7, full=True, fallback=lambda: fallbacks.append(1) or "") is True
    assert task.sent == [((7,), {"full": True})] and fallbacks == []


def test_enqueue_logs_the_task_it_could_not_send_and_what_its_fallback_arranged(caplog):
    task = FakeTask(OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."))
    with caplog.at_level(logging.ERROR, logger="blueprint.queueing"):
        assert enqueue(task, fallback=lambda: "the nightly run will do it") is False
    [record] = caplog.records
    assert record.getMessage() == ("could not queue tests.fake: OperationalError: Error 111 connecting to "
                                   "127.0.0.1:6379. Connection refused.; the nightly run will do it")


def test_enqueue_lets_a_programming_error_through():
    with pytest.raises(TypeError):
        enqueue(FakeTask(TypeError("delay() got an unexpected keyword argument")))
