"""The HTTP toolkit: how a channel plugin talks to its WMS.

Every hook receives ``context.http``, a :class:`ChannelSession` that the core
built with :func:`build_session` from the channel's settings. Use it as a
``requests.Session``; it already carries the channel's throughput cap,
timeouts, retries and redaction::

    response = context.http.get("items", params={"sku": skus, "limit": 100})
    items = response.json()["payload"]

**What you get back.** The ``Response`` of a 2xx answer. Anything else raises
a :class:`ChannelHTTPError` whose ``str()`` tells the user what happened in
plain words, with the request (URL redacted) and the WMS's ``X-Request-Id``.
Catch the subclass you can act on: ``ValidationFailed`` (422, with ``fields``)
or ``Conflict`` (409) fail one record; ``InvalidCredentials`` (401) stops the
run; ``error.retriable`` says whether a later run may succeed.

**What is retried, and how.** A failure is retried only when the error table
(:data:`DEFAULT_ERROR_TABLE`) says so:

- 500, 502, 503, 504, 408, a read timeout, a dropped or cut-off answer, and
  (with ``expect_json``) a success whose body is not JSON: for requests that
  are safe to repeat (GET, HEAD, OPTIONS, PUT, DELETE) only;
- a connection that could not be opened (refused, host not found, connect
  timeout): for every method, since nothing was sent;
- 429: for every method, after the ``Retry-After`` the WMS asked for (capped).

Other waits back off exponentially, with jitter. There are at most
``RetryPolicy.max_attempts`` attempts in all, and every attempt takes its own
place within the throughput cap. 4xx answers are never retried. Request
bodies must be replayable (bytes, ``data=`` dicts, ``json=``), not generators.

**What raises OutcomeUnknown, and what you must do then.** A request that is
not safe to repeat (POST, PATCH) is *never* retried once it may have reached
the WMS. A read timeout, a connection dropped after sending, a TLS failure
other than an untrusted certificate, any 5xx, or a body that is not the
WMS's own raise :class:`OutcomeUnknown` at once: the record may or may not
exist now. Look it up (Leanafy: by ``primary_reference_number``), create it
only if it is not there, then bind it. A POST that only reads can say
``idempotent=True`` to be retried like a GET.

**Reading the WMS's errors.** Declare :class:`WireConventions` on the plugin's
declaration (``wire=WireConventions(error_parser=..., error_table=...)``): the
core builds the session with them, so the WMS's error envelope becomes an
:class:`ErrorDetail` (code, message, field reasons) in every message and in
``ValidationFailed.fields``.
Change how a status or exception is handled with
``DEFAULT_ERROR_TABLE.extended(ErrorRule(...))``.

**Logging.** Each attempt is logged at DEBUG (method, URL, status, time,
request id) and each retry at WARNING, all through the session's
:class:`Redactor`: secret values, sensitive headers and query parameters are
masked. Log what you take from the wire through ``session.redactor`` too.

**Counting.** ``session.stats`` (:class:`SessionStats`) counts attempts
(``requests``), ``retries`` and 429 answers (``rate_limited``), and sums the
CPU time of every ``requests.Session.request`` call the session made, the
part of it spent taking throughput slots (``limiter_cpu_seconds``) and the
difference, the HTTP library's own (``transport_cpu_seconds``). The runner
copies them into the run's summary and the run log.
"""

from techoms_core.http.conventions import WireConventions
from techoms_core.http.errors import DEFAULT_ERROR_TABLE, Action, ErrorRule, ErrorTable
from techoms_core.http.exceptions import (
    ChannelHTTPError,
    ClientError,
    Conflict,
    ErrorDetail,
    Forbidden,
    InvalidCredentials,
    MalformedResponse,
    NoResponse,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    ServerError,
    TLSFailure,
    Unreachable,
    ValidationFailed,
)
from techoms_core.http.failures import REQUEST_ID_HEADER, ErrorParser
from techoms_core.http.limiter import ThroughputLimiter
from techoms_core.http.redaction import Redactor, is_sensitive_name
from techoms_core.http.retry import DEFAULT_RETRY, RetryPolicy, parse_retry_after
from techoms_core.http.session import IDEMPOTENT_METHODS, ChannelSession, build_session
from techoms_core.http.shared_limiter import SharedCap, SharedThroughputLimiter
from techoms_core.http.stats import SessionStats

__all__ = [
    "DEFAULT_ERROR_TABLE",
    "DEFAULT_RETRY",
    "IDEMPOTENT_METHODS",
    "REQUEST_ID_HEADER",
    "Action",
    "ChannelHTTPError",
    "ChannelSession",
    "ClientError",
    "Conflict",
    "ErrorDetail",
    "ErrorParser",
    "ErrorRule",
    "ErrorTable",
    "Forbidden",
    "InvalidCredentials",
    "MalformedResponse",
    "NoResponse",
    "NotFound",
    "OutcomeUnknown",
    "RateLimited",
    "Redactor",
    "RetryPolicy",
    "ServerError",
    "SessionStats",
    "SharedCap",
    "SharedThroughputLimiter",
    "TLSFailure",
    "ThroughputLimiter",
    "Unreachable",
    "ValidationFailed",
    "WireConventions",
    "build_session",
    "is_sensitive_name",
    "parse_retry_after",
]
