"""Creates that never make a second record in Leanafy.

Leanafy accepts a second order or ARN with the same ``primary_reference_number``
(and the warehouse ships both), and a create can time out after Leanafy stored
it. So a :class:`Sender`:

1. looks the whole batch up first, 100 keys per request, and reports what is
   already there as ``skipped`` with its ``remote_id``
   (:meth:`Sender.split_existing`);
2. creates the rest concurrently, within the throughput cap
   (:meth:`Sender.create_all`);
3. after a create whose outcome is unknown (timeout, dropped connection, 5xx)
   looks the record up again, and creates again only if it is not there, at
   most :data:`MAX_CREATE_ATTEMPTS` times; an outcome still unknown is a
   ``failed`` fatal result, so the next run looks again. It never creates
   blindly, and a lookup that fails means no create.

Items are also protected by SKU uniqueness: a ``409 duplicate_sku`` is "already
there", confirmed by fetching the item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from attrs import field, frozen

from plugins.leanafy import contract as wire
from plugins.leanafy.client import LeanafyClient, Record, too_long_to_look_up
from plugins.leanafy.mapper import Mapper
from techoms_core.http.exceptions import (
    ChannelHTTPError,
    ClientError,
    Conflict,
    Forbidden,
    InvalidCredentials,
    OutcomeUnknown,
    Unreachable,
    ValidationFailed,
)
from techoms_core.models import RecordResult

T = TypeVar("T")

#: Creates tried per record in one run when each outcome is unknown.
MAX_CREATE_ATTEMPTS = 3


@frozen
class Draft:
    """A record ready to create: its techOMS key, Leanafy identity and body.

    :ivar key: the key results are reported under (SKU or record number).
    :ivar identity: the value Leanafy is searched by (SKU or primary reference).
    :ivar body: the create body.
    :ivar warnings: notes from mapping; an ``ok`` becomes a ``warning``.
    """

    key: str
    identity: str
    body: Mapping[str, Any]
    warnings: tuple[str, ...] = field(default=(), converter=tuple)


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


def is_fatal_for_run(error: ChannelHTTPError) -> bool:
    """Failures of the whole call: stop the run rather than fail each record."""
    return isinstance(error, InvalidCredentials | Unreachable)


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


class Sender:
    """Creates a batch of one :class:`Kind`, idempotently (see the module doc)."""

    def __init__(self, client: LeanafyClient, kind: Kind) -> None:
        self.client = client
        self.kind = kind

    def split_existing(
        self, records: Sequence[T], key_of: Callable[[T], str]
    ) -> tuple[list[RecordResult], list[T]]:
        """Look the batch up (100 per request): ``skipped`` results for the records
        Leanafy already has, and the records still to create.

        ``key_of`` gives a record's key, which is also its Leanafy identity. A
        lookup that fails fails the whole batch (fatal): nothing is created blind.
        """
        results: list[RecordResult] = []
        lookable: list[T] = []
        for record in records:
            # Never found by a lookup, such a record would be created on every run.
            if too_long_to_look_up(key_of(record)):
                results.append(self._unlookable(key_of(record)))
            else:
                lookable.append(record)
        records = lookable
        try:
            existing = self.lookup([key_of(r) for r in records])
        except ChannelHTTPError as error:
            if is_fatal_for_run(error):
                raise
            self.client.log_failure(f"looking up {len(records)} {self.kind.noun}(s)", error)
            why = f"could not check whether it is already in Leanafy, so not sent: {error}"
            return [
                *results,
                *(RecordResult.failed(key_of(r), why, fatal=True) for r in records),
            ], []
        new: list[T] = []
        for record in records:
            found = existing.get(self.kind.normalize(key_of(record)))
            if found is None:
                new.append(record)
            else:
                message, remote_id = self.kind.existing_message, str(found[wire.ID])
                results.append(RecordResult.skipped(key_of(record), message, remote_id=remote_id))
        return results, new

    def _unlookable(self, key: str) -> RecordResult:
        return RecordResult.failed(
            key,
            f"{self.kind.record_field} is {len(key):,} characters, too long to look up in "
            f"Leanafy (at most {wire.MAX_LOOKUP_VALUE_LENGTH:,} once URL-encoded); not sent",
            field=self.kind.record_field,
        )

    def create_all(self, drafts: Sequence[Draft]) -> Iterator[RecordResult]:
        """Create each draft (concurrently on the run's worker threads, within
        the throughput cap)."""
        yield from self.client.context.concurrently(self.create, drafts)

    def lookup(self, identities: Sequence[str]) -> dict[str, Record]:
        """The records already in Leanafy, by normalized identity (batched)."""
        if not identities:
            return {}
        kind = self.kind
        found = self.client.find(kind.list_path, kind.identity_param, list(identities))
        by_identity: dict[str, Record] = {}
        for record in sorted(found, key=lambda r: str(r.get(wire.CREATED_AT) or "")):
            identity = record.get(kind.identity_field)
            if identity:
                by_identity.setdefault(kind.normalize(str(identity)), record)
        return by_identity

    def look_again(self, draft: Draft) -> Record | None:
        """The record for one draft, if Leanafy has it now."""
        if self.kind.protected_by_conflict:
            return self.client.fetch_item(draft.identity)
        return self.lookup([draft.identity]).get(self.kind.normalize(draft.identity))

    def create(self, draft: Draft) -> RecordResult:
        """Create one record; never a second one (see the module doc)."""
        unknown: OutcomeUnknown | None = None
        for attempt in range(1, MAX_CREATE_ATTEMPTS + 1):
            try:
                created = self.client.post(self.kind.create_path, draft.body)
            except OutcomeUnknown as error:
                unknown = error
                self.client.log_failure(f"{self.kind.noun} {draft.key} (attempt {attempt})", error)
                found = self._confirm(draft)
                if isinstance(found, RecordResult):
                    return found
                if found is not None:
                    return self._ok(draft, found, "created (confirmed by a lookup)")
                continue
            except Conflict as error:
                if not self.kind.protected_by_conflict:
                    return self._failed(draft, error)
                return self._conflict(draft, error, retried=unknown is not None)
            except ChannelHTTPError as error:
                return self._failed(draft, error)
            return self._ok(draft, created)
        why = (
            f"the outcome of {MAX_CREATE_ATTEMPTS} creates is unknown and a lookup does not "
            f"find it yet; the next run looks again before creating: {unknown}"
        )
        return RecordResult.failed(draft.key, why, fatal=True)

    def _confirm(self, draft: Draft) -> Record | RecordResult | None:
        try:
            return self.look_again(draft)
        except ChannelHTTPError as error:
            if is_fatal_for_run(error):
                raise
            self.client.log_failure(f"looking up {self.kind.noun} {draft.key}", error)
            why = f"created or not, a lookup failed; the next run looks again: {error}"
            return RecordResult.failed(draft.key, why, fatal=True)

    def _conflict(self, draft: Draft, error: Conflict, *, retried: bool) -> RecordResult:
        found = self._confirm(draft)
        if isinstance(found, RecordResult):
            return found
        if found is None:
            return self._failed(draft, error)
        if retried:
            return self._ok(draft, found, "created (confirmed by a fetch after a retry)")
        return RecordResult.skipped(
            draft.key, self.kind.existing_message, remote_id=str(found[wire.ID])
        )

    def _ok(self, draft: Draft, record: Record, message: str = "") -> RecordResult:
        if not isinstance(record, Mapping) or not record.get(wire.ID):
            noun = self.kind.noun
            why = f"Leanafy answered without the {noun}'s {wire.ID}; the next run looks it up"
            return RecordResult.failed(draft.key, why, fatal=True)
        remote_id = str(record[wire.ID])
        if draft.warnings:
            return RecordResult.warning(draft.key, "; ".join(draft.warnings), remote_id=remote_id)
        return RecordResult.ok(draft.key, remote_id=remote_id, message=message)

    def _failed(self, draft: Draft, error: ChannelHTTPError) -> RecordResult:
        if is_fatal_for_run(error):
            raise error
        self.client.log_failure(f"{self.kind.noun} {draft.key}", error)
        return failure_result(draft.key, error, self.kind.mapper)
