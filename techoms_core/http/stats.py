"""What a channel session counts while it works: :class:`SessionStats`."""

from __future__ import annotations

import threading

from attrs import define, field


@define
class SessionStats:
    """What a session has done so far; safe to update and read from any thread.

    A session is built per channel run, so its stats are the run's. CPU times
    are thread CPU (``time.thread_time()``) of the calling threads, summed:
    waiting for the network, a lock or the rate costs no CPU and is in none.

    :ivar requests: attempts made (a retried request counts once per attempt).
    :ivar retries: attempts that were retried after a failure.
    :ivar rate_limited: answers with status 429.
    :ivar request_cpu_seconds: CPU time of the ``requests.Session.request``
        calls the session made, one per attempt, whole: ``requests`` building
        and preparing the request (headers, cookies, ``.netrc``, URL, the JSON
        body), its hooks, cookie extraction and redirect check, urllib3,
        ``http.client`` and the socket calls (reading the answer included),
        and the two pieces of the channel's own code that run inside: taking
        a throughput slot (:attr:`limiter_cpu_seconds`) and the session's
        cached ``merge_environment_settings`` (a dictionary look-up, cheaper
        than timing it apart would be, so it stays in here).
    :ivar limiter_cpu_seconds: CPU time spent taking throughput slots (the
        concurrency cap and the rate permit), inside those calls.
    """

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    request_cpu_seconds: float = 0.0
    limiter_cpu_seconds: float = 0.0
    _lock: threading.Lock = field(factory=threading.Lock, init=False, repr=False, eq=False)

    @property
    def transport_cpu_seconds(self) -> float:
        """CPU time the HTTP library spent on the session's requests:
        :attr:`request_cpu_seconds` minus :attr:`limiter_cpu_seconds`.

        Everything else the session does is not in here: the retry loop
        (tenacity), the session's checks and log lines, decoding answers'
        JSON, and anything the plugin does with them. Benchmarks subtract it
        from the process's CPU time to tell our code's cost from the HTTP
        library's.
        """
        with self._lock:
            return self.request_cpu_seconds - self.limiter_cpu_seconds

    def count(self, what: str) -> None:
        """Add one to the counter called ``what``."""
        with self._lock:
            setattr(self, what, getattr(self, what) + 1)

    def add_request_cpu(self, seconds: float) -> None:
        """Add the CPU time of one ``requests.Session.request`` call."""
        with self._lock:
            self.request_cpu_seconds += seconds

    def add_limiter_cpu(self, seconds: float) -> None:
        """Add the CPU time of taking one throughput slot."""
        with self._lock:
            self.limiter_cpu_seconds += seconds
