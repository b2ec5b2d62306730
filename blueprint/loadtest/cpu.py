"""CPU seconds used by the processes serving the load, read from Linux's /proc, so the report can say
whether the server or the machine was the limit. Elsewhere (or for a remote database) the figures
are simply missing."""
import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        # The command name in parentheses may contain spaces: split after its closing one.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def seconds(pid: int) -> float:
    """User + system CPU of one process so far (0 when it is gone or not visible)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS if fields else 0.0


def family(pid: int) -> list[int]:
    """The process and its children (gunicorn's master and workers)."""
    children = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and fields[1] == str(pid):
                children.append(int(entry.name))
    return [pid, *children]


def local_processes(pids: list[int], name: str) -> list[int]:
    """The pids that are processes of this machine running `name` (PostgreSQL backends seen from here)."""
    found = []
    for pid in pids:
        try:
            if name.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found


class Meter:
    """CPU used by a changing set of processes between `start` and `stop`: a process first seen at
    `stop` counts from zero; one that ended in between is lost (rare: connections are kept)."""

    def __init__(self, pids_now):
        self.pids_now = pids_now   # () → list of pids
        self.before: dict[int, float] = {}

    def start(self) -> None:
        self.before = {pid: seconds(pid) for pid in self.pids_now()}

    def stop(self) -> float:
        return sum(max(seconds(pid) - self.before.get(pid, 0.0), 0.0) for pid in self.pids_now())
