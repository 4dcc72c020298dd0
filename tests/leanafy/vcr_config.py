"""The one vcrpy configuration of the Leanafy tests.

Cassettes are recorded from the sandbox and replayed with ``record_mode="none"``
(a request that is not in the cassette fails the test). To record them again::

    LEANAFY_RECORD=1 .venv/bin/pytest tests/leanafy/test_cassettes.py

Before anything is written, ``X-API-Key`` and ``X-API-Secret`` are dropped and
every known secret value, and every value stored under a sensitive name (in a
query string or a JSON body), is masked. Requests match on method, path, query
and body, never on host or port: the sandbox's port varies from run to run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import vcr

from plugins.leanafy.contract import Header
from techoms_core.http.redaction import Redactor

CASSETTES = Path(__file__).parent / "cassettes"
RECORD_ENV = "LEANAFY_RECORD"
SECRET_HEADERS = (Header.API_KEY.value, Header.API_SECRET.value)


def recording() -> bool:
    """Whether this run records cassettes afresh (``LEANAFY_RECORD=1``)."""
    return os.environ.get(RECORD_ENV, "") not in ("", "0", "false", "no")


def leanafy_vcr(secrets: Iterable[str]) -> vcr.VCR:
    """The shared configuration, scrubbing ``secrets`` from everything recorded."""
    redactor = Redactor(list(secrets))

    def scrub_request(request: Any) -> Any:
        request.uri = redactor.url(request.uri)
        if request.body:
            body = request.body.decode() if isinstance(request.body, bytes) else request.body
            request.body = redactor.body(body).encode()
        return request

    def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
        body = response.get("body", {})
        if body.get("string"):
            raw = body["string"]
            text = raw.decode() if isinstance(raw, bytes) else raw
            body["string"] = redactor.body(text).encode()
        return response

    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="all" if recording() else "none",
        match_on=("method", "path", "query", "body"),
        filter_headers=[*SECRET_HEADERS, "Cookie", "Authorization"],
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
    )
