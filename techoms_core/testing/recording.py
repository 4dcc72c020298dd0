"""Recording what a plugin's channel session sends and receives.

An :class:`HttpRecorder` attached to a ``context.http`` session keeps one
:class:`Exchange` per answer the WMS gave (every attempt, retries included),
already redacted with the session's own redactor, so a recording can be
printed in a failing assertion without showing a secret::

    recorder = HttpRecorder()
    recorder.attach(context.http)
    list(plugin_hooks.send_shipments(context=context, shipments=batch))
    assert recorder.count("POST") == len(batch)

Attempts that got no answer at all (connection refused, timeouts) produce no
exchange: they never reached the response stage.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import requests
from attrs import frozen

from techoms_core.http import Redactor

#: How much of a body an exchange keeps, in characters.
BODY_LIMIT = 2000


@frozen
class Exchange:
    """One request the session sent and the answer it got, redacted.

    :ivar method: the HTTP method, upper case.
    :ivar url: the full URL, secrets and sensitive parameters masked.
    :ivar status: the HTTP status of the answer.
    :ivar request_body: the request body as text, redacted and cut.
    :ivar response_body: the answer's body as text, redacted and cut.
    """

    method: str
    url: str
    status: int
    request_body: str
    response_body: str

    @property
    def path(self) -> str:
        """The URL's path, without host or query."""
        return urlsplit(self.url).path

    def __str__(self) -> str:
        return f"{self.method} {self.url} -> {self.status}"


class HttpRecorder:
    """Keeps every exchange of the sessions it is attached to, in order."""

    def __init__(self) -> None:
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()

    def attach(self, session: requests.Session) -> None:
        """Record every answer ``session`` receives from now on."""
        redactor = getattr(session, "redactor", None) or Redactor()

        def record(response: requests.Response, *args: object, **kwargs: object) -> None:
            self._keep(_exchange(response, redactor))

        session.hooks["response"].append(record)

    def _keep(self, exchange: Exchange) -> None:
        with self._lock:
            self._exchanges.append(exchange)

    @property
    def exchanges(self) -> list[Exchange]:
        """A copy of the exchanges recorded so far, oldest first."""
        with self._lock:
            return list(self._exchanges)

    def count(self, method: str | None = None, *, path_contains: str = "") -> int:
        """How many exchanges used ``method`` (any, if ``None``) on a matching path."""
        return sum(
            1
            for exchange in self.exchanges
            if (method is None or exchange.method == method.upper())
            and path_contains in exchange.path
        )

    def __iter__(self) -> Iterator[Exchange]:
        return iter(self.exchanges)

    def __len__(self) -> int:
        return len(self.exchanges)

    def __repr__(self) -> str:
        return f"<HttpRecorder {len(self)} exchanges>"


def _exchange(response: requests.Response, redactor: Redactor) -> Exchange:
    request = response.request
    return Exchange(
        method=(request.method or "").upper(),
        url=redactor.url(request.url or ""),
        status=response.status_code,
        request_body=redactor.body(request.body, limit=BODY_LIMIT),
        response_body=redactor.body(response.content, limit=BODY_LIMIT),
    )
