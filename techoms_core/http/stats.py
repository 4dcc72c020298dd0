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
        process on the session's requests, summed over the calling threads
        (``time.thread_time()``): ``requests`` preparing each request
        (``Session.prepare_request``: headers, cookies, ``.netrc``, URL, body
        encoding), and the adapter's send inside the throughput slot (urllib3,
        ``http.client``, the socket calls, reading the answer). Waiting for
        the network costs no CPU, so it is not in here; neither is the
        limiter, the retry loop, the session's checks and logging, decoding
        the answer's JSON, or anything the plugin does with it, nor the few
        lines of ``requests`` between those two parts (hooks, cookie
        extraction). Benchmarks subtract it from the process's CPU time to
        tell our code's cost from the HTTP library's.
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
