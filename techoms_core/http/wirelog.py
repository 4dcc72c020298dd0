"""Keeping ``urllib3``'s own log lines free of secrets.

``urllib3``, under ``requests``, logs each request line at DEBUG
(``"GET /v1/items?api_key=... HTTP/1.1" 200``) and retried or redirected URLs.
A host that turns DEBUG on for everything would write a channel's secrets out.
:func:`guard_wire_log` puts a filter on those loggers that masks the secrets
of every live session, and every sensitive query parameter.
"""

from __future__ import annotations

import logging
import threading
import weakref

from techoms_core.http.redaction import Redactor

#: The ``urllib3`` loggers whose records may hold a URL.
WIRE_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.util.retry",
)

_by_name = Redactor()


class WireLogFilter(logging.Filter):
    """Masks, in every record it sees, the secrets of all the redactors it guards."""

    def __init__(self) -> None:
        super().__init__()
        self._redactors: weakref.WeakSet[Redactor] = weakref.WeakSet()
        self._lock = threading.Lock()

    def guard(self, redactor: Redactor) -> None:
        """Mask ``redactor``'s secrets too, for as long as it lives."""
        with self._lock:
            self._redactors.add(redactor)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        with self._lock:
            redactors = list(self._redactors)
        for redactor in redactors or [_by_name]:
            message = redactor.text(message)
        record.msg, record.args = message, ()
        return True


_filter = WireLogFilter()
_installed = threading.Lock()


def guard_wire_log(redactor: Redactor) -> None:
    """Keep ``redactor``'s secrets out of ``urllib3``'s log records."""
    with _installed:
        for name in WIRE_LOGGERS:
            wire_logger = logging.getLogger(name)
            if _filter not in wire_logger.filters:
                wire_logger.addFilter(_filter)
    _filter.guard(redactor)
