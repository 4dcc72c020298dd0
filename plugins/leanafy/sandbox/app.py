"""The WSGI application: faults, authentication, routing and envelopes.

A ``/v1`` request goes: find the account of its ``X-API-Key`` (the primary for an
unknown key) -> count it -> that account's rate limits, latency and refusals
(faults) -> ``X-API-Key``/``X-API-Secret`` (401) -> route (404, 405) -> handler on
the account -> faults on the answer (store then fail, malformed JSON, slow). Every answer carries
``X-Request-Id``; every ``/v1`` answer also ``X-RateLimit-Limit`` and
``X-RateLimit-Remaining``. ``/_sandbox`` requests skip faults and rate limits.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import socket
import uuid
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from werkzeug.exceptions import ClientDisconnected, HTTPException, MethodNotAllowed
from werkzeug.routing import Map
from werkzeug.wrappers import Request, Response

from .accounts import Account
from .admin import ADMIN_HANDLERS, ADMIN_PREFIX, ADMIN_RULES, ADMIN_TOKEN_HEADER
from .endpoints import REFUSED_METHODS, V1_HANDLERS, V1_RULES
from .envelope import Exchange, Reply, encode
from .errors import (
    ApiError,
    admin_token_required,
    bad_request,
    invalid_credentials,
    method_not_allowed,
    not_found,
    rate_limited,
)
from .faults import Aftermath, Refusal
from .instance import Sandbox

logger = logging.getLogger(__name__)

JSON = "application/json"
#: The environ key under which the server passes the request's socket (for
#: faults that drop the connection, or hold an answer once handled).
CONNECTION = "leanafy_sandbox.socket"
SERVER_ERROR_CODES = {
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}
PROXY_PAGE = (
    "<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


API_ROUTES = Map(V1_RULES, strict_slashes=False)
ADMIN_ROUTES = Map(ADMIN_RULES, strict_slashes=False)


class ConnectionDropped(ConnectionAbortedError):
    """Raised after the sandbox shut the client's connection without an answer."""


def proxy_response(status: int) -> Response:
    """An HTML error page, as a reverse proxy in front of Leanafy would answer."""
    page = PROXY_PAGE.format(status=status, phrase=HTTPStatus(status).phrase)
    return Response(page, status=status, content_type="text/html")


def error_response(error: ApiError) -> Response:
    """The contract's error envelope with the error's status and headers."""
    response = Response(encode(error.envelope()), status=error.status, content_type=JSON)
    response.headers.update(error.headers)
    return response


class SandboxApp:
    """The Leanafy sandbox as a WSGI application over one :class:`Sandbox` and its accounts."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        if request.path == ADMIN_PREFIX or request.path.startswith(f"{ADMIN_PREFIX}/"):
            if self._admin_token_missing(request):
                response = error_response(admin_token_required())
            else:
                response, _ = self._answer(request, ADMIN_ROUTES, ADMIN_HANDLERS)
        else:
            response = self._serve_api(request, environ)
        response.headers["X-Request-Id"] = uuid.uuid4().hex
        return response(environ, start_response)

    def _serve_api(self, request: Request, environ: dict[str, Any]) -> Response:
        endpoint = f"{request.method} {request.path}"
        # Faults and rate limits act before authentication, as a gateway's keyed
        # on the API key would: a wrong secret still spends its key's rate.
        accounts = self.sandbox.accounts
        account = accounts.get(request.headers.get("X-API-Key", "")) or accounts.primary
        counters, faults = account.counters, account.faults
        counters.request(endpoint)
        admission = faults.admit(endpoint)
        if admission.delay:
            self.sandbox.stopping.wait(admission.delay)
        if admission.refusal is not None:
            response = self._refuse(admission.refusal)
        else:
            response, stored = self._answer(request, API_ROUTES, V1_HANDLERS)
            aftermath = faults.aftermath(endpoint, response.status_code, stored)
            if aftermath is not None:
                response = self._befall(aftermath, account, response, endpoint, environ)
        response.headers["X-RateLimit-Limit"] = str(admission.rate.limit)
        response.headers["X-RateLimit-Remaining"] = str(admission.rate.remaining)
        counters.response(endpoint, response.status_code)
        return response

    def _refuse(self, refusal: Refusal) -> Response:
        if refusal.status == 429:
            return error_response(rate_limited(refusal.retry_after))
        if refusal.kind == "proxy_error":
            return proxy_response(refusal.status)
        code = SERVER_ERROR_CODES[refusal.status]
        return error_response(ApiError(refusal.status, code, f"injected {code}"))

    def _befall(
        self,
        aftermath: Aftermath,
        account: Account,
        response: Response,
        endpoint: str,
        environ: dict[str, Any],
    ) -> Response:
        if aftermath.kind == "store_then_fail":
            if aftermath.mode == "drop":
                account.counters.response(endpoint, 0)
                self._drop(environ)
            return proxy_response(504)
        if aftermath.kind == "malformed_json":
            body = response.get_data()
            response.set_data(body[: max(len(body) // 2, 1)])
            return response
        # The request is handled (a create stored): only its answer is held, and
        # whoever waits for the sandbox to finish handling need not wait for that.
        self.sandbox.in_flight.handled(environ.get(CONNECTION))
        self.sandbox.stopping.wait(aftermath.seconds)
        return response

    @staticmethod
    def _drop(environ: dict[str, Any]) -> None:
        connection = environ.get(CONNECTION)
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        raise ConnectionDropped("connection dropped by the store-then-fail fault")

    def _admin_token_missing(self, request: Request) -> bool:
        expected = self.sandbox.admin_token
        if expected is None:
            return False
        given = request.headers.get(ADMIN_TOKEN_HEADER, "")
        return not hmac.compare_digest(given.encode(), expected.encode())

    def _authenticate(self, request: Request) -> Account:
        key = request.headers.get("X-API-Key", "")
        secret = request.headers.get("X-API-Secret", "")
        account = self.sandbox.accounts.authenticate(key, secret)
        if account is None:
            raise invalid_credentials()
        return account

    def _answer(
        self, request: Request, routes: Map, handlers: dict[str, Any]
    ) -> tuple[Response, bool]:
        """The handler's answer, and whether it stored a create."""
        try:
            account = self._authenticate(request)
            endpoint, arguments = self._route(request, routes)
            exchange = Exchange(request, account, self.sandbox)
            reply: Reply = handlers[endpoint](exchange, **arguments)
        except ApiError as error:
            return error_response(error), False
        except (ClientDisconnected, ConnectionError) as error:
            # A client that goes away mid-request is normal (a killed sync). Reading
            # the body is a handler's only socket I/O and comes before any store.
            logger.info(
                "client left before its request was read: %s %s (%s)",
                request.method,
                request.path,
                type(error).__name__,
            )
            return error_response(bad_request("the client disconnected")), False
        except Exception:
            logger.exception("sandbox failed on %s %s", request.method, request.path)
            return error_response(ApiError(500, "internal_error", "the sandbox failed")), False
        response = Response(encode(reply.document()), status=reply.status, content_type=JSON)
        return response, reply.stored

    @staticmethod
    def _route(request: Request, routes: Map) -> tuple[str, dict[str, Any]]:
        adapter = routes.bind_to_environ(request.environ)
        try:
            endpoint, arguments = adapter.match()
        except MethodNotAllowed as refused:
            message = REFUSED_METHODS.get(request.path, "method not allowed here")
            raise method_not_allowed(message, list(refused.valid_methods or [])) from None
        except HTTPException:
            raise not_found(f"no endpoint {request.path}") from None
        return str(endpoint), arguments
