"""Batched lookups: many keys, few requests.

A WMS that filters a list by a repeatable parameter (``?sku=A&sku=B``) answers
for many keys at once. :func:`find_in_batches` splits the keys into batches of
the size the WMS allows, asks for each batch on the run's worker threads
(within the throughput cap), and hands back everything found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext

T = TypeVar("T")
R = TypeVar("R")


def chunks(values: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``values`` in slices of at most ``size``."""
    if size < 1:
        raise ValueError(f"size: a batch holds at least one value, not {size}")
    for start in range(0, len(values), size):
        yield values[start : start + size]


def find_in_batches(
    context: ChannelContext,
    keys: Iterable[T],
    size: int | Callable[[list[T]], Iterable[Sequence[T]]],
    fetch: Callable[[Sequence[T]], Iterable[R]],
) -> list[R]:
    """What ``fetch`` finds for ``keys``, asked a batch at a time.

    :param size: distinct keys per request, or a function that splits the
        keys into the batches a request can take (by the URL's length, say).
    :param fetch: one request for one batch; what the WMS found.

    Repeated keys are asked once. The batches run concurrently; the first
    failure stops the others and is raised.
    """
    distinct = list(dict.fromkeys(keys))
    batches = list(chunks(distinct, size) if isinstance(size, int) else size(distinct))
    found: list[R] = []
    for records in context.concurrently(lambda batch: list(fetch(batch)), batches):
        found.extend(records)
    return found
