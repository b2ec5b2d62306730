"""Celery tasks of the KPI app: thin wrappers around kpis.services.rollups.run_rollup.

Beat runs the incremental rollup every few minutes and the full one nightly (schedules in
django-celery-beat, created by a migration and editable in the admin). A run holds a lock on the
rollup state for its whole transaction, so an overlapping run waits and then recomputes from
committed data; a retried or repeated run is harmless.
"""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from blueprint.queueing import enqueue_on_commit

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(name="kpis.rollup_incremental", ignore_result=True, soft_time_limit=240, time_limit=300,
             autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=120, retry_jitter=True, max_retries=5)
def rollup_incremental() -> dict:
    """Recompute the rollups of the periods touched since the last run."""
    from .services.rollups import run_rollup

    return run_rollup(full=False).as_dict()


@shared_task(name="kpis.rollup_full", ignore_result=True, soft_time_limit=1500, time_limit=1800,
             autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=600, retry_jitter=True, max_retries=3)
def rollup_full() -> dict:
    """Recompute every rollup and drop the ones whose measurements are gone."""
    from .services.rollups import run_rollup

    return run_rollup(full=True).as_dict()


def queue_incremental_rollup() -> None:
    """Queue an incremental rollup once the current transaction commits (at once outside one), so the
    worker sees the measurements just written and nothing is queued for a rolled-back write. Should
    the broker be unreachable, nothing is lost: the measurements are newer than the watermark, so the
    next scheduled run rolls them up."""
    enqueue_on_commit(rollup_incremental, fallback=lambda: "the next scheduled rollup picks the new "
                                                           "measurements up (they are past its watermark)")
