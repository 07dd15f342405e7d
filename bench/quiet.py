"""Is the machine quiet? CPU used by other programs before and during a measurement.

On a 2-core machine a test suite or a browser running next to the benchmark halves its
figures. So each measurement waits for the CPUs to be idle first, and then reports how
much CPU time programs other than ours (gunicorn, wrk, the benchmark's PostgreSQL
backends) took while it ran.
"""

import os
import resource
import time
from collections.abc import Callable, Iterable
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
#: Above this share of all CPUs, other programs count as disturbing.
BUSY = 0.10


def _cpu_totals() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user
    return total - idle, total


def _process_jiffies(pids: Iterable[int]) -> int:
    used = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used += int(fields[11]) + int(fields[12])  # utime + stime
    return used


def _own_seconds() -> float:
    """CPU seconds of this process and its reaped children (wrk runs)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def database_backends(name: str) -> list[int]:
    """PostgreSQL backends serving the database `name` (they show it in their title)."""
    marker = f" {name} ".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def busy_share(seconds: float = 1.0) -> float:
    """Share of all CPUs busy during the next `seconds` (while we do nothing)."""
    busy0, total0 = _cpu_totals()
    time.sleep(seconds)
    busy1, total1 = _cpu_totals()
    return (busy1 - busy0) / max(1, total1 - total0)


def wait_for_quiet(max_wait: float, say: Callable[[str], None]) -> float:
    """Wait (up to `max_wait` s) until other programs use under BUSY of the CPUs."""
    deadline = time.monotonic() + max_wait
    share = busy_share()
    waited = False
    while share >= BUSY and time.monotonic() < deadline:
        if not waited:
            say(f"   waiting for the CPUs to be idle ({share:.0%} busy with other programs)...")
            waited = True
        time.sleep(4)
        share = busy_share()
    return share


class Meter:
    """CPU time of other programs during a measurement, as a share of all CPUs."""

    def __init__(self, our_pids: Callable[[], list[int]]):
        self.our_pids = our_pids

    def __enter__(self):
        self.pids = self.our_pids()
        self.busy, self.total = _cpu_totals()
        self.ours = _process_jiffies(self.pids)
        self.own = _own_seconds()
        return self

    def __exit__(self, *_exc):
        busy, total = _cpu_totals()
        ours = _process_jiffies(self.pids) - self.ours + (_own_seconds() - self.own) * TICKS
        self.other = max(0.0, (busy - self.busy - ours) / max(1, total - self.total))
        return False
