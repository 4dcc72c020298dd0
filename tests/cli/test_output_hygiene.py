"""What the CLI prints: no part of a secret in any form, no control or bidi
character from the data, no spreadsheet formula in an exported CSV."""

from __future__ import annotations

import json

from click.testing import CliRunner

from plugins.registry import Registry
from techoms_core.cli import CliState, main
from tests.cli.test_secrets import _plugin_that_leaks

#: Changed by JSON (quote, backslash) and by URL encoding (signs, space).
TOKEN = 'tok"0123\\4567 89+ab/cdef'


def _runner(tmp_path, columns: int = 200):
    tmp_path.mkdir(exist_ok=True)  # a database is created only in a directory that exists
    registry = Registry()
    registry.register(_plugin_that_leaks(), "leaky")

    def run(*args: str, **options):
        state = CliState(tmp_path / "t.db", registry=registry, environ={})
        env = {"COLUMNS": str(columns)}
        return CliRunner().invoke(main, list(args), obj=state, env=env, **options)

    return run


def _forms_of_token(text: str) -> list[str]:
    forms = [TOKEN, json.dumps(TOKEN)[1:-1], repr(TOKEN)[1:-1], TOKEN[:6], "0123"]
    return [form for form in forms if form in text]


def test_a_secret_with_quotes_and_backslashes_is_masked_in_json_and_on_stderr(tmp_path):
    run = _runner(tmp_path)
    assert run("channel", "add", "l", "--plugin", "leaky", "--set", "token=-",
               input=TOKEN + "\n").exit_code == 0  # fmt: skip
    products = tmp_path / "products.json"
    record = {"sku": "A-1", "name": TOKEN, "uom": "each", "description": TOKEN}
    weighed = {**record, "sku": "A-2", "weight": {"value": TOKEN, "unit": "kg"}}
    products.write_text(json.dumps([record, weighed]))
    refused = run("load", "products", str(products))
    assert refused.exit_code == 1
    run("load", "products", str(products), "--json")
    products.write_text(json.dumps([record]))
    assert run("load", "products", str(products)).exit_code == 0
    shown = run("show", "products", "--json")
    assert json.loads(shown.stdout)[0]["name"] == "********"
    printed = refused.stderr + refused.stdout + shown.stdout
    assert "********" in refused.stderr
    assert _forms_of_token(printed) == []


def test_a_table_cell_cut_or_wrapped_never_shows_part_of_a_secret(tmp_path):
    for columns in (30, 44, 60, 200):
        run = _runner(tmp_path / str(columns), columns=columns)
        run("channel", "add", "l", "--plugin", "leaky", "--set", "token=-", input=TOKEN + "\n")
        products = tmp_path / f"p{columns}.json"
        record = {"sku": "A-1", "name": f"x {TOKEN} y", "uom": "each", "description": "d"}
        products.write_text(json.dumps([record]))
        run("load", "products", str(products))
        shown = run("show", "products")
        assert shown.exit_code == 0
        assert _forms_of_token(shown.stdout) == [], (columns, shown.stdout)


def test_control_and_bidi_characters_from_data_are_shown_escaped(tmp_path):
    run = _runner(tmp_path)
    products = tmp_path / "products.json"
    name = "Mug \x1b[2J\x1b]8;;http://x\x07click\u202eevil\x9b"
    products.write_text(json.dumps([{"sku": "M-1", "name": name, "uom": "each"}]))
    assert run("load", "products", str(products)).exit_code == 0
    table = run("show", "products").stdout
    assert "\\x1b[2J" in table and "\\u202e" in table and "\\x07" in table
    as_json = run("show", "products", "--json").stdout
    assert json.loads(as_json)[0]["name"] == name
    for text in (table, as_json):
        assert not any(char in text for char in "\x1b\x07\u202e\x9b")
