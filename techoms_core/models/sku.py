"""SKU identity (spec §5): trimmed, compared case-insensitively, and in Unicode
compatibility form (NFKC), so that full-width ``"\uff21\uff22\uff23"`` is the SKU ``ABC``."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def sku_key(sku: str) -> str:
    """The identity of a SKU: ``" ab-1 "``, ``"AB-1"`` and full-width
    ``"\uff21\uff22-\uff11"`` are the same product."""
    if sku.isascii():  # nearly every SKU: NFKC leaves ASCII as it is
        return sku.strip().casefold()
    return unicodedata.normalize("NFKC", sku).strip().casefold()


def first_of_each_sku(records: Iterable[T], sku_of: Callable[[T], str]) -> tuple[list[T], list[T]]:
    """Split ``records`` into the first record of each SKU and the later repeats."""
    seen: set[str] = set()
    firsts: list[T] = []
    repeats: list[T] = []
    for record in records:
        key = sku_key(sku_of(record))
        (repeats if key in seen else firsts).append(record)
        seen.add(key)
    return firsts, repeats
