"""A full rollup whose worker is killed (SIGKILL) is redone within minutes, not after Redis's default hour.

- The whole worker killed (a lost machine, `docker kill`): its message stays unacknowledged in Redis until the
  visibility timeout (CELERY_BROKER_VISIBILITY_TIMEOUT, a few seconds here) hands it back to the queue, and the
  restarted worker runs it. The worker uses the solo pool, so the process killed is the one running the task (a
  prefork child would outlive its parent and finish the run itself).
- One pool process killed (the OOM killer): the worker puts the message back at once (reject_on_worker_lost)
  and its next process redoes the run, long before any visibility timeout.

Either way the rollups end exactly as an uninterrupted run leaves them. The run is held part-way by the test
(tests/faults/held_rollup.py) so that the kill lands mid-run.
"""
import os
import signal
import time
from pathlib import Path

import pytest

from ..test_celery_embedded import CeleryProcess, project_env, run_python
from .held_rollup import HeldRollup
from .processes import PrivateRedis, wait_until

SEND = """
import django
django.setup()
from kpis.tasks import rollup_full
rollup_full.delay()
"""
VISIBILITY_TIMEOUT = 5
SWEEP = 10  # seconds between a worker's looks for messages past the timeout (kombu's unacked_restore_interval)


def unacknowledged(redis: PrivateRedis) -> int:
    """How many task messages a worker took and has not acknowledged (kombu's "unacked" hash)."""
    import redis as redis_py

    return redis_py.Redis(port=redis.port, socket_timeout=2).hlen("unacked")


def pool_process(worker: CeleryProcess) -> int:
    """The pid of the one pool process of a prefork worker started with --concurrency 1."""
    [child] = Path(f"/proc/{worker.process.pid}/task/{worker.process.pid}/children").read_text().split()
    return int(child)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_run_of_a_killed_worker_is_redone_after_the_visibility_timeout(tmp_path, started, personas):
    rollup = HeldRollup(personas, tmp_path)
    redis = started(PrivateRedis(tmp_path))
    env = project_env(tmp_path, CELERY_BROKER_URL=redis.url, CELERY_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
                      **rollup.env)
    rollup.hold()
    try:
        run_python(SEND, env)
        worker = started(CeleryProcess("worker-killed", ["worker", "-l", "info", "--pool", "solo"], env, tmp_path))
        backend = rollup.wait_until_held(worker)
        worker.process.kill()
        worker.process.wait(timeout=10)
    finally:
        rollup.let_go()
    rollup.wait_for_backend_to_end(backend)
    assert not rollup.completed() and "succeeded" not in worker.log
    assert unacknowledged(redis) == 1 and redis.queued() == 0  # the message waits in Redis, not lost

    killed_at = time.monotonic()
    worker = started(CeleryProcess("worker-restarted", ["worker", "-l", "info", "--pool", "solo"], env, tmp_path))
    wait_until(rollup.completed, "the killed run to be redone", timeout=VISIBILITY_TIMEOUT + SWEEP + 30,
               logs=[worker.log_path])
    assert time.monotonic() - killed_at >= VISIBILITY_TIMEOUT - 1  # handed back by the timeout, not sooner
    rollup.assert_complete()
    wait_until(lambda: unacknowledged(redis) == 0, "the redone run's message to be acknowledged")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_run_of_a_killed_pool_process_is_redone_at_once_by_the_next(tmp_path, started, personas):
    rollup = HeldRollup(personas, tmp_path)
    redis = started(PrivateRedis(tmp_path))
    env = project_env(tmp_path, CELERY_BROKER_URL=redis.url, **rollup.env)  # the default visibility timeout
    worker = started(CeleryProcess("worker", ["worker", "-l", "info", "--concurrency", "1"], env, tmp_path))
    rollup.hold()
    try:
        run_python(SEND, env)
        backend = rollup.wait_until_held(worker)
        os.kill(pool_process(worker), signal.SIGKILL)
        wait_until(lambda: "WorkerLostError" in worker.log, "the worker to notice", logs=[worker.log_path])
    finally:
        rollup.let_go()
    rollup.wait_for_backend_to_end(backend)

    wait_until(rollup.completed, "the killed run to be redone", logs=[worker.log_path])
    rollup.assert_complete()
    assert worker.log.count("Task kpis.rollup_full") >= 3  # received, received again, succeeded
    wait_until(lambda: unacknowledged(redis) == 0, "the redone run's message to be acknowledged")
