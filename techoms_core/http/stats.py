"""What a channel session counts while it works: :class:`SessionStats`."""

from __future__ import annotations

import threading

from attrs import define, field


@define
class SessionStats:
    """What a session has done so far; safe to update and read from any thread.

    A session is built per channel run, so its stats are the run's.

    :ivar requests: attempts made (a retried request counts once per attempt).
    :ivar retries: attempts that were retried after a failure.
    :ivar rate_limited: answers with status 429.
    :ivar transport_cpu_seconds: CPU time the HTTP library spent in this
        process sending requests and reading their answers (``requests``'
        adapter, urllib3, ``http.client``, the socket calls), summed over the
        calling threads (``time.thread_time()`` around each adapter send,
        inside the throughput slot). Waiting for the network costs no CPU, so
        it is not in here; neither is preparing a request before the adapter
        (``requests.Session``'s own work), the limiter, retries, decoding JSON
        or anything the plugin does with the answer. Benchmarks subtract it
        from the process's CPU time to tell our code's cost from the HTTP
        library's.
    """

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    transport_cpu_seconds: float = 0.0
    _lock: threading.Lock = field(factory=threading.Lock, init=False, repr=False, eq=False)

    def count(self, what: str) -> None:
        """Add one to the counter called ``what``."""
        with self._lock:
            setattr(self, what, getattr(self, what) + 1)

    def add_transport_cpu(self, seconds: float) -> None:
        """Add ``seconds`` of the HTTP library's CPU time (see the class docstring)."""
        with self._lock:
            self.transport_cpu_seconds += seconds
