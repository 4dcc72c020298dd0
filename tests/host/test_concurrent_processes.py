"""The store's guarantees with several processes writing at once, on SQLite and
on PostgreSQL: run locks, grouped send commits, receive pages committed with
their cursor, and inventory snapshot swaps.

The contenders (``contender.py``) are real processes started together; the
test reads the store meanwhile, each look one read transaction of the store,
and never sees a half-written group, page or snapshot.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from techoms_core.models import RecordResult
from techoms_core.store import schema
from tests.host import samples

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


class Contenders:
    """Processes started on one store, released together by one file."""

    def __init__(self, tmp_path: Path, db_target) -> None:
        self.go = tmp_path / "go"
        self.db = str(db_target)
        self.processes: list[subprocess.Popen] = []

    def start(self, mode: str, *args: object) -> None:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.host.contender",
                mode,
                self.db,
                str(self.go),
                *map(str, args),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert json.loads(process.stdout.readline() or "{}").get("ready"), process.stderr.read()
        self.processes.append(process)

    def run(self, look: Callable[[], None] = lambda: None) -> list[list[dict]]:
        """Release them, ``look`` at the store until all are done, and return
        what each printed (one JSON object a line)."""
        self.go.touch()
        while any(p.poll() is None for p in self.processes):
            look()
        look()
        outputs = []
        for process in self.processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            outputs.append([json.loads(line) for line in out.splitlines()])
        return outputs


@pytest.fixture
def contenders(tmp_path, db_target):
    return Contenders(tmp_path, db_target)


def test_of_processes_racing_for_a_run_lock_exactly_one_takes_it(host, contenders):
    rounds = 40
    for _ in range(3):
        contenders.start("locks", rounds)
    outputs = contenders.run()
    for n in range(rounds):
        winners = [out[n]["won"] for out in outputs].count(True)
        assert winners == 1, f"round {n}: {winners} processes took the lock"


def test_a_reader_never_sees_part_of_a_send_group(host, contenders):
    groups, size = 15, 20
    for name in ("a", "b"):
        host.add_channel(samples.channel(name, warehouse=f"WH-{name}"))
        host.load_shipments(
            [
                samples.shipment(f"{name}-{g}-{i}", warehouse=f"WH-{name}")
                for g in range(groups)
                for i in range(size)
            ]
        )
        contenders.start("sends", name, groups, size)
    seen: set[int] = set()

    def look() -> None:
        with host._read() as connection:
            for name in ("a", "b"):
                sent = _count(connection, schema.shipments, channel=name, status="sent")
                logged = _logged(connection, name, "send-shipments")
                assert sent % size == 0 and sent == logged, (name, sent, logged)
                seen.add(sent)

    contenders.run(look)
    assert groups * size in seen


def test_a_reader_sees_each_receive_page_with_its_cursor(host, contenders):
    pages, size = 15, 20
    for name in ("a", "b"):
        host.add_channel(samples.channel(name, warehouse=f"WH-{name}"))
        numbers = [f"{name}-{p}-{i}" for p in range(pages) for i in range(size)]
        host.load_shipments([samples.shipment(n, warehouse=f"WH-{name}") for n in numbers])
        run_id = host.start_run(name, "send-shipments")
        host.record_send_results(
            run_id, name, "send-shipments", [RecordResult.ok(n, remote_id=n) for n in numbers]
        )
        contenders.start("pages", name, pages, size)

    def look() -> None:
        with host._read() as connection:
            for name in ("a", "b"):
                shipped = _count(connection, schema.shipments, channel=name, status="shipped")
                cursor = connection.execute(
                    select(schema.cursors.c.cursor).where(schema.cursors.c.channel == name)
                ).scalar()
                assert shipped == (0 if cursor is None else (int(cursor) + 1) * size)

    contenders.run(look)
    assert host.cursor("a", "receive-shipments") == str(pages - 1)


def test_a_reader_sees_the_whole_old_or_the_whole_new_inventory(host, contenders):
    skus, rounds = 40, 12
    host.add_channel(samples.channel())
    host.load_products([samples.product(f"SKU-{s:03}") for s in range(skus)])
    contenders.start("snapshots", rounds, skus)
    seen: set[int] = set()

    def look() -> None:
        rows = host.inventory_rows()
        levels = {row["on_hand"] for row in rows}
        assert len(levels) <= 1, f"a mix of snapshots: {sorted(levels)}"
        assert len(rows) in (0, skus)
        seen.update(levels)

    contenders.run(look)
    assert rounds in seen


def _count(connection, table, **equal) -> int:
    query = select(func.count()).select_from(table)
    for column, value in equal.items():
        query = query.where(table.c[column] == value)
    return connection.execute(query).scalar_one()


def _logged(connection, channel: str, option: str) -> int:
    runs, messages = schema.runs, schema.run_messages
    return connection.execute(
        select(func.count())
        .select_from(messages.join(runs, messages.c.run_id == runs.c.id))
        .where(runs.c.channel == channel, runs.c.option == option, messages.c.status == "ok")
    ).scalar_one()
