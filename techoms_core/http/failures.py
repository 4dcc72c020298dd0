"""Turning a failed attempt into the exception a plugin sees.

The :class:`FailureClassifier` looks the failure up in the error table, asks
the plugin's ``error_parser`` what the WMS's error envelope says, and builds
the exception with a redacted user message, URL and body excerpt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from attrs import frozen

from techoms_core.http.errors import Action, ErrorRule, ErrorTable, failure_chain
from techoms_core.http.exceptions import ChannelHTTPError, ErrorDetail, OutcomeUnknown
from techoms_core.http.redaction import Redactor
from techoms_core.http.retry import parse_retry_after

#: The response header that names the attempt in the WMS's own logs.
REQUEST_ID_HEADER = "X-Request-Id"
#: What every ``OutcomeUnknown`` message tells the user to do.
OUTCOME_HINT = "It may have taken effect: look the record up before sending it again."
#: How much of an answer's body an exception keeps, in characters.
BODY_EXCERPT_LIMIT = 500

#: Reads a WMS's error envelope from a failed answer; ``None`` if it has none.
ErrorParser = Callable[[requests.Response], ErrorDetail | None]


@frozen
class Attempt:
    """One try of a request, as far as describing its failure needs.

    :ivar method: the HTTP method, upper case.
    :ivar url: the full URL (not yet redacted).
    :ivar idempotent: whether the request is safe to repeat.
    :ivar timeout: the (connect, read) timeouts, in seconds.
    :ivar number: 1 for the first attempt, 2 for the first retry, ...
    """

    method: str
    url: str
    idempotent: bool
    timeout: tuple[float, float]
    number: int = 1


class _TemplateFields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class FailureClassifier:
    """Builds the exception for a failed attempt from the error table."""

    def __init__(
        self,
        *,
        table: ErrorTable,
        redactor: Redactor,
        logger: logging.Logger | logging.LoggerAdapter,
        service_name: str = "the WMS",
        error_parser: ErrorParser | None = None,
    ) -> None:
        self.table = table
        self.redactor = redactor
        self.logger = logger
        self.service_name = service_name
        self.error_parser = error_parser

    def for_response(self, response: requests.Response, attempt: Attempt) -> ChannelHTTPError:
        """The exception for an answer that is not a success (not 2xx)."""
        rule = self.table.for_status(response.status_code)
        return self._error(rule, attempt, reason=response.reason or "", response=response)

    def for_exception(
        self,
        error: BaseException,
        attempt: Attempt,
        response: requests.Response | None = None,
    ) -> ChannelHTTPError:
        """The exception for an attempt that raised ``error``; ``response`` is
        the answer when there was one (e.g. a success whose body is not JSON)."""
        rule = self.table.for_exception(error)
        return self._error(rule, attempt, reason=self._reason(error), response=response)

    def _error(
        self,
        rule: ErrorRule,
        attempt: Attempt,
        *,
        reason: str,
        response: requests.Response | None,
    ) -> ChannelHTTPError:
        action = rule.action_for(idempotent=attempt.idempotent)
        status = response.status_code if response is not None else None
        detail = self._detail(response) if status is not None and status >= 300 else None
        message = self._message(rule, attempt, status=status, reason=reason, detail=detail)
        error_class = rule.error
        if action is Action.OUTCOME_UNKNOWN:
            error_class, message = OutcomeUnknown, f"{message} {OUTCOME_HINT}"
        headers = response.headers if response is not None else {}
        # The WMS chooses the request id, and may echo a secret in it.
        request_id = headers.get(REQUEST_ID_HEADER)
        return error_class(
            self.redactor.text(message),
            method=attempt.method,
            url=self.redactor.url(attempt.url),
            status=status,
            request_id=None if request_id is None else self.redactor.text(request_id),
            body_excerpt=self._body_excerpt(response),
            detail=detail,
            retriable=action in (Action.RETRY, Action.RATE_LIMITED),
            retry_after=parse_retry_after(headers.get("Retry-After")),
            attempts=attempt.number,
        )

    def _message(
        self,
        rule: ErrorRule,
        attempt: Attempt,
        *,
        status: int | None,
        reason: str,
        detail: ErrorDetail | None,
    ) -> str:
        fields = _TemplateFields(
            service=self.service_name,
            status=str(status or ""),
            host=_host(attempt.url),
            connect_s=f"{attempt.timeout[0]:g}",
            read_s=f"{attempt.timeout[1]:g}",
            reason=reason,
        )
        message = rule.message.format_map(fields)
        if rule.message.startswith("{service}"):
            message = message[:1].upper() + message[1:]
        if status is not None:
            message = f"{message.rstrip('.')} (HTTP {status})."
        described = _describe(detail) if detail is not None else ""
        if described:
            message = f"{message} {described}"
        return message

    def _detail(self, response: requests.Response | None) -> ErrorDetail | None:
        if self.error_parser is None or response is None:
            return None
        try:
            detail = self.error_parser(response)
        except Exception as parser_error:
            self.logger.warning(
                self.redactor.text(f"The error parser failed on an answer: {parser_error!r}")
            )
            return None
        if detail is None:
            return None
        return ErrorDetail(
            code=self.redactor.text(detail.code) if detail.code else None,
            message=self.redactor.text(detail.message) if detail.message else None,
            fields={path: self.redactor.text(str(why)) for path, why in detail.fields.items()},
        )

    def _body_excerpt(self, response: requests.Response | None) -> str | None:
        if response is None:
            return None
        try:
            content = response.content
        except requests.RequestException:
            return None
        return self.redactor.body(content, limit=BODY_EXCERPT_LIMIT)

    def _reason(self, error: BaseException) -> str:
        *_, innermost = failure_chain(error)
        strerror = getattr(innermost, "strerror", None)
        text = strerror if isinstance(strerror, str) and strerror else str(innermost)
        return self.redactor.text(text.rstrip(".") or type(innermost).__name__)


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _describe(detail: ErrorDetail) -> str:
    """``"validation_error: invalid order; items[0].sku: unknown sku."``"""
    parts = [f"{detail.code}: {detail.message}" if detail.code else detail.message or ""]
    parts += [f"{path}: {why}" for path, why in detail.fields.items()]
    text = "; ".join(part for part in parts if part)
    return f"{text}." if text else ""
