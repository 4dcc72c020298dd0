"""The hostile-WMS figures: ``python -m bench.hostile [MODE ...]``.

For each mode of :data:`tests.hostile.modes.MODES` (or those named), every
Leanafy option runs in a fresh process against the hostile server, as the
suite in ``tests/hostile/test_suite.py`` runs them, and one table row is
printed: how the receives ended, how many records failed by name, the peak
RSS growth of the run and its wall time. docs/reliability.md shows a run.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from plugins.leanafy.sandbox import SandboxServer
from tests.hostile.harness import drive, prepare
from tests.hostile.modes import MODES
from tests.hostile.wms import HostileWMS

RECEIVES = ("receive-inventory", "receive-shipments", "receive-receipts", "import-products")


def main(names: list[str]) -> None:
    print("| mode | receives ended | records failed | peak RSS growth | time |")
    print("|---|---|---|---|---|")
    with SandboxServer() as sandbox:
        for mode in MODES:
            if names and mode.name not in names:
                continue
            sandbox.reset("demo")
            with HostileWMS(sandbox.url) as hostile, tempfile.TemporaryDirectory() as folder:
                db = prepare(Path(folder), sandbox, hostile)
                hostile.behave("* /v1/*", mode.behaviour)
                report, _ = drive(db, sandbox)
            options = report["options"]
            ended = sorted({options[o]["status"] for o in RECEIVES})
            failed = sum(len(outcome["failed"]) for outcome in options.values())
            print(
                f"| {mode.name} | {', '.join(ended)} | {failed} "
                f"| {report['rss_growth_mib']:.1f} MiB | {report['wall_seconds']:.1f} s |",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
