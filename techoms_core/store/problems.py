"""Errors and reports of the store's own operations (loads, channel admin)."""

from __future__ import annotations

from attrs import frozen

from techoms_core.host import HostError
from techoms_core.store.paths import DB_ENV_VAR


class StoreError(HostError, ValueError):
    """A request the store refuses, with a message naming what and why."""


class DatabaseBusy(HostError):
    """Another process held the database's write lock for longer than the
    busy timeout; nothing of the refused transaction was written."""

    def __init__(self, path: object, timeout: float) -> None:
        super().__init__(
            f"the database {path} is busy: another process held its write lock for "
            f"more than {timeout:g} s, and nothing was changed; try again when it is done "
            f"(${BUSY_TIMEOUT_ENV_VAR} sets how many seconds to wait)"
        )
        self.path = path
        self.timeout = timeout


class NoStore(StoreError):
    """A database opened only to read that does not exist, or holds no techOMS
    store yet: reading never creates one."""

    def __init__(self, where: object, *, missing_file: bool) -> None:
        found = (
            f"no techOMS database at {where}"
            if missing_file
            else (f"{where} holds no techOMS database yet")
        )
        super().__init__(
            f"{found}; reading never creates one: `techoms channel add`, `techoms load` "
            f"or `techoms account set` does (check --db or ${DB_ENV_VAR})"
        )
        self.where = where


#: Seconds a command waits for another process's write lock before giving up.
BUSY_TIMEOUT_ENV_VAR = "TECHOMS_BUSY_TIMEOUT"


@frozen(kw_only=True)
class LoadProblem:
    """One record of a load that cannot be stored: its index in the input, its
    key, the field at fault and why."""

    index: int
    key: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"record {self.index} ({self.key!r})"
        return (
            f"{where}, field {self.field}: {self.message}"
            if self.field
            else (f"{where}: {self.message}")
        )


class LoadConflict(StoreError):
    """A load refused as a whole: nothing of it was stored. ``problems`` lists
    every record that conflicts with what the store holds."""

    def __init__(self, kind: str, problems: list[LoadProblem]) -> None:
        self.kind = kind
        self.problems = tuple(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"no {kind} loaded; {len(self.problems)} refused:\n{lines}")


@frozen(kw_only=True)
class LoadReport:
    """What a load did."""

    kind: str
    created: int
    updated: int
    unchanged: int = 0
