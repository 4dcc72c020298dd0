"""The transport adapter: where every request a session sends meets the throughput cap.

:class:`ThrottledAdapter` is a ``requests`` transport adapter that holds a
slot of the channel's :class:`~techoms_core.http.limiter.ThroughputLimiter`
while a request is on the wire, and keeps a connection pool sized to the cap.
Because the slot is taken here, every attempt of a retried request, and every
hop of a redirect, counts against the cap. It is also where the session's
``stats.limiter_cpu_seconds`` is measured: the CPU the calling thread spends
taking the slot. That is the channel's own code running inside
``requests.Session.request``, so ``stats.transport_cpu_seconds`` (the HTTP
library's share) leaves it out. Its answers are :class:`ChannelResponse`
objects, whose ``json()`` decodes a body once however often it is asked.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

from techoms_core.http.abort import ConnectionTracker
from techoms_core.http.limiter import ThroughputLimiter
from techoms_core.http.limits import AnswerLimits, late, read_body
from techoms_core.http.shared_limiter import SharedThroughputLimiter
from techoms_core.http.stats import SessionStats
from techoms_core.http.watchdog import WATCHDOG

_NOT_DECODED = object()


class ChannelResponse(Response):
    """The ``Response`` a channel session returns: ``json()`` decodes once.

    The session decodes a body to check it is JSON (``expect_json``) and the
    plugin reads it again; decoding is most of the CPU a small answer costs
    us, so ``json()`` without arguments keeps what it decoded and returns the
    same object on every later call. Treat it as read-only, or copy it before
    changing it. ``json(**kwargs)`` (e.g. ``parse_float=Decimal``) decodes
    afresh each time, and a body that is not JSON raises on every call.
    """

    _decoded: Any = _NOT_DECODED

    @classmethod
    def of(cls, response: Response) -> ChannelResponse:
        """``response`` as a :class:`ChannelResponse`: a new object holding the
        same attributes (status, headers, url, raw body, cookies, history...)."""
        channel = cls()
        vars(channel).update(vars(response))
        return channel

    def json(self, **kwargs: Any) -> Any:
        """The decoded body; without arguments decoded once and remembered."""
        if kwargs:
            return super().json(**kwargs)
        if self._decoded is _NOT_DECODED:
            self._decoded = super().json()
        return self._decoded


class ThrottledAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` that sends each request inside a limiter slot.

    The adapter itself never retries (``max_retries=0``): retrying is the
    session's decision, made from the error table, because a POST that was
    sent must not be sent again blindly.
    """

    def __init__(
        self,
        limiter: ThroughputLimiter | SharedThroughputLimiter,
        *,
        pool_size: int,
        stats: SessionStats | None = None,
        limits: AnswerLimits | None = None,
    ) -> None:
        self.tracker = ConnectionTracker()  # before super(): it builds the pools
        super().__init__(pool_maxsize=pool_size, max_retries=0)
        self.limiter = limiter
        self.stats = stats if stats is not None else SessionStats()
        self.limits = limits or AnswerLimits()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """``requests``' pool manager, its connections tracked for :meth:`abort`."""
        super().init_poolmanager(*args, **kwargs)
        self.tracker.install(self.poolmanager)

    def abort(self) -> None:
        """Shut down the connections on the wire; send nothing more."""
        self.tracker.abort()

    def build_response(self, req: PreparedRequest, resp: Any) -> Response:
        """``requests``' own response, as a :class:`ChannelResponse`."""
        return ChannelResponse.of(super().build_response(req, resp))

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> Response:
        """Send ``request`` once the limiter allows it.

        Unless the caller streams the answer, its body is read inside the slot
        too, so a request counts as in flight until it has fully arrived, and
        within the adapter's :class:`~techoms_core.http.limits.AnswerLimits`
        (decoded size, and a deadline counted from here). The
        calling thread's CPU time taking the slot is added to
        ``stats.limiter_cpu_seconds`` (releasing it, about a microsecond, is
        left to the send's side).
        """
        self.tracker.check()
        started = time.thread_time()
        with self.limiter.slot():
            self.stats.add_limiter_cpu(time.thread_time() - started)
            started = time.monotonic()
            response = self._send_watched(started, request, stream, timeout, verify, cert, proxies)
            if not stream:
                read_body(response, self.limits, started, _read_timeout(timeout))
            return response

    def _send_watched(self, started: float, request: PreparedRequest, *args: Any) -> Response:
        """``requests``' send, up to the answer's headers, within what is left
        of the deadline counted from ``started`` (:mod:`techoms_core.http.watchdog`)."""
        watch = WATCHDOG.watch(started + self.limits.deadline)
        self.tracker.watching = watch
        response: Response | None = None
        try:
            response = super().send(request, *args)
        except Exception:
            if not WATCHDOG.release(watch):
                raise
        finally:
            self.tracker.watching = None
        if WATCHDOG.release(watch):
            # Raised outside the handler: the deadline, not the shut socket, is the reason.
            if response is not None:
                response.close()
            raise late(self.limits, response)
        assert response is not None
        return response


def _read_timeout(timeout: Any) -> float | None:
    if isinstance(timeout, tuple):
        return timeout[1]
    return timeout
