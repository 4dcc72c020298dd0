"""The last resort: an error no named error caught still prints no secret,
and says where its traceback is."""

from __future__ import annotations

import json

import click
from click.testing import CliRunner

from techoms_core import hookimpl
from techoms_core.cli import CliState, main
from tests.host.fake_channel import FakeWms, registered

PASSWORD = "pg-pass-7c1e90"
DB_URL = f"postgresql+psycopg://techoms:{PASSWORD}@127.0.0.1:1/techoms"
FERNET_KEY = "0bJ4Qk3dVnZ8y9xvP1m2L5s6T7u8W9aBcDeFgHiJkLo="


class CrashingWms(FakeWms):
    """A plugin whose own command fails with an error nobody named, quoting
    the database URL and the secret key it was given."""

    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        @click.command("crash")
        @click.option("--json", "as_json", is_flag=True)
        @click.pass_obj
        def crash(state: CliState, as_json: bool) -> None:
            key = state.environ["TECHOMS_SECRET_KEY"]
            raise RuntimeError(f"lost {state.db} while sealing with {key}")

        cli.add_command(crash)


def _crash(*args: str):
    state = CliState(
        DB_URL, registry=registered(CrashingWms()), environ={"TECHOMS_SECRET_KEY": FERNET_KEY}
    )
    return CliRunner().invoke(main, [*args, "crash"], obj=state)


def test_an_unexpected_error_names_its_type_masks_secrets_and_says_where_the_traceback_is():
    result = _crash()

    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "Error: unexpected RuntimeError: lost postgresql+psycopg://techoms:" in said
    assert "run the command again with --debug, or with TECHOMS_DEBUG=1" in said
    assert "Traceback" not in said
    assert PASSWORD not in result.output and FERNET_KEY not in result.output


def test_debug_prints_the_traceback_masked():
    result = _crash("--debug")

    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert 'raise RuntimeError(f"lost {state.db}' in result.stderr
    assert PASSWORD not in result.output and FERNET_KEY not in result.output


def test_with_json_the_refusal_is_a_masked_json_object():
    state = CliState(
        DB_URL, registry=registered(CrashingWms()), environ={"TECHOMS_SECRET_KEY": FERNET_KEY}
    )
    result = CliRunner().invoke(main, ["crash", "--json"], obj=state)

    document = json.loads(result.stdout)
    assert document["ok"] is False and document["message"].startswith("unexpected RuntimeError")
    assert PASSWORD not in result.output and FERNET_KEY not in result.output
