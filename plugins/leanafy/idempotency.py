"""Creates that never make a second record in Leanafy: the framework's
:class:`~techoms_core.idempotent.IdempotentSender`, told Leanafy's endpoints.

Leanafy accepts a second order or ARN with the same ``primary_reference_number``
(and the warehouse ships both), and a create can time out after Leanafy stored
it. The framework's sender looks the batch up first (100 keys per request),
creates the rest concurrently, and after a create whose outcome is unknown
looks again before creating again (see :mod:`techoms_core.idempotent`). A
:class:`Kind` says where each kind of record is created and found again.

Items are also protected by SKU uniqueness: a ``409 duplicate_sku`` is "already
there", confirmed by fetching the item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from attrs import frozen

from plugins.leanafy import contract as wire
from plugins.leanafy.client import LeanafyClient, Record, too_long_to_look_up
from techoms_core.http.exceptions import (
    ChannelHTTPError,
    ClientError,
    Forbidden,
    ValidationFailed,
)
from techoms_core.idempotent import Draft, IdempotentSender, stops_the_run
from techoms_core.mapper import Mapper
from techoms_core.models import RecordResult

__all__ = ["Draft", "Kind", "Sender", "failure_result", "is_fatal_for_run"]

T = TypeVar("T")

#: Failures of the whole call: stop the run rather than fail each record.
is_fatal_for_run = stops_the_run


@frozen
class Kind:
    """One kind of Leanafy record techOMS creates, and how to find it again."""

    noun: str
    create_path: str
    list_path: str
    identity_param: str
    identity_field: str
    mapper: Mapper
    normalize: Callable[[str], str] = str.strip
    existing_message: str = "already in Leanafy"
    #: items: a 409 duplicate_sku proves the record is there.
    protected_by_conflict: bool = False
    #: The techOMS field the identity comes from, for error reports.
    record_field: str = "number"


def failure_result(key: str, error: ChannelHTTPError, mapper: Mapper) -> RecordResult:
    """The ``failed`` result for a request Leanafy refused or that did not complete."""
    if isinstance(error, ValidationFailed) and error.fields:
        ours = {path: mapper.record_path(path) or path for path in error.fields}
        paths = list(ours.values())
        reasons = "; ".join(f"{ours[path]}: {why}" for path, why in error.fields.items())
        return RecordResult.failed(
            key, f"Leanafy rejected it: {reasons}{_request_id(error)}", field=",".join(paths)
        )
    if isinstance(error, Forbidden):
        return RecordResult.failed(key, str(error), field="warehouse_id")
    return RecordResult.failed(key, str(error), fatal=not isinstance(error, ClientError))


def _request_id(error: ChannelHTTPError) -> str:
    return f" [X-Request-Id: {error.request_id}]" if error.request_id else ""


class Sender(IdempotentSender):
    """Creates a batch of one :class:`Kind` in Leanafy, each record at most once."""

    def __init__(self, client: LeanafyClient, kind: Kind) -> None:
        self.noun = kind.noun
        self.existing_message = kind.existing_message
        self.conflict_means_existing = kind.protected_by_conflict
        super().__init__(client.context)
        self.client = client
        self.kind = kind

    def normalize(self, identity: str) -> str:
        return self.kind.normalize(identity)

    def split_existing(
        self,
        records: Sequence[T],
        identity_of: Callable[[T], str],
        key_of: Callable[[T], str] | None = None,
    ) -> tuple[list[RecordResult], list[T]]:
        """The framework's look-up of the batch, after failing alone each
        record whose identity is too long for a lookup's URL: never found by a
        lookup, such a record would be created again on every run."""
        key_of = key_of or identity_of
        unlookable, lookable = [], []
        for record in records:
            (unlookable if too_long_to_look_up(identity_of(record)) else lookable).append(record)
        done, new = super().split_existing(lookable, identity_of, key_of)
        return [*(self._unlookable(key_of(r), identity_of(r)) for r in unlookable), *done], new

    def _unlookable(self, key: str, identity: str) -> RecordResult:
        return RecordResult.failed(
            key,
            f"{self.kind.record_field} is {len(identity):,} characters, too long to look up in "
            f"Leanafy (at most {wire.MAX_LOOKUP_VALUE_LENGTH:,} once URL-encoded); not sent",
            field=self.kind.record_field,
        )

    def records(self, identities: Sequence[str]) -> dict[str, Record]:
        """The records already in Leanafy, by normalized identity (batched); of
        several with one identity, the oldest."""
        if not identities:
            return {}
        kind = self.kind
        found = self.client.find(kind.list_path, kind.identity_param, list(identities))
        by_identity: dict[str, Record] = {}
        for record in sorted(found, key=lambda r: str(r.get(wire.CREATED_AT) or "")):
            identity = record.get(kind.identity_field)
            if identity and record.get(wire.ID):
                by_identity.setdefault(kind.normalize(str(identity)), record)
        return by_identity

    def lookup(self, identities: Sequence[str]) -> Mapping[str, str]:
        return {key: str(record[wire.ID]) for key, record in self.records(identities).items()}

    def look_again(self, draft: Draft) -> str | None:
        if not self.kind.protected_by_conflict:
            return super().look_again(draft)
        item = self.client.fetch_item(draft.identity)
        return str(item[wire.ID]) if isinstance(item, Mapping) and item.get(wire.ID) else None

    def create(self, draft: Draft) -> str | None:
        created: Any = self.client.post(self.kind.create_path, draft.body)
        if isinstance(created, Mapping) and created.get(wire.ID):
            return str(created[wire.ID])
        return None

    def failure(self, draft: Draft, error: ChannelHTTPError) -> RecordResult:
        return failure_result(draft.key, error, self.kind.mapper)
