"""The hostile modes: one behaviour of :mod:`tests.hostile.wms` each, applied
to every ``/v1`` request, and what techOMS must make of it."""

from __future__ import annotations

from typing import Any

from attrs import frozen

from tests.hostile import wms


@frozen
class Mode:
    """A hostile behaviour and the words it is described with in docs/reliability.md."""

    name: str
    description: str
    behaviour: wms.Behaviour


def _drop_half(record: dict[str, Any]) -> None:
    for key in list(record)[::2]:
        del record[key]


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return len(value)
    return value


def _huge(value: Any) -> Any:
    return 10**40 if isinstance(value, int) and not isinstance(value, bool) else value


def _nan(value: Any) -> Any:
    return float("nan") if isinstance(value, int | float) and not isinstance(value, bool) else value


def _garbage(body: dict[str, Any]) -> None:
    payload = body.get("payload")
    if isinstance(payload, list):
        body["payload"] = [5, "x", None, [], *payload]
    elif payload is not None:
        body["payload"] = [5]


DEEP = b'{"success": true, "payload": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

MODES: tuple[Mode, ...] = (
    Mode("malformed rows", 'non-objects among the records (5, "x", null, [])', wms.paged(_garbage)),
    Mode("missing fields", "every other field of every record removed", wms.rewritten(_drop_half)),
    Mode("wrong types", "numbers as text, text as numbers", wms.every_value(_wrong_type)),
    Mode("huge numbers", "every integer 10^40", wms.every_value(_huge)),
    Mode("NaN", "every number NaN", wms.every_value(_nan)),
    Mode("not JSON", "200 with an HTML page", wms.raw(200, b"<html>proxy</html>", "text/html")),
    Mode("deep JSON", "a payload nested 100,000 lists deep", wms.raw(200, DEEP)),
    Mode("gzip bomb", "1 MB on the wire inflating to 1 GiB", wms.gzip_bomb()),
    Mode("huge body", "a declared 100 MB body", wms.huge_body()),
    Mode("endless chunked body", "chunks that never end", wms.endless_chunks),
    Mode("1 byte per second", "a valid answer, one byte per second", wms.trickle(1.0)),
    Mode(
        "headers a byte per second",
        "status line and headers one byte per second, no body ever",
        wms.trickle_headers(1.0),
    ),
    Mode(
        "same page forever", "the first page again and again, has_more true", wms.same_page_forever
    ),
    Mode("pages forever", "new records on every page, has_more true", wms.fresh_pages_forever),
    Mode(
        "redirect to plain http",
        "307 to http://198.51.100.7 (not loopback)",
        wms.redirect("http://198.51.100.7"),
    ),
    Mode(
        "secret echoed",
        "500 with the API secret in X-Request-Id and the error message",
        wms.error_echoing("X-API-Secret"),
    ),
)
