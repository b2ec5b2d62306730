"""What the virtual users measured: latencies per page, errors, and the name=value figures."""
import math
from dataclasses import dataclass, field

MAX_ERROR_SAMPLES = 10


@dataclass
class Failure:
    page: str
    method: str
    url: str
    status: int | None   # None: no answer (timeout, refused connection …)
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: {self.method} {self.url} -> {self.status or 'no answer'} {self.detail}".rstrip()


@dataclass
class Recorder:
    """One per virtual user (no locking); `merge` adds them up at the end."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[Failure] = field(default_factory=list)

    def ok(self, page: str, seconds: float) -> None:
        self.latencies.setdefault(page, []).append(seconds)

    def failed(self, page: str, seconds: float, failure: Failure) -> None:
        self.latencies.setdefault(page, []).append(seconds)
        self.errors[page] = self.errors.get(page, 0) + 1
        if len(self.samples) < MAX_ERROR_SAMPLES:
            self.samples.append(failure)

    def merge(self, other: "Recorder") -> None:
        for page, values in other.latencies.items():
            self.latencies.setdefault(page, []).extend(values)
        for page, count in other.errors.items():
            self.errors[page] = self.errors.get(page, 0) + count
        self.samples.extend(other.samples[:MAX_ERROR_SAMPLES - len(self.samples)])

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)]


def figures(recorder: Recorder, seconds: float, pages: list[str]) -> list[tuple[str, object]]:
    """(name, value) in print order: the totals, then rps and p50/p95/p99 in ms for each page."""
    lines = [("requests", recorder.requests), ("errors", recorder.error_count),
             ("rps", round(recorder.requests / seconds, 1))]
    for page in pages:
        values = recorder.latencies.get(page, [])
        lines.append((f"{page}_requests", len(values)))
        lines.append((f"{page}_rps", round(len(values) / seconds, 2)))
        for q in (50, 95, 99):
            lines.append((f"{page}_p{q}_ms", round(percentile(values, q / 100) * 1000, 1) if values else "nan"))
    return lines
