"""Cassettes with vcrpy: one shared configuration that scrubs every secret.

Record a plugin's real conversation with its WMS once, replay it in every test
run without network or credentials. :func:`channel_vcr` gives the ``vcr.VCR``
every plugin should use: before anything is written to a cassette it masks

* the values of the channel's secrets, wherever they appear (URL, headers,
  bodies; plain or URL-encoded),
* every header, query parameter and JSON field whose name says it holds a
  secret (``key``, ``secret``, ``token``, ``password``, ``authorization``,
  ``cookie``), whether or not its value is a known secret.

The same scrubbing is applied to each request before it is matched against a
cassette, so a replay matches although the cassette holds masks. The record
mode comes from ``TECHOMS_RECORD_MODE`` (default ``none``: CI never records,
and a request missing from a cassette fails the test)::

    vcr = channel_vcr(Path(__file__).parent / "cassettes", secrets=[api_key])
    with vcr.use_cassette("health_check.yaml"):
        report = hooks.health_check(context=context)

:func:`unmasked_values` reads cassettes back and names every sensitive header
or query parameter whose value is not the mask: the test that makes sure a
cassette never ships a credential.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from techoms_core.http import Redactor, is_sensitive_name
from techoms_core.secrets import MASK, Secret

#: The environment variable with the record mode: ``none``, ``once``, ``new_episodes``, ``all``.
RECORD_MODE_ENV = "TECHOMS_RECORD_MODE"


def channel_vcr(
    cassette_dir: Path | str,
    *,
    secrets: Iterable[str | Secret] = (),
    record_mode: str | None = None,
    **options: Any,
) -> Any:
    """A ``vcr.VCR`` that writes scrubbed cassettes into ``cassette_dir``.

    ``options`` go to ``vcr.VCR`` as they are (e.g. ``match_on``); requests are
    matched on vcrpy's default (method, scheme, host, port, path, query).
    """
    import vcr  # a test dependency only: plugins need it only to record

    redactor = Redactor(secrets)
    return vcr.VCR(
        cassette_library_dir=str(cassette_dir),
        record_mode=record_mode or os.environ.get(RECORD_MODE_ENV, "none"),
        decode_compressed_response=True,
        before_record_request=scrubbed_request(redactor),
        before_record_response=scrubbed_response(redactor),
        **options,
    )


def scrubbed_request(redactor: Redactor):
    """The ``before_record_request`` filter: masks the URL, headers and body."""

    def scrub(request: Any) -> Any:
        request.uri = redactor.url(request.uri)
        # str() the names too: a plugin may name headers with str enums, which
        # a cassette cannot store
        request.headers = {
            str(name): MASK if is_sensitive_name(str(name)) else redactor.text(str(value))
            for name, value in request.headers.items()
        }
        if request.body:
            request.body = redactor.body(request.body).encode()
        return request

    return scrub


def scrubbed_response(redactor: Redactor):
    """The ``before_record_response`` filter: masks headers and the body."""

    def scrub(response: dict[str, Any]) -> dict[str, Any]:
        headers = response.get("headers", {})
        for name, values in list(headers.items()):
            masked = [MASK if is_sensitive_name(name) else redactor.text(str(v)) for v in values]
            headers[name] = masked
        body = response.get("body", {}).get("string")
        if body:
            text = redactor.body(body)
            response["body"]["string"] = text.encode() if isinstance(body, bytes) else text
            for name in [n for n in headers if n.lower() == "content-length"]:
                headers[name] = [str(len(text.encode()))]
        return response

    return scrub


def unmasked_values(paths: Iterable[Path | str]) -> list[str]:
    """Sensitive headers and query parameters recorded in the cassettes under
    ``paths`` with a value other than the mask, as ``"file: where"`` lines."""
    import yaml  # vcrpy's own dependency

    problems: list[str] = []
    for path in _cassettes(paths):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for number, interaction in enumerate(document.get("interactions", []), 1):
            request = interaction.get("request", {})
            response = interaction.get("response", {})
            where = f"{path} interaction {number}"
            problems.extend(f"{where}: {p}" for p in _sensitive(request, response))
    return problems


def _sensitive(request: dict[str, Any], response: dict[str, Any]) -> Iterable[str]:
    for name, value in parse_qsl(urlsplit(request.get("uri", "")).query):
        if is_sensitive_name(name) and value != MASK:
            yield f"query parameter {name!r} is not masked"
    for side, headers in (
        ("request", request.get("headers")),
        ("response", response.get("headers")),
    ):
        for name, values in (headers or {}).items():
            values = values if isinstance(values, list) else [values]
            if is_sensitive_name(name) and any(str(v) != MASK for v in values):
                yield f"{side} header {name!r} is not masked"


def _cassettes(paths: Iterable[Path | str]) -> Iterable[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            yield path
