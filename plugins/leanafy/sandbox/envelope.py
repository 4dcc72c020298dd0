"""The contract's envelopes, and reading a request's JSON body.

Success: ``{"success": true, "payload": ...}``, lists add ``"meta"``. Errors are
:class:`~.errors.ApiError` (see there for the error envelope).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import ClientDisconnected
from werkzeug.wrappers import Request

from .errors import bad_request

if TYPE_CHECKING:
    from .accounts import Account
    from .instance import Sandbox


@dataclass
class Reply:
    """A successful answer: status, payload, ``meta`` for lists; ``stored`` marks a
    create that was committed (what "store then fail" faults act on)."""

    status: int
    payload: Any
    meta: dict[str, Any] | None = None
    stored: bool = False

    def document(self) -> dict[str, Any]:
        """``{"success": true, "payload", "meta"?}``."""
        body: dict[str, Any] = {"success": True, "payload": self.payload}
        if self.meta is not None:
            body["meta"] = self.meta
        return body


@dataclass
class Exchange:
    """The request being answered, the account whose credentials it carries, and
    the sandbox answering it."""

    request: Request
    account: Account
    sandbox: Sandbox

    def json_object(self, *, optional: bool = False) -> dict[str, Any]:
        """The body as a JSON object; 400 ``bad_request`` if it is not one.

        With ``optional``, an empty body reads as ``{}``.
        """
        data = self.request.get_data(cache=True)
        expected = self.request.content_length
        if expected is not None and len(data) < expected:
            # The server hands over what came before the client went away.
            raise ClientDisconnected(f"the body ended after {len(data)} of {expected} bytes")
        if not data.strip():
            if optional:
                return {}
            raise bad_request("the body must be a JSON object")
        try:
            value = json.loads(data)
        except (ValueError, UnicodeDecodeError) as error:
            raise bad_request(f"the body is not valid JSON: {error}") from None
        if not isinstance(value, dict):
            raise bad_request("the body must be a JSON object")
        return value


def encode(document: Any) -> bytes:
    """Compact JSON bytes."""
    return json.dumps(document, separators=(",", ":")).encode()
