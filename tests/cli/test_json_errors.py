"""Every command with ``--json`` answers a refusal with a JSON error object."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (("channel", "show", "nope"), 1, "no channel named 'nope'"),
        (("review", "accept", "999"), 1, "no review item 999"),
        (("sync", "nope", "send-shipments"), 1, "no channel named 'nope'"),
        (("log", "nope"), 1, "no channel named 'nope'"),
        (("review", "accept", "not-a-number"), 2, "not-a-number"),
        (("show", "parcels"), 2, "parcels"),
    ],
)
def test_a_refusal_is_one_json_object(cli, channel, args, status, says):
    result = cli(*args, "--json", status=status)
    document = json.loads(result.stdout)
    assert document["ok"] is False and says in document["message"]
    assert document["problems"] == []


def test_a_refused_load_lists_every_problem_in_json(cli, tmp_path):
    bad = tmp_path / "shipments.json"
    bad.write_text('[{"number": "S-1"}, {"number": "S-2"}]')
    document = json.loads(cli("load", "shipments", str(bad), "--json", status=1).stdout)
    assert document["ok"] is False and "nothing was loaded" in document["message"]
    assert len(document["problems"]) > 2
    assert all(problem.startswith("record ") for problem in document["problems"])
