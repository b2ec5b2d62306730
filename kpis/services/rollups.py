"""Recompute KPI rollups: incrementally from a watermark, or in full.

One run is one transaction that first locks the rollup state row (SELECT … FOR UPDATE; on SQLite
the write lock taken at BEGIN does the same), so two runs never interleave: the second waits, then
recomputes from what the first committed. Every recomputed group is recomputed whole and upserted,
so a repeated run changes nothing, and a run that dies half-way rolls back and leaves the previous
rollups and the watermark as they were for the next run to complete.
"""
import datetime
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kpis.models import Measurement, RollupState
from kpis.rollups import backend

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
    return datetime.timedelta(seconds=getattr(settings, "KPI_ROLLUP_GRACE_SECONDS", 120))


def run_rollup(*, full: bool = False) -> RollupReport:
    """Recompute rollups and advance the watermark; `full` recomputes everything and deletes rollups
    whose measurements are gone (the first run is always full).

    An incremental run recomputes the (metric, grain, period) groups of the measurements recorded
    after `min(watermark, previous run's start − grace)` and the period after each (whose trend
    depends on it). The lower of the two bounds covers a writer that stamped its rows before the
    previous run started but committed after it. The watermark becomes the newest recorded_at seen
    at the start of this run, so rows written while it runs are picked up by the next one.
    """
    clock = time.perf_counter()
    RollupState.objects.get_or_create(name=STATE)  # outside the transaction: get_or_create settles a race
    with transaction.atomic():
        state = RollupState.objects.select_for_update().get(name=STATE)
        started = timezone.now()
        newest = Measurement.objects.aggregate(newest=Max("recorded_at"))["newest"]
        full = full or state.watermark is None or state.last_run_at is None
        since = None if full else min(state.watermark, state.last_run_at - late_commit_grace())
        periods, rows, written, deleted = backend().recompute(full=full, since=since, now=started)
        state.watermark = max(filter(None, (state.watermark, newest)), default=None)
        state.last_run_at = started
        fields = ["watermark", "last_run_at"]
        if full:
            state.last_full_at = started
            fields.append("last_full_at")
        state.save(update_fields=fields)
    return RollupReport(full=full, periods=periods, rows=rows, written=written, deleted=deleted,
                        duration_s=round(time.perf_counter() - clock, 3), watermark=state.watermark)


def request_full_rollup() -> str:
    """Make the next run a full one, whoever starts it (the schedule every few minutes, the command):
    for a full rollup that is needed but could not be queued. Waits for a run in progress, whose
    commit would otherwise write over the request. Returns what it arranged, for the log."""
    RollupState.objects.get_or_create(name=STATE)
    RollupState.objects.filter(name=STATE).update(last_run_at=None)
    return "the next scheduled rollup will be a full one"
