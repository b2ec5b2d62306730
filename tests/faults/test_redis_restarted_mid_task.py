"""Redis (the Celery broker) stopped while a worker runs a full rollup, then started again: the worker stays
up, reconnects and takes new work, and the rollup completes with the rows of an uninterrupted run.

The worker runs as docker-compose runs it (prefork pool, two processes): while one process runs the task, the
worker waits on Redis for more work, which is when Celery 5.7.0 lost it for good (its reconnect closed the
broken connection a second time, failed restoring the unacknowledged message with "AttributeError: 'NoneType'
object has no attribute 'hostname'" and shut down; pyproject.toml keeps that version out). The Redis is
private to the test and keeps nothing across a restart, as in docker-compose: the message of the running task
is gone, so the running task itself must finish the work.
"""
import pytest

from ..test_celery_embedded import CeleryProcess, project_env, run_python
from .held_rollup import HeldRollup
from .processes import PrivateRedis, wait_until

SEND = """
import django
django.setup()
from kpis.tasks import {task}
{task}.delay()
"""

PRODUCTION_WORKER = ["worker", "-l", "info", "--concurrency", "2"]  # docker-compose.yml


def alive_and_connected(worker: CeleryProcess, connections: int):
    """A condition for wait_until: the worker has connected to Redis `connections` times; fails at once if it
    gave up instead."""
    def condition():
        if "Unrecoverable error" in worker.log or worker.process.poll() is not None:
            pytest.fail(f"the worker gave up on Redis:\n{worker.log[-4000:]}")
        return worker.log.count("Connected to redis://") >= connections
    return condition


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_outlives_a_redis_restart_under_a_running_rollup_and_takes_new_work(tmp_path, started, personas):
    rollup = HeldRollup(personas, tmp_path)
    redis = started(PrivateRedis(tmp_path))
    env = project_env(tmp_path, CELERY_BROKER_URL=redis.url, **rollup.env)
    worker = started(CeleryProcess("worker", PRODUCTION_WORKER, env, tmp_path))
    wait_until(alive_and_connected(worker, 1), "the worker to connect", logs=[worker.log_path])

    rollup.hold()
    try:
        run_python(SEND.format(task="rollup_full"), env)
        rollup.wait_until_held(worker)
        redis.kill()
        wait_until(lambda: "Connection to broker lost" in worker.log, "the worker to notice", logs=[worker.log_path])
        redis.start()
        wait_until(alive_and_connected(worker, 2), "the worker to reconnect", logs=[worker.log_path])
    finally:
        rollup.let_go()

    # The run that was in progress completes...
    wait_until(rollup.completed, "the rollup to complete", logs=[worker.log_path])
    rollup.assert_complete()
    # ... and the worker takes work sent to the restarted Redis.
    full_run = rollup.db.state()
    run_python(SEND.format(task="rollup_incremental"), env)
    wait_until(lambda: rollup.db.state()[1] != full_run[1], "the worker to run new work", logs=[worker.log_path])
    assert worker.process.poll() is None and "Unrecoverable error" not in worker.log
    assert worker.stop() == 0
