"""Queue Celery tasks so that a broker outage never breaks the request that asked for the work, and
never loses the work silently.

`enqueue(task, fallback=...)` sends the task (callers send after their transaction commits, so the
worker sees what they wrote: kpis.services.rollups.schedule_incremental_rollup). The settings bound
the publish: one quick retry (CELERY_TASK_PUBLISH_RETRY_POLICY: a broker that
restarted leaves a dead pooled connection, the retry reconnects) and socket timeouts
(CELERY_BROKER_SOCKET_TIMEOUT), so a broker that is down costs a request about 0.2 s and one that
hangs about 3 s. If the task still cannot be sent, an error naming it is logged and `fallback`
runs: it must leave a durable trace from which a scheduled run does the work (kpis: the rollup
watermark and the rules' change times). The request itself succeeds.
"""
import logging
from collections.abc import Callable

from kombu.exceptions import OperationalError as BrokerError

log = logging.getLogger(__name__)

# What a broker that is down or hung raises, whichever layer notices first.
BROKER_ERRORS = (BrokerError, ConnectionError, TimeoutError, OSError)


def enqueue(task, *args, fallback: Callable[[], str] | None = None, **kwargs) -> bool:
    """Send `task` now. True when the broker took it; otherwise log an error naming the task and what
    `fallback` (called here) arranged instead, and return False."""
    try:
        task.delay(*args, **kwargs)
    except BROKER_ERRORS as exc:
        instead = fallback() if fallback else "nothing will run it until it is sent again"
        log.error("could not queue %s: %s: %s; %s", task.name, exc.__class__.__name__, exc, instead)
        return False
    return True
