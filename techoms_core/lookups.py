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
    size: int,
    fetch: Callable[[Sequence[T]], Iterable[R]],
) -> list[R]:
    """What ``fetch`` finds for ``keys``, asked ``size`` distinct keys at a time.

    Repeated keys are asked once. The batches run concurrently; the first
    failure stops the others and is raised.
    """
    batches = list(chunks(list(dict.fromkeys(keys)), size))
    found: list[R] = []
    for records in context.concurrently(lambda batch: list(fetch(batch)), batches):
        found.extend(records)
    return found
