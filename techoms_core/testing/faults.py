"""Faults a test can inject into a channel session: answers lost on the way back.

The hardest duty of a send hook is idempotency after a create whose outcome is
unknown: the WMS stored the record, but the answer never arrived (a read
timeout, a dropped connection). :func:`lose_answers` makes exactly that happen,
for real, on any plugin: the request goes to the WMS (your fake or sandbox
stores the record), then the answer is thrown away and the session sees a
``ReadTimeout``. The channel session turns it into
:class:`~techoms_core.http.OutcomeUnknown` for a POST; the plugin must then
look the record up instead of creating it again::

    with lose_answers(context.http) as lost:
        results = list(hooks.send_shipments(context=context, shipments=batch))
    assert lost.count == len(batch)
    assert wms.orders_created == len(batch)   # not twice as many
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import BaseAdapter

SCHEMES = ("http://", "https://")


class AnswerLost(requests.exceptions.ReadTimeout):
    """Raised in place of an answer the WMS did send (injected by a test)."""


class LosingAdapter(BaseAdapter):
    """Wraps a session's transport adapter: sends each request for real, then
    loses the successful answers of the chosen methods."""

    def __init__(
        self, inner: Mapping[str, BaseAdapter], methods: Collection[str], limit: int | None
    ) -> None:
        super().__init__()
        self.inner = dict(inner)
        self.methods = {method.upper() for method in methods}
        self.limit = limit
        self.count = 0
        self._lock = threading.Lock()

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        scheme = next(s for s in SCHEMES if (request.url or "").startswith(s))
        response = self.inner[scheme].send(request, *args, **kwargs)
        if (request.method or "").upper() in self.methods and response.ok and self._take():
            response.close()
            raise AnswerLost(f"answer to {request.method} lost (injected by the test)")
        return response

    def _take(self) -> bool:
        with self._lock:
            if self.limit is not None and self.count >= self.limit:
                return False
            self.count += 1
            return True

    def close(self) -> None:
        for adapter in {id(a): a for a in self.inner.values()}.values():
            adapter.close()


@contextmanager
def lose_answers(
    session: requests.Session,
    *,
    methods: Collection[str] = ("POST",),
    limit: int | None = None,
) -> Iterator[LosingAdapter]:
    """Lose the successful answers to ``methods`` requests made on ``session``
    inside the block (at most ``limit`` of them; all when ``None``).

    Yields the adapter; its ``count`` says how many answers were lost.
    """
    originals: Mapping[str, BaseAdapter] = {
        scheme: session.get_adapter(f"{scheme}wms.invalid") for scheme in SCHEMES
    }
    losing = LosingAdapter(originals, methods, limit)
    for scheme in SCHEMES:
        session.mount(scheme, losing)
    try:
        yield losing
    finally:
        for scheme, inner in originals.items():
            session.mount(scheme, inner)
