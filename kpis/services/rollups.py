"""Recompute KPI rollups: incrementally from a watermark, or in full; and ask for them, debounced.

One run is one transaction that first locks the rollup state row (SELECT … FOR UPDATE; on SQLite
the write lock taken at BEGIN does the same), so two runs never interleave: the second waits, then
recomputes from what the first committed. Every recomputed group is recomputed whole and upserted,
so a repeated run changes nothing, and a run that dies half-way rolls back and leaves the previous
rollups and the watermark as they were for the next run to complete.

Every service whose write changes rollups (measurements recorded or moved; a metric's rule, grain or
identity changed) calls `schedule_incremental_rollup`. Writes only mark work pending (the watermark
and Metric.rule_changed_at say what is new), and at most one incremental run waits in the queue at a
time (RollupQueue): a burst of writes costs one or two runs, not one each.
"""
import datetime
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from blueprint.queueing import enqueue
from kpis.models import Measurement, RollupQueue, RollupState
from kpis.rollups import backend
from kpis.tasks import rollup_incremental

STATE = "default"


@dataclass
class RollupReport:
    full: bool
    periods: int      # (metric, grain, period) groups recomputed
    rows: int         # rollup rows computed
    written: int      # rows inserted or changed
    deleted: int      # rows whose scope no longer has data
    duration_s: float
    watermark: datetime.datetime | None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["watermark"] = self.watermark.isoformat() if self.watermark else None
        return data

    def lines(self) -> list[str]:
        """One `name=value` line per figure, for commands and logs."""
        return [f"{name}={value}" for name, value in self.as_dict().items()]


def late_commit_grace() -> datetime.timedelta:
    """How long a writer may take from stamping recorded_at to committing (plus clock skew between
    machines) and still be picked up by the next incremental run."""
    return datetime.timedelta(seconds=settings.KPI_ROLLUP_GRACE_SECONDS)


def run_rollup(*, full: bool = False) -> RollupReport:
    """Recompute rollups and advance the watermark; `full` recomputes everything and deletes rollups
    whose measurements are gone (the first run is always full).

    An incremental run recomputes the (metric, grain, period) groups of the measurements recorded
    after `min(watermark, previous run's start − grace)` and the period after each (whose trend
    depends on it). The lower of the two bounds covers a writer that stamped its rows before the
    previous run started but committed after it. The watermark becomes the newest recorded_at seen
    at the start of this run, so rows written while it runs are picked up by the next one.
    It also recomputes every group of the metrics whose rule changed after the previous run's start
    − grace: bounded by runs, not by the watermark, which stays put while no measurement comes in
    (every run would recompute those metrics again).
    """
    clock = time.perf_counter()
    RollupState.objects.get_or_create(name=STATE)  # outside the transaction: get_or_create settles a race
    with transaction.atomic():
        state = RollupState.objects.select_for_update().get(name=STATE)
        started = timezone.now()
        newest = Measurement.objects.aggregate(newest=Max("recorded_at"))["newest"]
        full = full or state.watermark is None or state.last_run_at is None
        rules_since = None if full else state.last_run_at - late_commit_grace()
        since = None if full else min(state.watermark, rules_since)
        periods, rows, written, deleted = backend().recompute(full=full, since=since, rules_since=rules_since,
                                                              now=started)
        state.watermark = max(filter(None, (state.watermark, newest)), default=None)
        state.last_run_at = started
        fields = ["watermark", "last_run_at"]
        if full:
            state.last_full_at = started
            fields.append("last_full_at")
        state.save(update_fields=fields)
    return RollupReport(full=full, periods=periods, rows=rows, written=written, deleted=deleted,
                        duration_s=round(time.perf_counter() - clock, 3), watermark=state.watermark)


# ---------- asking for a run ----------

def schedule_incremental_rollup() -> None:
    """Ask for an incremental rollup once the caller's transaction commits (at once outside one), so
    the run sees what the caller wrote and nothing is asked for a rolled-back write.

    Debounced: the first writer claims the queue and sends one run; while that run waits in the queue,
    later writers send nothing, for it starts after their commit and covers them too. The run frees
    the claim when it starts, so a write during a run sends exactly one more. Should the broker be
    unreachable, the claim is freed again and the next scheduled run does the work: the measurements
    are past its watermark, a changed rule past its previous run."""
    transaction.on_commit(_claim_and_send)


def _claim_and_send() -> None:
    claim = claim_queue()
    if claim is not None:
        enqueue(rollup_incremental, claim=claim.isoformat(), fallback=lambda: _unsent(claim))


def _unsent(claim: datetime.datetime) -> str:
    release_queue(claim)
    return ("the next scheduled rollup picks the work up (new measurements are past its watermark, changed "
            "rules past its previous run)")


def claim_queue() -> datetime.datetime | None:
    """Claim the right to send the next incremental run; None while another one is queued. A claim
    older than KPI_ROLLUP_CLAIM_STALE_SECONDS (its worker died, its message was lost) is taken over."""
    now = timezone.now()
    free = Q(queued_at__isnull=True) | Q(queued_at__lt=now - datetime.timedelta(
        seconds=settings.KPI_ROLLUP_CLAIM_STALE_SECONDS))
    claimed = RollupQueue.objects.filter(free, name=STATE).update(queued_at=now)
    if not claimed and RollupQueue.objects.get_or_create(name=STATE)[1]:  # the very first claim
        claimed = RollupQueue.objects.filter(free, name=STATE).update(queued_at=now)
    return now if claimed else None


def release_queue(claim: datetime.datetime) -> None:
    """Free the queue, if `claim` still holds it: the run it sent has started (or was never sent)."""
    RollupQueue.objects.filter(name=STATE, queued_at=claim).update(queued_at=None)
