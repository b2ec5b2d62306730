"""Writes ask for incremental rollups, debounced: at most one waits in the queue. The first writer
claims the queue and sends a run; later writers send nothing while it waits; the run frees the claim
when it starts (before it waits for the run lock), so a write during a run sends exactly one more.
A claim whose run never started expires. The end-to-end count (one big post and twenty small ones
→ one or two runs) is tests/kpis/test_bench_rollup_debounce.py, with a real worker."""
import datetime

import pytest
from django.utils import timezone

from kpis.models import RollupQueue
from kpis.services.rollups import claim_queue, release_queue
from kpis.tasks import rollup_incremental

pytestmark = pytest.mark.django_db


def _queued() -> datetime.datetime | None:
    return RollupQueue.objects.get().queued_at


def test_the_first_writer_claims_the_queue_and_the_next_ones_wait_for_its_run():
    first = claim_queue()
    assert first is not None and _queued() == first
    assert claim_queue() is None and claim_queue() is None  # a run is queued: it will cover them
    assert _queued() == first


def test_the_run_frees_its_claim_when_it_starts_so_the_next_write_sends_another():
    claim = claim_queue()
    rollup_incremental.apply(kwargs={"claim": claim.isoformat()}).get()
    assert _queued() is None
    assert claim_queue() is not None


def test_a_scheduled_run_leaves_a_writers_claim_alone():
    claim = claim_queue()
    rollup_incremental.apply().get()  # beat's run: the queued one still comes, and covers what it must
    assert _queued() == claim and claim_queue() is None


def test_a_release_frees_only_its_own_claim():
    old = claim_queue()
    RollupQueue.objects.update(queued_at=None)
    new = claim_queue()
    release_queue(old)
    assert _queued() == new


def test_a_claim_whose_run_never_started_expires(settings):
    settings.KPI_ROLLUP_CLAIM_STALE_SECONDS = 60
    claim_queue()
    RollupQueue.objects.update(queued_at=timezone.now() - datetime.timedelta(seconds=59))
    assert claim_queue() is None
    RollupQueue.objects.update(queued_at=timezone.now() - datetime.timedelta(seconds=61))
    assert claim_queue() is not None
