"""The error table: what the session does with each kind of failure.

One declarative table maps an HTTP status (or a range of them), or the
exception a failed attempt raised, to an :class:`Action`, the exception class
the plugin sees and a message for the user. The first matching row wins, so a
plugin overrides a row by putting its own in front::

    table = DEFAULT_ERROR_TABLE.extended(
        ErrorRule(409, Action.FAIL, Conflict, "{service} already has this SKU.")
    )

Each row has two actions: one for requests that are safe to repeat (GET, PUT,
DELETE, ...) and one for requests that are not (POST, PATCH). A request that
is not safe to repeat and whose outcome is unknown is never retried: the
session raises :class:`~techoms_core.http.exceptions.OutcomeUnknown` instead.

Messages are templates with ``{service}`` (the WMS's name), ``{status}``,
``{host}``, ``{connect_s}`` and ``{read_s}`` (the timeouts, in seconds), and
``{reason}`` (the lowest-level cause, redacted). The session adds
"(HTTP <status>)" to the message of every answer.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from json import JSONDecodeError
from ssl import SSLCertVerificationError

from attrs import frozen
from requests.exceptions import (
    ChunkedEncodingError,
    ConnectTimeout,
    ReadTimeout,
    RequestException,
    SSLError,
)
from requests.exceptions import ConnectionError as ConnectionDropped
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from techoms_core.http.exceptions import (
    ChannelHTTPError,
    ClientError,
    Conflict,
    Forbidden,
    InvalidCredentials,
    MalformedResponse,
    NoResponse,
    NotFound,
    RateLimited,
    ServerError,
    TLSFailure,
    Unreachable,
    ValidationFailed,
)
from techoms_core.http.limits import BodyTooLarge, DeadlineExceeded, RedirectRefused


class Action(enum.Enum):
    """What the session does with a failed attempt."""

    #: Try again after an exponential backoff with jitter (or ``Retry-After``).
    RETRY = "retry"
    #: Wait what ``Retry-After`` asks (capped), then try again.
    RATE_LIMITED = "rate_limited"
    #: Raise at once: repeating the same request cannot succeed.
    FAIL = "fail"
    #: Raise ``OutcomeUnknown`` at once: the request may have taken effect.
    OUTCOME_UNKNOWN = "outcome_unknown"


Match = int | range | type[BaseException]


@frozen
class ErrorRule:
    """One row of the error table.

    :ivar match: an HTTP status, a ``range`` of them, or an exception class
        (matched against the raised exception and everything that caused it).
    :ivar action: what to do when the request is safe to repeat.
    :ivar error: the exception class raised when the session gives up.
    :ivar message: the user message template.
    :ivar unsafe_action: what to do when the request is not safe to repeat
        (POST, PATCH); ``None`` means the same as ``action``.
    """

    match: Match
    action: Action
    error: type[ChannelHTTPError]
    message: str
    unsafe_action: Action | None = None

    def action_for(self, *, idempotent: bool) -> Action:
        """The action for a request that is (or is not) safe to repeat."""
        if idempotent or self.unsafe_action is None:
            return self.action
        return self.unsafe_action

    def matches_status(self, status: int) -> bool:
        """Whether this row is about HTTP ``status``."""
        if isinstance(self.match, type):
            return False
        return status == self.match if isinstance(self.match, int) else status in self.match

    def matches_exception(self, error: BaseException) -> bool:
        """Whether this row is about ``error`` or anything that caused it."""
        if not isinstance(self.match, type):
            return False
        return any(isinstance(link, self.match) for link in failure_chain(error))


def failure_chain(error: BaseException) -> Iterator[BaseException]:
    """``error`` and each exception under it, outermost first.

    ``requests`` wraps what ``urllib3`` raised, which wraps what the socket
    raised: ``ConnectionError(MaxRetryError(reason=NewConnectionError(...)))``
    whose cause is ``ConnectionRefusedError``. The table looks at all of them.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = _cause_of(current)


def _cause_of(error: BaseException) -> BaseException | None:
    if isinstance(error, MaxRetryError) and error.reason is not None:
        return error.reason
    wrapped = next((arg for arg in error.args if isinstance(arg, BaseException)), None)
    return wrapped or error.__cause__ or error.__context__


@frozen
class ErrorTable:
    """An ordered set of :class:`ErrorRule`; the first match wins.

    A status or exception no row matches gets :attr:`fallback_status` or
    :attr:`fallback_exception`.
    """

    rules: tuple[ErrorRule, ...]
    fallback_status: ErrorRule
    fallback_exception: ErrorRule

    def for_status(self, status: int) -> ErrorRule:
        """The row for an answer with HTTP ``status`` (not 2xx)."""
        rule = next((r for r in self.rules if r.matches_status(status)), None)
        return rule or self.fallback_status

    def for_exception(self, error: BaseException) -> ErrorRule:
        """The row for an attempt that raised ``error`` instead of answering."""
        rule = next((r for r in self.rules if r.matches_exception(error)), None)
        return rule or self.fallback_exception

    def extended(self, *rules: ErrorRule) -> ErrorTable:
        """A copy with ``rules`` placed in front, so they win over this table's."""
        return ErrorTable(rules + self.rules, self.fallback_status, self.fallback_exception)


RETRY, RATE_LIMITED, FAIL = Action.RETRY, Action.RATE_LIMITED, Action.FAIL
UNKNOWN = Action.OUTCOME_UNKNOWN

#: The rows of the default table, in the order they are tried.
DEFAULT_RULES: tuple[ErrorRule, ...] = (
    # Answers. Only a 5xx leaves a create's outcome unknown.
    ErrorRule(400, FAIL, ClientError, "{service} rejected the request as malformed."),
    ErrorRule(401, FAIL, InvalidCredentials, "{service} reports invalid credentials."),
    ErrorRule(403, FAIL, Forbidden, "{service} refused access to this resource."),
    ErrorRule(404, FAIL, NotFound, "{service} has no such record or endpoint."),
    ErrorRule(405, FAIL, ClientError, "{service} does not support this operation."),
    ErrorRule(408, RETRY, NoResponse, "{service} timed out waiting for the request."),
    ErrorRule(409, FAIL, Conflict, "{service} already has a conflicting record."),
    ErrorRule(422, FAIL, ValidationFailed, "{service} rejected the record's data."),
    ErrorRule(429, RATE_LIMITED, RateLimited, "{service} is limiting the request rate."),
    ErrorRule(500, RETRY, ServerError, "{service} had an internal error.", UNKNOWN),
    ErrorRule(502, RETRY, ServerError, "{service} or a proxy before it failed.", UNKNOWN),
    ErrorRule(503, RETRY, ServerError, "{service} is temporarily unavailable.", UNKNOWN),
    ErrorRule(504, RETRY, ServerError, "{service} did not answer its proxy in time.", UNKNOWN),
    ErrorRule(range(500, 600), FAIL, ServerError, "{service} failed.", UNKNOWN),
    ErrorRule(range(400, 500), FAIL, ClientError, "{service} refused the request."),
    # No connection could be opened: nothing was sent, so retrying is safe for every method.
    # A TLS failure other than an untrusted certificate may also cut an exchange under way.
    ErrorRule(SSLCertVerificationError, FAIL, TLSFailure, "Untrusted certificate: {reason}."),
    ErrorRule(SSLError, FAIL, TLSFailure, "TLS with {host} failed: {reason}.", UNKNOWN),
    ErrorRule(NameResolutionError, RETRY, Unreachable, "Host {host} not found (DNS lookup)."),
    ErrorRule(NewConnectionError, RETRY, Unreachable, "Could not connect to {host}: {reason}."),
    ErrorRule(ConnectTimeout, RETRY, Unreachable, "No connection to {host} in {connect_s} s."),
    # The answer broke a limit of techoms_core.http.limits. A create may have happened.
    ErrorRule(BodyTooLarge, FAIL, MalformedResponse, "{service} sent too much: {reason}.", UNKNOWN),
    ErrorRule(DeadlineExceeded, RETRY, NoResponse, "{service} is too slow: {reason}.", UNKNOWN),
    ErrorRule(RedirectRefused, FAIL, ClientError, "{service} redirected: {reason}.", UNKNOWN),
    # The request was sent and no complete answer came: a create may have happened.
    ErrorRule(ReadTimeout, RETRY, NoResponse, "No answer from {service} in {read_s} s.", UNKNOWN),
    ErrorRule(ChunkedEncodingError, RETRY, NoResponse, "{service}'s answer was cut off.", UNKNOWN),
    ErrorRule(JSONDecodeError, RETRY, MalformedResponse, "{service} sent no JSON.", UNKNOWN),
    ErrorRule(
        RecursionError, FAIL, MalformedResponse, "{service} sent JSON nested too deep.", UNKNOWN
    ),
    ErrorRule(ConnectionDropped, RETRY, NoResponse, "Connection lost: {reason}.", UNKNOWN),
)

#: The table every session uses unless the plugin passes its own.
DEFAULT_ERROR_TABLE = ErrorTable(
    DEFAULT_RULES,
    fallback_status=ErrorRule(range(100, 600), FAIL, ChannelHTTPError, "Unexpected answer."),
    fallback_exception=ErrorRule(RequestException, FAIL, ChannelHTTPError, "{reason}."),
)
