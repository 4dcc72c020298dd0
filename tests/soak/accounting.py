"""Accounting for every injected fault: in the channel's log, and in the run log.

Every fault the sandbox injects into a request of a sync process surfaces as
exactly one WARNING line of that process's channel log (``techoms sync`` prints
them on stderr, secrets masked):

- a retried request (429, 5xx, malformed JSON on a read): the session's
  "... Retrying in X s (attempt n of N)." line;
- a create whose outcome is unknown (5xx, store-then-fail, dropped connection,
  malformed JSON on a create): the plugin's "order S-1 (attempt n): ..." line;
- a request that failed on its last attempt: the plugin's line for what it
  was doing ("looking up ...", "reading the base units ...", "order S-1: ...").

A lookup that fails on every attempt of a *receive* fails the whole run
instead; its summary's message then accounts for that last fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from tests.soak.harness import Attempt

FAULT_LINES = (
    re.compile(r"Retrying in [\d.]+ s \(attempt \d+ of \d+\)\.\s*$"),
    re.compile(r"^(order|ARN|item) \S+( \(attempt \d+\))?: "),
    re.compile(r"^looking up "),
    re.compile(r"^reading the base units "),
)

#: What a record's or a run's failure says when an injected fault caused it.
FAULT_WORDS = re.compile(
    r"HTTP (429|5\d\d|20[01])|Connection lost|no JSON|not JSON|outcome|unknown|proxy",
    re.IGNORECASE,
)


def fault_lines(stderr: Path) -> list[str]:
    """The lines of one process's stderr that report an injected fault."""
    lines = stderr.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if any(p.search(line) for p in FAULT_LINES)]


def faults_reported(attempt: Attempt) -> int:
    """Faults the process reported: its log lines, plus a failed run's last fault."""
    reported = len(fault_lines(attempt.stderr))
    summary = attempt.summary or {}
    if summary.get("status") == "failed" and FAULT_WORDS.search(summary.get("message") or ""):
        reported += 1
    return reported


def faults_injected(attempt: Attempt) -> int:
    """Faults the sandbox injected while the process ran (latency excluded)."""
    return sum(count for kind, count in attempt.injected.items() if kind != "latency")


def unaccounted(attempts: Iterable[Attempt]) -> list[str]:
    """Processes whose log does not account for the faults injected meanwhile.

    A process that ran to its end must report every fault, one line each. A
    killed one can only have reported fewer (the kill may come between a
    fault and its line), never more.
    """
    problems = []
    for number, attempt in enumerate(attempts, 1):
        injected, reported = faults_injected(attempt), faults_reported(attempt)
        if (attempt.killed and reported > injected) or (
            not attempt.killed and reported != injected
        ):
            problems.append(
                f"run {number} of {attempt.option} ({'killed' if attempt.killed else 'ended'}):"
                f" {injected} faults injected {attempt.injected}, {reported} reported"
                f" in {attempt.stderr}"
            )
    return problems
