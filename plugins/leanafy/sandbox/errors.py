"""The errors the sandbox answers with, in the contract's error envelope.

``{"success": false, "error": {"code", "message", "fields"}}``; ``fields`` only on 422.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An answer other than success: an HTTP status, an ``error.code`` and a message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers or {}

    def envelope(self) -> dict[str, Any]:
        """The error body as the contract writes it."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields is not None:
            error["fields"] = self.fields
        return {"success": False, "error": error}


def bad_request(message: str) -> ApiError:
    """400 ``bad_request``: the body or request could not be read at all."""
    return ApiError(400, "bad_request", message)


def invalid_credentials() -> ApiError:
    """401 ``invalid_credentials``: missing or wrong ``X-API-Key``/``X-API-Secret``."""
    return ApiError(401, "invalid_credentials", "invalid API key or secret")


def admin_token_required() -> ApiError:
    """401 ``admin_token_required``: a sandbox bound beyond loopback guards its
    admin API with a token too (``X-Sandbox-Admin-Token``)."""
    return ApiError(
        401,
        "admin_token_required",
        "this sandbox is reachable beyond loopback: the admin API needs X-Sandbox-Admin-Token",
    )


def forbidden_warehouse(warehouse_id: str) -> ApiError:
    """403 ``forbidden_warehouse``: a warehouse the key's client does not own."""
    return ApiError(
        403, "forbidden_warehouse", f"warehouse {warehouse_id} is not available to this API key"
    )


def forbidden(message: str) -> ApiError:
    """403 ``forbidden``: an admin operation these credentials may not perform
    (a code of the admin API only; ``/v1`` never answers it)."""
    return ApiError(403, "forbidden", message)


def not_found(message: str) -> ApiError:
    """404 ``not_found``."""
    return ApiError(404, "not_found", message)


def method_not_allowed(message: str, allowed: list[str] | None = None) -> ApiError:
    """405 ``method_not_allowed``, with an ``Allow`` header when some method is allowed."""
    headers = {"Allow": ", ".join(allowed)} if allowed else None
    return ApiError(405, "method_not_allowed", message, headers=headers)


def duplicate_sku(sku: str) -> ApiError:
    """409 ``duplicate_sku``: an item with this SKU (trimmed, any case) exists."""
    return ApiError(409, "duplicate_sku", f"an item with SKU {sku!r} already exists")


def conflict(message: str) -> ApiError:
    """409 ``conflict``: a warehouse-floor operation the record's status does not allow."""
    return ApiError(409, "conflict", message)


def validation_error(fields: dict[str, str]) -> ApiError:
    """422 ``validation_error`` naming every problem by its field path."""
    return ApiError(422, "validation_error", "the request has invalid fields", fields=fields)


def rate_limited(retry_after: int) -> ApiError:
    """429 ``rate_limited`` with ``Retry-After`` in whole seconds."""
    return ApiError(
        429,
        "rate_limited",
        "too many requests, retry later",
        headers={"Retry-After": str(retry_after)},
    )
