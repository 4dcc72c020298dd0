"""Capturing every log record a plugin and the core write, at DEBUG.

pytest's ``caplog`` sees what reaches the root logger at the level already in
force; a secret leak often hides in a DEBUG line nobody enables. A
:class:`LogCapture` turns DEBUG on for the duration and keeps each record's
final text (message, exception and stack), exactly as a log file would get it::

    with LogCapture.capturing() as logs:
        hooks.health_check(context=context)
    assert not find_secrets(logs.texts(), ["my-api-key"])
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class LogCapture(logging.Handler):
    """A handler that keeps every record it is given, formatted."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[logging.LogRecord] = []
        self._texts: list[str] = []
        self._formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self._texts.append(self._formatter.format(record))

    def texts(self) -> list[str]:
        """Every captured record as one text, with its traceback if it had one."""
        return list(self._texts)

    @classmethod
    @contextmanager
    def capturing(cls, level: int = logging.DEBUG) -> Iterator[LogCapture]:
        """Capture what every logger writes at ``level`` and above in the block."""
        capture = cls()
        root = logging.getLogger()
        previous = root.level
        root.addHandler(capture)
        root.setLevel(level)
        try:
            yield capture
        finally:
            root.setLevel(previous)
            root.removeHandler(capture)

    def __repr__(self) -> str:
        return f"<LogCapture {len(self.records)} records>"
