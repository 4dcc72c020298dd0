"""Leanafy's error envelope and the error table its session uses.

Leanafy answers a failure with ``{"success": false, "error": {"code",
"message", "fields"}}`` [model]. :func:`parse_error` reads it for the core's
failure classifier, so every exception the session raises carries Leanafy's
code, message and per-field reasons. :data:`ERROR_TABLE` puts Leanafy's own
wording in front of the core's default rows; the actions (retry, wait
``Retry-After``, fail, outcome unknown) stay the core's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import requests

from plugins.leanafy.contract import Envelope, ErrorBody
from techoms_core.http.errors import DEFAULT_ERROR_TABLE, Action, ErrorRule
from techoms_core.http.exceptions import (
    ClientError,
    ErrorDetail,
    Forbidden,
    InvalidCredentials,
    ValidationFailed,
)

SERVICE_NAME = "Leanafy"

ERROR_TABLE = DEFAULT_ERROR_TABLE.extended(
    ErrorRule(
        401,
        Action.FAIL,
        InvalidCredentials,
        "{service} did not accept the Api Key and Api Secret (invalid credentials).",
    ),
    ErrorRule(
        403,
        Action.FAIL,
        Forbidden,
        "{service} refused access: the warehouse is not authorised for these credentials.",
    ),
    ErrorRule(
        405,
        Action.FAIL,
        ClientError,
        "{service} does not support this operation (no product updates, no order cancellation).",
    ),
    ErrorRule(422, Action.FAIL, ValidationFailed, "{service} rejected the record's data."),
)


def parse_error(response: requests.Response) -> ErrorDetail | None:
    """Leanafy's error envelope as an :class:`ErrorDetail`; ``None`` when the
    answer has none (a proxy's HTML page, an empty body)."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, Mapping):
        return None
    error = body.get(Envelope.ERROR)
    if not isinstance(error, Mapping):
        return None
    fields = error.get(ErrorBody.FIELDS)
    return ErrorDetail(
        code=_text(error.get(ErrorBody.CODE)),
        message=_text(error.get(ErrorBody.MESSAGE)),
        fields={str(k): str(v) for k, v in fields.items()} if isinstance(fields, Mapping) else {},
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


_FIELD_PATH = re.compile(r"^([A-Za-z_][\w.\[\]]*): ")


def field_named_by(error: Exception, default: str | None = None) -> str | None:
    """The field a data error's message starts with (``"on_hand: must be ..."``),
    so a failed record names its field; ``default`` when it names none."""
    match = _FIELD_PATH.match(str(error))
    return match[1] if match else default
