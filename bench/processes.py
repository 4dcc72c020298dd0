"""Stopping a group of worker processes the way an operator would."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterable


def stop_processes(processes: Iterable[subprocess.Popen], *, grace: float) -> None:
    """SIGTERM every process still running, then wait for each; one still
    running after ``grace`` seconds is SIGKILLed (a test or benchmark must not
    leave workers behind, even hung ones)."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
