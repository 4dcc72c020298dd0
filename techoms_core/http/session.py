"""The channel session: a ``requests.Session`` that behaves well towards a WMS.

:func:`build_session` makes the :class:`ChannelSession` a plugin receives in
its channel context. It is used like any ``requests.Session``
(``session.get("items", params={"page": 2})``) and adds, for every request:

- the base URL in front of relative paths, and a (connect, read) timeout;
- a cap on each answer's decoded size and a deadline for its arrival, and a
  check of every redirect hop (:mod:`techoms_core.http.limits`);
- the channel's throughput cap, for every attempt;
- retries, from the error table, with backoff and ``Retry-After``;
- an exception from :mod:`techoms_core.http.exceptions` for every failure;
- a redacted log line per attempt, and a warning per retry.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs
import requests
from requests.models import PreparedRequest
from requests.sessions import merge_setting
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from techoms_core.http.errors import DEFAULT_ERROR_TABLE, ErrorTable
from techoms_core.http.exceptions import ChannelHTTPError
from techoms_core.http.failures import REQUEST_ID_HEADER, Attempt, ErrorParser, FailureClassifier
from techoms_core.http.limiter import ThroughputLimiter
from techoms_core.http.limits import (
    DEADLINE_SECONDS,
    MAX_BODY_BYTES,
    AnswerLimits,
    check_redirect,
)
from techoms_core.http.redaction import Redactor, is_sensitive_name
from techoms_core.http.retry import DEFAULT_RETRY, RetryPolicy
from techoms_core.http.shared_limiter import SharedCap, SharedThroughputLimiter
from techoms_core.http.stats import SessionStats
from techoms_core.http.transport import ThrottledAdapter
from techoms_core.http.wirelog import guard_wire_log
from techoms_core.secrets import Secret
from techoms_core.throughput import ThroughputProfile

#: Methods that are safe to repeat (RFC 9110): their failures may be retried.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})

Logger = logging.Logger | logging.LoggerAdapter
Timeout = float | tuple[float, float]


def _as_pair(timeout: Timeout) -> tuple[float, float]:
    if isinstance(timeout, tuple):
        return (float(timeout[0]), float(timeout[1]))
    return (float(timeout), float(timeout))


class ChannelSession(requests.Session):
    """A ``requests.Session`` with the channel's cap, timeouts, retries and redaction.

    Build it with :func:`build_session`. One session is shared by all the
    threads of a channel run. ``request`` (and so ``get``, ``post``, ...)
    takes two keywords besides those of ``requests``:

    - ``idempotent``: whether the request is safe to repeat; by default true
      for GET, HEAD, OPTIONS, TRACE, PUT and DELETE, false for POST and PATCH.
      Say ``idempotent=True`` for a POST that only reads (a search).
    - ``expect_json``: treat a success whose body is not JSON as a failure
      (a proxy's HTML page); the session default is set by ``build_session``.

    It returns the ``Response`` of a 2xx answer and raises a
    :class:`~techoms_core.http.exceptions.ChannelHTTPError` otherwise. The
    response is a :class:`~techoms_core.http.transport.ChannelResponse`:
    ``response.json()`` returns the body the ``expect_json`` check already
    decoded (the same object on every call: read it, do not change it).
    """

    def __init__(
        self,
        *,
        limiter: ThroughputLimiter | SharedThroughputLimiter,
        classifier: FailureClassifier,
        logger: Logger,
        base_url: str | None = None,
        timeout: Timeout = (5.0, 30.0),
        retry: RetryPolicy = DEFAULT_RETRY,
        expect_json: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        pool_size: int | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        deadline: float = DEADLINE_SECONDS,
    ) -> None:
        super().__init__()
        self.limiter = limiter
        self.classifier = classifier
        self.redactor = classifier.redactor
        self.logger = logger
        self.base_url = base_url.rstrip("/") if base_url else None
        self.timeout = _as_pair(timeout)
        self.retry = retry
        self.expect_json = expect_json
        self.sleep = sleep
        self.stats = SessionStats()
        guard_wire_log(self.redactor)
        self.limits = AnswerLimits(max_body_bytes=max_body_bytes, deadline=deadline)
        adapter = ThrottledAdapter(
            limiter,
            pool_size=pool_size or limiter.profile.max_concurrency,
            stats=self.stats,
            limits=self.limits,
        )
        self.mount("https://", adapter)
        self.mount("http://", adapter)
        self._environment: dict[tuple, dict[str, Any]] = {}
        self._retrying_built: Retrying | None = None
        self._retrying_policy: RetryPolicy | None = None

    def merge_environment_settings(self, url, proxies, stream, verify, cert):  # type: ignore[override]
        """``requests`` reads proxy and CA settings from the environment on every
        request, which costs more CPU than the rest of a request; a channel run
        reads them once per origin instead."""
        if proxies or not self.trust_env:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        origin = urlsplit(url)[:2]
        key = (origin, stream, verify, cert)
        settings = self._environment.get(key)
        if settings is None:
            settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
            self._environment[key] = settings
        return {**settings, "proxies": dict(settings["proxies"])}

    def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        *,
        idempotent: bool | None = None,
        expect_json: bool | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send a request, retrying it while the error table says so.

        ``url`` may be relative to the base URL (``"items"`` or ``"/items"``).
        Other keywords are those of ``requests.Session.request``; ``timeout``
        defaults to the session's and may not be ``None``.
        """
        method = method.upper()
        url = self.url_for(url)
        kwargs["timeout"] = _as_pair(kwargs.get("timeout") or self.timeout)
        check_json = self.expect_json if expect_json is None else expect_json
        first = Attempt(
            method=method,
            url=self._full_url(url, kwargs.get("params")),
            idempotent=method in IDEMPOTENT_METHODS if idempotent is None else idempotent,
            timeout=kwargs["timeout"],
        )
        tried = 0

        def attempt_once() -> requests.Response:
            nonlocal tried
            tried += 1
            attempt = first if tried == 1 else attrs.evolve(first, number=tried)
            return self._attempt(attempt, url, check_json, kwargs)

        return self._retrying()(attempt_once)

    def url_for(self, url: str) -> str:
        """``url`` joined to the base URL, unless it is already absolute."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        if self.base_url is None or (parts.scheme and parts.netloc):
            return url
        return f"{self.base_url}/{url.lstrip('/')}"

    def _retrying(self) -> Retrying:
        """The session's one tenacity ``Retrying``, rebuilt only if ``retry`` or
        ``sleep`` was replaced. Every thread of the run shares it: tenacity
        keeps the state of each call in a ``threading.local``, and each call's
        attempts in a ``RetryCallState`` of its own."""
        retrying = self._retrying_built
        if (
            retrying is None
            or retrying.sleep is not self.sleep
            or self._retrying_policy is not self.retry
        ):
            retrying = Retrying(
                stop=stop_after_attempt(self.retry.max_attempts),
                wait=self.retry.wait,
                retry=retry_if_exception(_is_retriable),
                sleep=self.sleep,
                before_sleep=self._warn_retry,
                reraise=True,
            )
            self._retrying_policy = self.retry
            self._retrying_built = retrying
        return retrying

    def _attempt(
        self, attempt: Attempt, url: str, check_json: bool, kwargs: dict[str, Any]
    ) -> requests.Response:
        self.stats.count("requests")
        started = time.monotonic()
        try:
            response = self._measured_request(attempt.method, url, kwargs)
        except requests.RequestException as failure:
            self._log_attempt(attempt, started, outcome=type(failure).__name__)
            raise self.classifier.for_exception(failure, attempt) from None
        self._log_attempt(attempt, started, outcome=str(response.status_code), response=response)
        if response.status_code == 429:
            self.stats.count("rate_limited")
        if not 200 <= response.status_code < 300:
            raise self.classifier.for_response(response, attempt)
        if check_json and response.status_code != 204 and attempt.method != "HEAD":
            try:
                response.json()
            except (ValueError, RecursionError) as failure:
                raise self.classifier.for_exception(failure, attempt, response) from None
        return response

    def _measured_request(self, method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        """``requests.Session.request``, its CPU time added to the stats."""
        started = time.thread_time()
        try:
            return super().request(method, url, **kwargs)
        finally:
            self.stats.add_request_cpu(time.thread_time() - started)

    def _full_url(self, url: str, params: Any) -> str:
        merged = merge_setting(params, self.params)
        if not merged:
            # A run posts to the same few URLs all along; preparing each anew
            # cost more CPU than the rest of the session's own work.
            return _prepared_url(url)
        return _prepare_url(url, merged)

    def _log(self, level: int, message: str) -> None:
        self.logger.log(level, self.redactor.text(message))

    def _log_attempt(
        self,
        attempt: Attempt,
        started: float,
        *,
        outcome: str,
        response: requests.Response | None = None,
    ) -> None:
        if not self.logger.isEnabledFor(logging.DEBUG):
            return
        elapsed = time.monotonic() - started
        request_id = response.headers.get(REQUEST_ID_HEADER) if response is not None else None
        self._log(
            logging.DEBUG,
            f"{attempt.method} {self.redactor.url(attempt.url)} -> {outcome}"
            f" in {elapsed:.3f} s (attempt {attempt.number}, request id {request_id or '-'})",
        )

    def _warn_retry(self, retry_state: RetryCallState) -> None:
        self.stats.count("retries")
        failure = retry_state.outcome.exception() if retry_state.outcome else None
        described = (
            failure.describe(attempts=False) if isinstance(failure, ChannelHTTPError) else ""
        )
        wait = retry_state.next_action.sleep if retry_state.next_action else 0.0
        self._log(
            logging.WARNING,
            f"{described} Retrying in {wait:.1f} s"
            f" (attempt {retry_state.attempt_number} of {self.retry.max_attempts}).",
        )

    def rebuild_auth(self, prepared_request: PreparedRequest, response: requests.Response) -> None:
        """Before each redirect hop: refuse a hop to an address a channel may
        not use, or a POST sent on to another origin
        (:func:`~techoms_core.http.limits.check_redirect`); on a hop to another
        host, drop every sensitive header (API keys, tokens), not only
        ``Authorization`` as ``requests`` does."""
        check_redirect(response.request, prepared_request)
        super().rebuild_auth(prepared_request, response)
        if self.should_strip_auth(response.request.url, prepared_request.url):
            for name in [name for name in prepared_request.headers if is_sensitive_name(name)]:
                del prepared_request.headers[name]

    def close(self) -> None:
        """Close the pooled connections and stop the limiter."""
        super().close()
        self.limiter.close()

    def __repr__(self) -> str:
        return f"<ChannelSession {self.base_url or '(no base URL)'} {self.limiter!r}>"


def _prepare_url(url: str, params: Any) -> str:
    prepared = PreparedRequest()
    try:
        prepared.prepare_url(url, params)
    except requests.RequestException:
        return url
    return prepared.url or url


@functools.lru_cache(maxsize=512)
def _prepared_url(url: str) -> str:
    return _prepare_url(url, None)


def _is_retriable(failure: BaseException) -> bool:
    return isinstance(failure, ChannelHTTPError) and failure.retriable


def build_session(
    *,
    profile: ThroughputProfile,
    secrets: Iterable[str | Secret],
    logger: Logger,
    base_url: str | None = None,
    timeout: Timeout = (5.0, 30.0),
    retry: RetryPolicy = DEFAULT_RETRY,
    error_table: ErrorTable = DEFAULT_ERROR_TABLE,
    error_parser: ErrorParser | None = None,
    pool_size: int | None = None,
    headers: Mapping[str, str | Secret] | None = None,
    service_name: str = "the WMS",
    expect_json: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    max_body_bytes: int = MAX_BODY_BYTES,
    deadline: float = DEADLINE_SECONDS,
    shared_cap: SharedCap | None = None,
) -> ChannelSession:
    """Build the session a plugin uses to talk to its WMS.

    :param profile: the throughput cap; the connection pool is sized to it.
    :param secrets: values that must never appear in a log line or an error
        (the values of ``headers`` that are ``Secret`` are added).
    :param logger: where attempts (DEBUG) and retries (WARNING) are logged.
    :param base_url: prefixed to relative URLs (``{Api Url}/v1``).
    :param timeout: (connect, read) seconds for every request, or one number.
    :param retry: attempts, backoff and the ``Retry-After`` cap.
    :param error_table: the rows that classify failures.
    :param error_parser: reads the WMS's error envelope into an ``ErrorDetail``.
    :param pool_size: connections kept open; defaults to the profile's concurrency.
    :param headers: sent with every request (e.g. ``{"X-API-Key": api_key}``);
        ``Secret`` values are revealed only into the request.
    :param service_name: how messages name the WMS (``"Leanafy"``).
    :param expect_json: treat a success whose body is not JSON as a failure.
    :param sleep: waits between attempts; tests pass a recorder.
    :param max_body_bytes: the most decoded bytes one answer may hold.
    :param deadline: seconds one attempt may take, from sending to the body's last byte.
    :param shared_cap: the channel's cap as all its runs share it (from the
        host, :class:`~techoms_core.host.ThroughputRole`); without one, the
        cap is held for this session alone.
    """
    header_values = dict(headers or {})
    secret_values = [*secrets, *(v for v in header_values.values() if isinstance(v, Secret))]
    redactor = Redactor(secret_values)
    classifier = FailureClassifier(
        table=error_table,
        redactor=redactor,
        logger=logger,
        service_name=service_name,
        error_parser=error_parser,
    )
    session = ChannelSession(
        limiter=_limiter(profile, shared_cap),
        classifier=classifier,
        logger=logger,
        base_url=base_url,
        timeout=timeout,
        retry=retry,
        expect_json=expect_json,
        sleep=sleep,
        pool_size=pool_size,
        max_body_bytes=max_body_bytes,
        deadline=deadline,
    )
    for name, value in header_values.items():
        session.headers[name] = value.reveal() if isinstance(value, Secret) else value
    return session


def _limiter(
    profile: ThroughputProfile, shared_cap: SharedCap | None
) -> ThroughputLimiter | SharedThroughputLimiter:
    if shared_cap is None:
        return ThroughputLimiter(profile)
    return SharedThroughputLimiter(profile, shared_cap)
