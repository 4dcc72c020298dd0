"""What one measured phase cost the client process: wall time, CPU time, peak memory.

**CPU.** ``resource.getrusage(RUSAGE_SELF)`` (user + system) counts the CPU
time of every thread of this process and nothing else. A thread waiting for a
socket, a lock or the throughput limiter costs no CPU, so network wait is
excluded by construction; the sandbox runs in another process, so its work is
excluded too. What is counted is everything the client process does: the
runner, the store's SQLite writes, hook dispatch, the plugin's mapping, and the
HTTP client underneath (requests, urllib3, JSON). It is therefore an upper
bound on "our code" in the narrow sense. The worker also reports the CPU time
the HTTP library spent on the run's requests, as the channel session measured
it per thread (``SessionStats.transport_cpu_seconds``); the table's "our CPU"
is this process's CPU time minus that (:mod:`bench.table`).

**Memory.** Linux keeps the process's peak resident set (``VmHWM``). Writing
``5`` to ``/proc/self/clear_refs`` resets that peak to the current resident
set, so the peak growth of the measured phase alone is ``VmHWM`` afterwards
minus ``VmRSS`` at the start, setup excluded. Where ``clear_refs`` cannot be
written, a sampling thread (every 10 ms) stands in for ``VmHWM``.
"""

from __future__ import annotations

import gc
import re
import resource
import threading
import time
from pathlib import Path
from types import TracebackType

from attrs import define

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
SAMPLE_SECONDS = 0.01


def status_kib(field: str) -> int:
    """A ``/proc/self/status`` memory field (``VmRSS``, ``VmHWM``) in KiB."""
    found = re.search(rf"^{field}:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
    if found is None:
        raise RuntimeError(f"/proc/self/status has no {field}")
    return int(found.group(1))


def cpu_seconds() -> float:
    """User + system CPU time of this process (all its threads) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def reset_peak() -> bool:
    """Reset ``VmHWM`` to the current resident set; False where not allowed."""
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


@define
class Phase:
    """Wall time, CPU time and peak RSS growth of a ``with Phase() as phase:`` block."""

    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    rss_start_kib: int = 0
    rss_peak_kib: int = 0
    peak_reset: bool = False
    _started: float = 0.0
    _cpu_started: float = 0.0
    _sampler: threading.Thread | None = None
    _stop: threading.Event | None = None

    @property
    def rss_growth_mib(self) -> float:
        """Peak resident set during the block minus the resident set at its start."""
        return max(0, self.rss_peak_kib - self.rss_start_kib) / 1024

    def __enter__(self) -> Phase:
        gc.collect()
        self.peak_reset = reset_peak()
        self.rss_start_kib = status_kib("VmRSS")
        self.rss_peak_kib = self.rss_start_kib
        if not self.peak_reset:
            self._start_sampler()
        self._cpu_started = cpu_seconds()
        self._started = time.perf_counter()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.wall_seconds = time.perf_counter() - self._started
        self.cpu_seconds = cpu_seconds() - self._cpu_started
        if self._stop is not None and self._sampler is not None:
            self._stop.set()
            self._sampler.join()
        else:
            self.rss_peak_kib = status_kib("VmHWM")

    def _start_sampler(self) -> None:
        self._stop = threading.Event()

        def sample() -> None:
            assert self._stop is not None
            while not self._stop.wait(SAMPLE_SECONDS):
                self.rss_peak_kib = max(self.rss_peak_kib, status_kib("VmRSS"))

        self._sampler = threading.Thread(target=sample, name="rss-sampler", daemon=True)
        self._sampler.start()
