"""The shared cassette configuration: recorded cassettes hold no secret, and
they replay without the WMS."""

from __future__ import annotations

import enum
from pathlib import Path

import pytest

from techoms_core.testing import channel_vcr, open_test_channel, unmasked_values
from techoms_core.testing.leaks import find_secrets_in_files
from tests.kit.reference_plugin import make_reference_plugin
from tests.kit.reference_wms import API_KEY, ReferenceWms

DECLARATION = make_reference_plugin().channel_declaration()
BODY_SECRET = "body-secret-0a9b8c7d"


class Header(enum.StrEnum):
    """Header names as a plugin's wire contract may hold them: str enums."""

    KEY = "X-Key"


def conversation(url: str) -> list[object]:
    """A create and a lookup, with the key in a header, a query and a body."""
    settings = {"api_url": url, "api_key": API_KEY}
    headers = {Header.KEY: API_KEY}
    with open_test_channel(DECLARATION, settings) as context:
        body = {"reference": "V-1", "lines": ["REF-1"], "password": BODY_SECRET}
        created = context.http.post(f"{url}/orders", json=body, headers=headers)
        query = {"reference": "V-1", "token": API_KEY}
        found = context.http.get(f"{url}/orders", params=query, headers=headers)
    return [created.status_code, created.json()["id"], [r["id"] for r in found.json()["records"]]]


def test_a_recorded_cassette_holds_no_secret_and_replays_offline(tmp_path: Path) -> None:
    vcr = channel_vcr(tmp_path, secrets=[API_KEY, BODY_SECRET], record_mode="once")
    with ReferenceWms() as wms, vcr.use_cassette("orders.yaml"):
        url = wms.url
        recorded = conversation(url)

    cassette = tmp_path / "orders.yaml"
    assert cassette.is_file()
    assert find_secrets_in_files([tmp_path], [API_KEY, BODY_SECRET]) == []
    assert unmasked_values([tmp_path]) == []

    replaying = channel_vcr(tmp_path, secrets=[API_KEY, BODY_SECRET], record_mode="none")
    with replaying.use_cassette("orders.yaml") as played:
        assert conversation(url) == recorded
    assert played.play_count == 2


def test_an_unscrubbed_cassette_is_reported(tmp_path: Path) -> None:
    (tmp_path / "leaky.yaml").write_text(
        "interactions:\n"
        "- request:\n"
        "    uri: http://wms.example/v1/items?api_key=abc&page=2\n"
        "    headers:\n"
        "      Authorization: [Bearer abc]\n"
        "  response:\n"
        "    headers:\n"
        "      Set-Cookie: [session=1]\n"
        "version: 1\n"
    )

    problems = unmasked_values([tmp_path])

    assert len(problems) == 3
    assert "query parameter 'api_key' is not masked" in problems[0]
    assert "request header 'Authorization' is not masked" in problems[1]
    assert "response header 'Set-Cookie' is not masked" in problems[2]


def test_the_record_mode_comes_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TECHOMS_RECORD_MODE", "new_episodes")
    assert channel_vcr(tmp_path).record_mode == "new_episodes"
    monkeypatch.delenv("TECHOMS_RECORD_MODE")
    assert channel_vcr(tmp_path).record_mode == "none"


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:vcr")
