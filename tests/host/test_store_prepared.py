"""Prepared statements write exactly what SQLAlchemy's own execution writes."""

from __future__ import annotations

import configparser
import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from sqlalchemy import bindparam, create_engine, insert, select, update

from techoms_core.store import prepared, schema
from techoms_core.store.prepared import Prepared

NOW = dt.datetime(2025, 1, 6, 9, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
RUNS = schema.runs
MESSAGES = schema.run_messages
INSERT_MESSAGE = insert(MESSAGES).values(
    run_id=bindparam("b_run"),
    record_key=bindparam("b_key"),
    status="ok",
    level="info",
    message=bindparam("b_message"),
    field=None,
    at=bindparam("b_now"),
)


def _engine(paramstyle: str | None = None):
    engine = create_engine("sqlite://", **({"paramstyle": paramstyle} if paramstyle else {}))
    schema.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(RUNS).values(channel="c", option="o", started_at=NOW, status="running")
        )
    return engine


def _raw_messages(connection) -> list[tuple]:
    return connection.exec_driver_sql(
        "SELECT run_id, record_key, status, level, message, field, at FROM run_messages ORDER BY id"
    ).all()


@pytest.mark.parametrize("paramstyle", [None, "named"])
def test_rows_are_stored_as_sqlalchemy_stores_them(paramstyle):
    prepared = Prepared(INSERT_MESSAGE, each=("b_key", "b_message"), shared=("b_run", "b_now"))
    engine = _engine(paramstyle)
    with engine.begin() as connection:
        prepared.run(connection, [("A", "sent"), ("B", "already there")], b_run=1, b_now=NOW)
        ours = _raw_messages(connection)
        connection.exec_driver_sql("DELETE FROM run_messages")
        connection.execute(
            INSERT_MESSAGE,
            [
                {"b_run": 1, "b_key": "A", "b_message": "sent", "b_now": NOW},
                {"b_run": 1, "b_key": "B", "b_message": "already there", "b_now": NOW},
            ],
        )
        assert ours == _raw_messages(connection)
        stored = connection.execute(select(MESSAGES.c.at)).scalars().all()
    assert stored == [NOW.astimezone(dt.UTC)] * 2
    assert ours[0][1:5] == ("A", "ok", "info", "sent")


def test_no_rows_run_nothing():
    prepared = Prepared(INSERT_MESSAGE, each=("b_key", "b_message"), shared=("b_run", "b_now"))
    with _engine().begin() as connection:
        prepared.run(connection, [], b_run=1, b_now=NOW)
        assert _raw_messages(connection) == []


def test_an_update_of_one_parameter_per_row():
    prepared = Prepared(
        update(RUNS).where(RUNS.c.id == bindparam("b_id")).values(status="completed"),
        each=("b_id",),
    )
    with _engine().begin() as connection:
        prepared.run(connection, [(1,), (2,)])
        assert connection.execute(select(RUNS.c.status)).scalars().all() == ["completed"]


@pytest.mark.parametrize(
    ("statement", "each", "shared", "problem"),
    [
        (INSERT_MESSAGE, ("b_key", "b_message", "b_now"), ("b_run",), "b_now needs its type's"),
        (INSERT_MESSAGE, ("b_key", "b_message", "b_nope"), ("b_run", "b_now"), "no bound .*b_nope"),
        (INSERT_MESSAGE, ("b_key",), ("b_run", "b_now"), "b_message not in each nor shared"),
        (
            insert(RUNS).values(channel=bindparam("b_channel")),
            ("b_channel",),
            (),
            "give dry_run, ok, skipped, warning, failed in values",
        ),
    ],
)
def test_what_the_driver_could_not_take_as_it_is_is_refused(statement, each, shared, problem):
    prepared = Prepared(statement, each=each, shared=shared)
    with _engine().begin() as connection, pytest.raises(ValueError, match=problem):
        prepared.run(connection, [tuple("x" for _ in each)], b_run=1, b_now=NOW)


def test_the_installed_sqlalchemy_is_in_the_range_the_compiler_internals_are_tested_on():
    """setup.cfg's range for SQLAlchemy is the one prepared.py names; this suite
    runs at its lowest end (make test-lowest) and at the newest release in it."""
    config = configparser.ConfigParser()
    config.read(Path(__file__).resolve().parents[2] / "setup.cfg")
    (requirement,) = (
        Requirement(line)
        for line in config["options.extras_require"]["host"].split()
        if line.startswith("sqlalchemy")
    )
    assert requirement.specifier == SpecifierSet(">=2.0.30,<2.2")
    assert ">=2.0.30,<2.2" in prepared.__doc__
    assert requirement.specifier.contains(sqlalchemy.__version__)


LEVELS = schema.inventory


def _levels(connection, count: int, warehouse: str = "W") -> None:
    connection.execute(
        insert(LEVELS),
        [
            {"warehouse": warehouse, "sku_key": f"k{n}", "sku": f"K{n}", "on_hand": n}
            | {"allocated": 0, "available": n, "updated_at": NOW}
            for n in range(count)
        ],
    )


LEVEL_KEYS = prepared.KeyQuery(
    lambda keys: select(LEVELS.c.sku_key).where(LEVELS.c.sku_key.in_(keys))
)


@pytest.mark.parametrize("paramstyle", [None, "named"])
@pytest.mark.parametrize("asked", [0, 1, 3, 17, 500, 1_203])
def test_a_key_query_finds_what_an_expanding_in_finds(paramstyle, asked):
    engine = _engine(paramstyle)
    keys = [f"k{n}" for n in range(0, 2 * asked, 2)]  # every other key is not stored
    expanding = select(LEVELS.c.sku_key).where(
        LEVELS.c.sku_key.in_(bindparam("keys", expanding=True))
    )
    with engine.begin() as connection:
        _levels(connection, asked + 1)
        found = sorted(row[0] for row in LEVEL_KEYS.rows(connection, keys))
        expected = sorted(
            row[0]
            for start in range(0, len(keys), 500)
            for row in connection.execute(expanding, {"keys": keys[start : start + 500]})
        )
    assert found == expected
    assert len(found) == (asked + 2) // 2 if asked else not found


def test_a_key_query_binds_its_shared_parameters():
    in_warehouse = prepared.KeyQuery(
        lambda keys: select(LEVELS.c.sku_key).where(
            LEVELS.c.warehouse == bindparam("b_warehouse"), LEVELS.c.sku_key.in_(keys)
        ),
        shared=("b_warehouse",),
    )
    with _engine().begin() as connection:
        _levels(connection, 30, "W")
        _levels(connection, 5, "E")
        found = in_warehouse.rows(connection, [f"k{n}" for n in range(40)], b_warehouse="E")
    assert sorted(row[0] for row in found) == ["k0", "k1", "k2", "k3", "k4"]
