"""The errors a channel session raises, one class per thing that can go wrong.

Every class derives from :class:`ChannelHTTPError`, whose message says what
happened in the user's terms, names the request (method and redacted URL) and
carries the WMS's ``X-Request-Id`` when it sent one. No message, attribute or
repr ever holds a secret value.

::

    ChannelHTTPError
    +-- OutcomeUnknown        a create may or may not have happened: look it up
    +-- RateLimited           429, still limited after every retry
    +-- ServerError           5xx
    +-- NoResponse            read timeout, connection dropped or cut mid-answer
    +-- MalformedResponse     a success whose body is not the JSON expected
    +-- Unreachable           no connection: refused, DNS, connect timeout
    |   +-- TLSFailure        the TLS handshake failed (certificate, protocol)
    +-- ClientError           4xx: the request itself is wrong, never retried
        +-- InvalidCredentials  401
        +-- Forbidden           403
        +-- NotFound            404
        +-- Conflict            409
        +-- ValidationFailed    422, with the WMS's field reasons in ``fields``
"""

from __future__ import annotations

from collections.abc import Mapping

from attrs import field, frozen


@frozen
class ErrorDetail:
    """What a WMS's error envelope says, as read by a plugin's ``error_parser``.

    :ivar code: the WMS's machine-readable error code (``"validation_error"``).
    :ivar message: its human-readable message.
    :ivar fields: per-field reasons (``{"items[0].sku": "unknown sku"}``).
    """

    code: str | None = None
    message: str | None = None
    fields: Mapping[str, str] = field(factory=dict)


class ChannelHTTPError(Exception):
    """A request to the WMS failed; ``str(error)`` explains it to a user.

    :ivar message: what happened, in the user's terms (already redacted).
    :ivar method: the HTTP method of the failed request.
    :ivar url: its URL, with secrets and sensitive query parameters masked.
    :ivar status: the HTTP status, or ``None`` when no answer came.
    :ivar request_id: the WMS's ``X-Request-Id`` for the failed attempt.
    :ivar body_excerpt: the start of the answer's body, redacted.
    :ivar detail: the WMS's error envelope, when the plugin supplied a parser.
    :ivar retriable: whether trying again later may succeed (a fatal failure
        the next run retries, rather than a record the WMS refused).
    :ivar retry_after: the wait the WMS asked for (``Retry-After``), in seconds.
    :ivar attempts: how many attempts were made before giving up.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        body_excerpt: str | None = None,
        detail: ErrorDetail | None = None,
        retriable: bool = False,
        retry_after: float | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.status = status
        self.request_id = request_id
        self.body_excerpt = body_excerpt
        self.detail = detail
        self.retriable = retriable
        self.retry_after = retry_after
        self.attempts = attempts

    @property
    def code(self) -> str | None:
        """The WMS's error code, when its envelope was parsed."""
        return self.detail.code if self.detail else None

    def describe(self, *, attempts: bool = True) -> str:
        """The message with the request, its ``X-Request-Id`` and (unless
        ``attempts`` is false) how many attempts were made."""
        context = [f"{self.method} {self.url}"] if self.method and self.url else []
        if self.request_id:
            context.append(f"X-Request-Id: {self.request_id}")
        if attempts and self.attempts > 1:
            context.append(f"{self.attempts} attempts")
        return f"{self.message} [{'; '.join(context)}]" if context else self.message

    def __str__(self) -> str:
        return self.describe()


class OutcomeUnknown(ChannelHTTPError):
    """A request that is not safe to repeat (a create) may or may not have
    taken effect: it timed out, the connection dropped after it was sent, or
    the WMS answered 5xx or with a body that is not its own.

    The session never retries it. Look the record up (Leanafy: by
    ``primary_reference_number``) and create it only if it is not there.
    """


class RateLimited(ChannelHTTPError):
    """The WMS kept answering 429 Too Many Requests through every retry."""


class ServerError(ChannelHTTPError):
    """The WMS answered with a 5xx status."""


class NoResponse(ChannelHTTPError):
    """No complete answer came: read timeout, or the connection dropped."""


class MalformedResponse(ChannelHTTPError):
    """The WMS answered success with a body that is not the JSON expected."""


class Unreachable(ChannelHTTPError):
    """No connection could be opened: refused, host not found, connect timeout."""


class TLSFailure(Unreachable):
    """The secure (TLS) connection failed: certificate or protocol problem."""


class ClientError(ChannelHTTPError):
    """The WMS refused the request as it stands (4xx); repeating it cannot help."""


class InvalidCredentials(ClientError):
    """401: the WMS did not accept the credentials. Stop the run."""


class Forbidden(ClientError):
    """403: the credentials may not do this (e.g. another warehouse)."""


class NotFound(ClientError):
    """404: the WMS has no such record or endpoint."""


class Conflict(ClientError):
    """409: the record conflicts with one the WMS has (e.g. a duplicate SKU)."""


class ValidationFailed(ClientError):
    """422: the WMS rejected the record's data; ``fields`` names the reasons."""

    @property
    def fields(self) -> Mapping[str, str]:
        """Field path -> reason, as the WMS reported them (empty if unparsed)."""
        return self.detail.fields if self.detail else {}
