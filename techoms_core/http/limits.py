"""What one answer may cost: its size once decoded, and the time it takes to arrive.

A WMS decides how big its answers are and how fast it sends them. Without a
bound, one answer could take all the memory (a gzip "bomb" of a megabyte that
inflates to gigabytes, or a body that never ends) or hold a run for ever (a
body sent a byte at a time resets the read timeout with every byte). So the
transport reads every body through :func:`read_body`:

- it keeps at most ``max_body_bytes`` *decoded* bytes; one more and the
  answer is refused with :class:`BodyTooLarge` (a declared ``Content-Length``
  above the cap is refused before anything is read);
- the whole exchange, from the moment the request leaves to the last byte of
  the body, must fit in ``deadline`` seconds, or :class:`DeadlineExceeded`
  is raised. Each read of the body waits at most what is left of the
  deadline (and never longer than the read timeout), and returns whatever
  has arrived, so a slow body cannot stretch one read; before the body,
  connecting, sending and the headers are held to the same deadline by
  :mod:`techoms_core.http.watchdog`.

Redirects are checked too (:func:`check_redirect`): every hop must satisfy the
rule for a channel's Api Url (https, or plain http to a loopback host), and a
request that is not safe to repeat (a POST) is never sent on to another origin.
"""

from __future__ import annotations

import socket
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from attrs import frozen
from requests.exceptions import ChunkedEncodingError, ContentDecodingError, RequestException
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError
from urllib3.exceptions import SSLError as Urllib3SSLError
from urllib3.response import BaseHTTPResponse

from techoms_core.settings.field_types import InvalidValue, check_url

#: Decoded bytes one answer may hold: far above a page of 500 orders (a few MB).
MAX_BODY_BYTES = 16 * 1024 * 1024
#: Seconds one exchange may take, from sending the request to the body's last byte.
DEADLINE_SECONDS = 120.0
#: Bytes asked of the socket (and of the decompressor) per read.
READ_SIZE = 64 * 1024


class BodyTooLarge(RequestException):
    """An answer larger than the cap on decoded bytes."""


class DeadlineExceeded(RequestException):
    """An answer that did not arrive in full within the deadline."""


class RedirectRefused(RequestException):
    """A redirect to an address a channel may not talk to, or a POST sent on
    to another origin."""


@frozen
class AnswerLimits:
    """The bounds one answer is read within."""

    max_body_bytes: int = MAX_BODY_BYTES
    deadline: float = DEADLINE_SECONDS


def read_body(
    response: requests.Response, limits: AnswerLimits, started: float, read_timeout: float | None
) -> None:
    """Read ``response``'s body into ``response.content`` within ``limits``;
    ``started`` is the ``time.monotonic()`` the request left at. On any
    failure the connection is closed, never reused."""
    try:
        _check_declared_length(response, limits)
        response._content = _read_within(response, limits, started, read_timeout)
    except BaseException:
        response.close()
        raise
    response._content_consumed = True


def _check_declared_length(response: requests.Response, limits: AnswerLimits) -> None:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise BodyTooLarge(
            f"the answer declares {int(declared):,} bytes; at most "
            f"{limits.max_body_bytes:,} are read",
            response=response,
        )


def _read_within(
    response: requests.Response, limits: AnswerLimits, started: float, read_timeout: float | None
) -> bytes:
    raw = response.raw
    sock = _socket_of(raw)
    ends = started + limits.deadline
    parts: list[bytes] = []
    size = 0
    while True:
        left = ends - time.monotonic()
        if left <= 0:
            raise late(limits, response)
        # The deadline, not the read timeout, decides how long this read waits.
        by_deadline = read_timeout is None or left <= read_timeout
        if sock is not None:
            sock.settimeout(left if by_deadline else read_timeout)
        try:
            part = _read_part(raw)
        except ReadTimeoutError as error:
            if not by_deadline:
                raise requests.ConnectionError(error) from None
            part = None
        if part is None:  # raised outside the handler, so no timeout is its cause
            raise late(limits, response)
        if not part:
            return b"".join(parts)
        size += len(part)
        if size > limits.max_body_bytes:
            raise BodyTooLarge(
                f"the answer is over {limits.max_body_bytes:,} bytes once decoded",
                response=response,
            )
        parts.append(part)


def _read_part(raw: Any) -> bytes:
    """One read of at most :data:`READ_SIZE` decoded bytes, with urllib3's
    failures translated as ``requests`` translates them."""
    if not isinstance(raw, BaseHTTPResponse):  # a replayed answer (cassettes), in memory
        return raw.read(READ_SIZE)
    try:
        return raw.read1(READ_SIZE, decode_content=True)
    except ProtocolError as error:
        raise ChunkedEncodingError(error) from None
    except DecodeError as error:
        raise ContentDecodingError(error) from None
    except Urllib3SSLError as error:
        raise requests.exceptions.SSLError(error) from None


def late(limits: AnswerLimits, response: requests.Response | None) -> DeadlineExceeded:
    """The error of an answer not in full within the deadline."""
    return DeadlineExceeded(
        f"the answer had not arrived in full after {limits.deadline:g} s", response=response
    )


def _socket_of(raw: Any) -> socket.socket | None:
    """The socket under a urllib3 response, to bound each read; ``None`` when
    the response has none (already closed, or not a socket)."""
    sock = getattr(getattr(raw, "_connection", None), "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def check_redirect(previous: requests.PreparedRequest, following: requests.PreparedRequest) -> None:
    """Refuse a redirect hop unless its URL is one a channel may use, and
    unless it keeps a request that is not safe to repeat on its origin."""
    target = following.url or ""
    host = urlsplit(target).hostname or "?"
    why = _url_refusal(target)
    if why is not None:  # raised outside the handler, so the message stays the reason
        raise RedirectRefused(f"the redirect to {host} was not followed: it {why}")
    method = (previous.method or "").upper()
    if method in ("POST", "PATCH") and _origin(previous.url) != _origin(target):
        raise RedirectRefused(
            f"the {method} was not sent on to {host}: a request that is not safe to "
            "repeat is never redirected to another origin"
        )


def _url_refusal(url: str) -> str | None:
    try:
        check_url(url)
    except InvalidValue as refused:
        return str(refused)
    return None


def _origin(url: str | None) -> tuple[str, str, int | None]:
    parts = urlsplit(url or "")
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), port)
