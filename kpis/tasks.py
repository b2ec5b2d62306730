"""Celery tasks of the KPI app: thin wrappers around kpis.services.rollups.run_rollup.

Beat runs the incremental rollup every few minutes and the full one nightly (schedules in
django-celery-beat, created by a migration and editable in the admin); writes ask for an incremental
one in between (kpis.services.rollups.schedule_incremental_rollup). A run holds a lock on the rollup
state for its whole transaction, so an overlapping run waits and then recomputes from committed
data; a retried or repeated run is harmless, so a message is acknowledged only once its run ends and the
run of a worker that died is redone (blueprint/settings.py, Celery).
"""
import datetime

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(name="kpis.rollup_incremental", ignore_result=True, soft_time_limit=240, time_limit=300,
             autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=120, retry_jitter=True, max_retries=5)
def rollup_incremental(claim: str | None = None) -> dict:
    """Recompute the rollups of the periods touched since the last run. `claim` is the queue claim of
    the write that sent this run: freed first, before waiting for the run lock, so that a write from
    now on sends a run of its own (beat's runs carry none and leave the queue alone)."""
    from .services.rollups import release_queue, run_rollup

    if claim:
        release_queue(datetime.datetime.fromisoformat(claim))
    return run_rollup(full=False).as_dict()


# The longest task may run the longest any task may (CELERY_TASK_TIME_LIMIT, 10 minutes by default; a million
# measurements take about one on two cores), which the broker's visibility timeout must exceed.
@shared_task(name="kpis.rollup_full", ignore_result=True, soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
             time_limit=settings.CELERY_TASK_TIME_LIMIT, autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=120,
             retry_jitter=True, max_retries=3)
def rollup_full() -> dict:
    """Recompute every rollup and drop the ones whose measurements are gone."""
    from .services.rollups import run_rollup

    return run_rollup(full=True).as_dict()
