"""A small Leanafy client on the channel's HTTP session.

Every request goes through ``context.http``, which enforces the channel's
throughput cap, timeouts, retries (idempotent requests only; ``Retry-After``
honoured) and secret redaction, and sends Leanafy's credentials. The client
adds Leanafy's envelope, and uses the framework's safeguards:

* **one request per page** (:mod:`techoms_core.paging`): a list is read page
  by page with keyset paging on ``updated_at``, each page one request that the
  session retries on its own, and a guard stops a list that does not advance.
* **batched lookups** (:mod:`techoms_core.lookups`): a repeatable filter
  (``sku``, ``primary_reference_number``) takes up to 100 values per request;
  the batches run concurrently.
* **concurrent work** within ``context.throughput.max_concurrency`` on the
  run's worker threads (``context.concurrently``), e.g. the creates of a batch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests
from attrs import frozen

from plugins.leanafy import contract as wire
from plugins.leanafy.cursor import Cursor, Unplaced, instant_of
from plugins.leanafy.errors import SERVICE_NAME
from techoms_core.http.exceptions import ChannelHTTPError, MalformedResponse, NotFound
from techoms_core.lookups import find_in_batches
from techoms_core.paging import ListPage, PagingGuard, keyset_pages, numbered_pages

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext


Record = dict[str, Any]


def too_long_to_look_up(value: str) -> bool:
    """Whether ``value`` alone would make a lookup's URL longer than Leanafy
    takes (HTTP 414): such a value is never put in a lookup."""
    if len(value) * 12 <= wire.MAX_LOOKUP_VALUE_LENGTH:  # 12: the most one character encodes to
        return False
    return len(quote(value, safe="")) > wire.MAX_LOOKUP_VALUE_LENGTH


def lookup_batches(values: Sequence[str]) -> Iterator[list[str]]:
    """``values`` in lookup requests of at most 100 values and at most
    :data:`~plugins.leanafy.contract.MAX_LOOKUP_QUERY_LENGTH` characters of
    them, leaving out the values :func:`too_long_to_look_up`."""
    batch: list[str] = []
    length = 0
    for value in values:
        size = len(quote(value, safe=""))
        if size > wire.MAX_LOOKUP_VALUE_LENGTH:
            continue
        if batch and (
            len(batch) >= wire.MAX_FILTER_VALUES or length + size > wire.MAX_LOOKUP_QUERY_LENGTH
        ):
            yield batch
            batch, length = [], 0
        batch.append(value)
        length += size
    if batch:
        yield batch


class LeanafyClient:
    """Leanafy's endpoints for one channel run.

    The session the core built from the declaration's ``wire`` conventions
    already sends every request to ``{Api Url}/v1`` with the channel's
    credentials (``X-API-Key``, ``X-API-Secret``) and reads Leanafy's error
    envelope: the client asks for paths and writes no header.
    """

    def __init__(self, context: ChannelContext) -> None:
        self.context = context
        self.http = context.http
        self.log: logging.Logger | logging.LoggerAdapter = context.log

    # -- single requests ----------------------------------------------------------

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> tuple[Any, Mapping]:
        """``GET`` one resource; returns (payload, meta)."""
        response = self.http.get(path, params=params, expect_json=True)
        return self._unwrap(response)

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """``POST`` a create; returns the payload. Never retried by the session:
        a create whose outcome is unknown raises ``OutcomeUnknown``."""
        response = self.http.post(path, json=body, expect_json=True)
        payload, _ = self._unwrap(response)
        return payload

    def _unwrap(self, response: requests.Response) -> tuple[Any, Mapping]:
        """Leanafy's success envelope: ``{"success": true, "payload": ..., "meta": ...}``."""
        body = response.json()
        if not isinstance(body, Mapping) or body.get(wire.Envelope.SUCCESS) is not True:
            raise self.malformed(
                f"{SERVICE_NAME} answered {response.status_code} without a success envelope",
                response,
            )
        meta = body.get(wire.Envelope.META)
        return body.get(wire.Envelope.PAYLOAD), meta if isinstance(meta, Mapping) else {}

    def malformed(
        self, message: str, response: requests.Response | None = None
    ) -> MalformedResponse:
        """A :class:`MalformedResponse` whose message and every attribute are
        redacted: what Leanafy sent back (a header, a record) may echo a secret."""
        redactor = self.http.redactor
        if response is None:
            return MalformedResponse(redactor.text(message))
        request_id = response.headers.get(wire.Header.REQUEST_ID)
        return MalformedResponse(
            redactor.text(message),
            method=response.request.method if response.request else None,
            url=redactor.url(response.url) if response.url else None,
            status=response.status_code,
            request_id=redactor.text(request_id) if request_id else None,
        )

    def me(self) -> Record:
        """Who the credentials belong to: the client and its warehouses."""
        payload, _ = self.get(wire.Path.ME)
        return payload

    def fetch_item(self, sku: str) -> Record | None:
        """The item with ``sku`` (trimmed, case-insensitive), or ``None``."""
        try:
            payload, _ = self.get(wire.Path.ITEM, {wire.Query.SKU: sku})
        except NotFound:
            return None
        return payload

    # -- lists -------------------------------------------------------------------

    def page(self, path: str, params: Mapping[str, Any], *, page: int, limit: int) -> ListPage:
        """One page of a list: one request, retried by the session if need be."""
        query = {**params, wire.Query.PAGE: page, wire.Query.LIMIT: limit}
        payload, meta = self.get(path, query)
        if not isinstance(payload, list):
            raise self.malformed(f"{SERVICE_NAME} answered a list request without a list")
        for index, record in enumerate(payload):
            if not isinstance(record, Mapping):
                # Masked before it is cut: a secret cut short is still a secret.
                shown = self.http.redactor.text(repr(record))
                raise self.malformed(
                    f"{SERVICE_NAME} listed {path} page {page} with record {index} "
                    f"not an object: {shown:.40}"
                )
        has_more = meta.get(wire.Meta.HAS_MORE)
        if has_more is None:
            has_more = len(payload) >= limit
        return ListPage(payload, bool(has_more), meta.get(wire.Meta.TOTAL))

    def pages_after(
        self,
        path: str,
        params: Mapping[str, Any],
        after: Cursor | None,
        *,
        limit: int | None = None,
    ) -> Iterator[list[Listed]]:
        """The records after ``after``, one Leanafy page at a time, each with
        its position (:class:`Listed`).

        Records at or before ``after`` (``updated_from`` is inclusive, and a
        page boundary may be read twice) are dropped; a page with nothing
        new is not yielded. A record that cannot be placed (no ``updated_at``
        or ``_id``) is handed over once per run, with why.
        """
        position = after
        since = after.updated_at if after else None
        unplaced_seen: set[str] = set()
        for listed in self.pages_since(path, params, since, limit=limit or wire.RECEIVE_PAGE_SIZE):
            fresh: list[Listed] = []
            for index, record in enumerate(listed.records):
                try:
                    place = Cursor.of(record)
                except Unplaced as unplaced:
                    seen = _identity(record)
                    if seen not in unplaced_seen:
                        unplaced_seen.add(seen)
                        fresh.append(Listed(record, index, None, unplaced))
                    continue
                if place.is_after(position):
                    fresh.append(Listed(record, index, place))
            placed = [item.position for item in fresh if item.position is not None]
            position = placed[-1] if placed else position
            if fresh:
                yield fresh

    def pages_since(
        self,
        path: str,
        params: Mapping[str, Any],
        since: str | None,
        *,
        limit: int = wire.RECEIVE_PAGE_SIZE,
    ) -> Iterator[ListPage]:
        """The pages of a list ordered by ``updated_at``, from ``since`` (inclusive).

        Keyset paging: each request asks ``updated_from`` = the last timestamp
        seen, so a record updated while the list is read moves to a later
        position and is read again there, never lost. Records at the boundary
        timestamp are read again (callers drop or replace them); only a run of
        one timestamp longer than a page is read by page number.
        """

        def fetch(position: str | None, number: int) -> ListPage:
            query = dict(params)
            if position is not None:
                query[wire.Query.UPDATED_FROM] = position
            return self.page(path, query, page=number, limit=limit)

        return keyset_pages(
            fetch,
            since,
            position_of=_position,
            order=instant_of,
            guard=_guard(path),
        )

    def all_pages(self, path: str, params: Mapping[str, Any]) -> Iterator[Record]:
        """Every record of a small list (a lookup), page after page."""
        return numbered_pages(
            lambda number: self.page(path, params, page=number, limit=wire.MAX_PAGE_SIZE),
            guard=_guard(path),
        )

    def find(self, path: str, param: str, values: Sequence[str]) -> list[Record]:
        """Every record whose ``param`` is one of ``values``: one request per
        100 values (Leanafy's limit) or fewer long ones, the batches
        concurrently. A value too long for any request's URL
        (:func:`too_long_to_look_up`) is not asked for, so it is not found."""
        return find_in_batches(
            self.context,
            values,
            lookup_batches,
            lambda batch: self.all_pages(path, {param: list(batch)}),
        )

    def log_failure(self, what: str, error: ChannelHTTPError) -> None:
        """Log a failed request with Leanafy's ``X-Request-Id`` (part of ``str(error)``)."""
        self.log.warning(f"{what}: {error}")


@frozen
class Listed:
    """A record of a received page: its index in the page as Leanafy sent it
    (from 0) and its position, or ``None`` with why it has none."""

    record: Record
    index: int
    position: Cursor | None
    unplaced: Unplaced | None = None


def _position(record: Record) -> str | None:
    """A record's ``updated_at``, ``None`` when it has none (whether it reads
    as a timestamp is :func:`instant_of`'s to say)."""
    updated_at = record.get(wire.UPDATED_AT)
    return updated_at if isinstance(updated_at, str) and updated_at else None


def _identity(record: Record) -> str:
    """What tells an unplaced record from another within a run."""
    record_id = record.get(wire.ID)
    if isinstance(record_id, str) and record_id:
        return record_id
    return json.dumps(record, sort_keys=True, default=str)


def _guard(path: str) -> PagingGuard:
    return PagingGuard(f"{SERVICE_NAME} listed {path}", max_pages=wire.MAX_LIST_PAGES)
