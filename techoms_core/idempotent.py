"""Sends that never create a second record in the WMS: look before creating.

Most WMSs accept a second order with the same reference (and ship both), and a
create can time out after the WMS stored it. An :class:`IdempotentSender`:

1. looks the whole batch up first (:meth:`~IdempotentSender.lookup`, batched
   by the plugin, e.g. with :func:`techoms_core.lookups.find_in_batches`) and
   reports what is already there as ``skipped`` with its ``remote_id``;
2. creates the rest concurrently, within the throughput cap;
3. after a create whose outcome is unknown (timeout, dropped connection, 5xx)
   looks that record up again, and creates again only if it is not there, at
   most :attr:`~IdempotentSender.max_attempts` times; an outcome still unknown
   is a ``failed`` fatal result, so the next run looks again. It never creates
   blindly, and a lookup that fails means no create.

Failures of the whole call (invalid credentials, the WMS unreachable past the
retry budget) are raised, so the run stops instead of failing every record
(the hook rules of :mod:`techoms_core.hookspecs`). A plugin writes
:meth:`~IdempotentSender.lookup` and :meth:`~IdempotentSender.create`.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import field, frozen

from techoms_core.http.exceptions import (
    ChannelHTTPError,
    ClientError,
    Conflict,
    InvalidCredentials,
    OutcomeUnknown,
    Unreachable,
    ValidationFailed,
)
from techoms_core.models import RecordResult

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext

T = TypeVar("T")


@frozen
class Draft:
    """A record ready to create.

    :ivar key: the key results are reported under (SKU or record number).
    :ivar identity: the value the WMS is searched by (SKU, our reference).
    :ivar body: what the create sends.
    :ivar warnings: notes from mapping; an ``ok`` becomes a ``warning``.
    """

    key: str
    identity: str
    body: Any
    warnings: tuple[str, ...] = field(default=(), converter=tuple)


def stops_the_run(error: ChannelHTTPError) -> bool:
    """Whether ``error`` is a failure of the whole call, not of one record."""
    return isinstance(error, InvalidCredentials | Unreachable)


class IdempotentSender(abc.ABC):
    """Creates records of one kind, each at most once (see the module doc)."""

    #: How results and log lines name one record (``"order"``).
    noun = "record"
    #: The message of a ``skipped`` result for a record already in the WMS
    #: (default: "already in <the WMS's name>").
    existing_message = ""
    #: Whether the WMS answers a create of an existing record with 409, which
    #: then means "already there" once a lookup confirms it (unique SKUs).
    conflict_means_existing = False
    #: Creates tried per record in one run when each outcome is unknown.
    max_attempts = 3

    def __init__(self, context: ChannelContext) -> None:
        self.context = context
        self.http = context.http
        #: How messages name the WMS: the declaration's service or display name.
        self.service = context.plugin.wire.service_name or context.plugin.display_name
        self.existing_message = self.existing_message or f"already in {self.service}"

    @abc.abstractmethod
    def lookup(self, identities: Sequence[str]) -> Mapping[str, str]:
        """The WMS ids of the records already there, by :meth:`normalize`\\ d identity."""

    @abc.abstractmethod
    def create(self, draft: Draft) -> str | None:
        """Create one record; its WMS id (``None`` when the answer lacks it)."""

    def normalize(self, identity: str) -> str:
        """How identities compare (trimmed; override for case-insensitive ones)."""
        return identity.strip()

    def look_again(self, draft: Draft) -> str | None:
        """The WMS id of one draft's record, if the WMS has it now."""
        return self.lookup([draft.identity]).get(self.normalize(draft.identity))

    def failure(self, draft: Draft, error: ChannelHTTPError) -> RecordResult:
        """The ``failed`` result of a create the WMS refused or that did not complete."""
        if isinstance(error, ValidationFailed) and error.fields:
            return RecordResult.failed(draft.key, str(error), field=",".join(error.fields))
        return RecordResult.failed(draft.key, str(error), fatal=not isinstance(error, ClientError))

    # -- the algorithm ------------------------------------------------------------

    def send(self, drafts: Sequence[Draft]) -> Iterator[RecordResult]:
        """One result per draft: what exists is skipped, the rest created once."""
        done, new = self.split_existing(drafts, lambda draft: draft.identity, lambda d: d.key)
        yield from done
        yield from self.create_all(new)

    def split_existing(
        self,
        records: Sequence[T],
        identity_of: Callable[[T], str],
        key_of: Callable[[T], str] | None = None,
    ) -> tuple[list[RecordResult], list[T]]:
        """Look the batch up: ``skipped`` results for what the WMS has, and the
        records still to create. A lookup that fails fails the batch (fatal)."""
        key_of = key_of or identity_of
        try:
            existing = self.lookup([identity_of(record) for record in records])
        except ChannelHTTPError as error:
            if stops_the_run(error):
                raise
            self.log_failure(f"looking up {len(records)} {self.noun}(s)", error)
            why = f"could not check whether it is already in {self.service}, so not sent: {error}"
            return [RecordResult.failed(key_of(r), why, fatal=True) for r in records], []
        done: list[RecordResult] = []
        new: list[T] = []
        for record in records:
            remote_id = existing.get(self.normalize(identity_of(record)))
            if remote_id is None:
                new.append(record)
            else:
                done.append(
                    RecordResult.skipped(key_of(record), self.existing_message, remote_id=remote_id)
                )
        return done, new

    def create_all(self, drafts: Sequence[Draft]) -> Iterator[RecordResult]:
        """Create each draft, concurrently on the run's worker threads."""
        yield from self.context.concurrently(self.create_once, drafts)

    def create_once(self, draft: Draft) -> RecordResult:
        """Create one record, never a second one."""
        unknown: OutcomeUnknown | None = None
        for attempt in range(1, self.max_attempts + 1):
            try:
                remote_id = self.create(draft)
            except OutcomeUnknown as error:
                unknown = error
                self.log_failure(f"{self.noun} {draft.key} (attempt {attempt})", error)
                found = self._confirm(draft)
                if isinstance(found, RecordResult):
                    return found
                if found is not None:
                    return self._ok(draft, found, "created (confirmed by a lookup)")
                continue
            except Conflict as error:
                return self._conflict(draft, error, retried=unknown is not None)
            except ChannelHTTPError as error:
                return self._failed(draft, error)
            return self._ok(draft, remote_id)
        why = (
            f"the outcome of {self.max_attempts} creates is unknown and a lookup does not "
            f"find it yet; the next run looks again before creating: {unknown}"
        )
        return RecordResult.failed(draft.key, why, fatal=True)

    def log_failure(self, what: str, error: ChannelHTTPError) -> None:
        """Log a failed request (its message carries the WMS's request id)."""
        self.context.log.warning(f"{what}: {error}")

    def _confirm(self, draft: Draft) -> str | RecordResult | None:
        try:
            return self.look_again(draft)
        except ChannelHTTPError as error:
            if stops_the_run(error):
                raise
            self.log_failure(f"looking up {self.noun} {draft.key}", error)
            why = f"created or not, a lookup failed; the next run looks again: {error}"
            return RecordResult.failed(draft.key, why, fatal=True)

    def _conflict(self, draft: Draft, error: Conflict, *, retried: bool) -> RecordResult:
        if not self.conflict_means_existing:
            return self._failed(draft, error)
        found = self._confirm(draft)
        if isinstance(found, RecordResult):
            return found
        if found is None:
            return self._failed(draft, error)
        if retried:
            return self._ok(draft, found, "created (confirmed by a lookup after a retry)")
        return RecordResult.skipped(draft.key, self.existing_message, remote_id=found)

    def _ok(self, draft: Draft, remote_id: str | None, message: str = "") -> RecordResult:
        if not remote_id:
            why = f"{self.service} answered without the {self.noun}'s id; the next run looks it up"
            return RecordResult.failed(draft.key, why, fatal=True)
        if draft.warnings:
            return RecordResult.warning(draft.key, "; ".join(draft.warnings), remote_id=remote_id)
        return RecordResult.ok(draft.key, remote_id=remote_id, message=message)

    def _failed(self, draft: Draft, error: ChannelHTTPError) -> RecordResult:
        if stops_the_run(error):
            raise error
        self.log_failure(f"{self.noun} {draft.key}", error)
        return self.failure(draft, error)
