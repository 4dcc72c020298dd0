"""Running the sandbox: persistence across restarts, the CLI, and the module entry."""

from __future__ import annotations

import json
import logging
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from plugins.leanafy.sandbox import SandboxServer
from plugins.leanafy.sandbox.cli import build_parser
from plugins.leanafy.sandbox.persistence import open_state

REPOSITORY = Path(__file__).resolve().parents[2]


def test_a_state_file_survives_a_restart(tmp_path, order_body):
    state_file = tmp_path / "sandbox.json"
    with SandboxServer(seed="demo", state_path=state_file) as first:
        created = requests.post(
            f"{first.base_url}/order", json=order_body("S-1"), headers=first.headers
        ).json()["payload"]
        first.warehouse.ship(created["_id"])
        credentials = first.headers

    with SandboxServer(seed="empty", state_path=state_file) as second:
        assert second.headers == credentials
        again = requests.get(
            f"{second.base_url}/order", params={"_id": created["_id"]}, headers=credentials
        ).json()["payload"]
        assert again["status"] == "shipped"
        assert second.warehouse.item("MUG-WHT-12OZ") is not None
        later = requests.post(
            f"{second.base_url}/order", json=order_body("S-2"), headers=credentials
        ).json()["payload"]

    assert later["code"] == created["code"] + 1
    assert later["updated_at"] > again["updated_at"]
    assert json.loads(state_file.read_text())["format"] == "leanafy-sandbox/1"


def test_the_state_file_holding_the_credentials_is_private(tmp_path):
    state_file = tmp_path / "sandbox.json"
    (tmp_path / "sandbox.json.tmp").write_text("left over")  # made 0644 by a crash
    with SandboxServer(state_path=state_file, api_key="k1", api_secret="s1"):
        pass
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert "s1" in state_file.read_text()


def test_given_credentials_replace_stored_ones(tmp_path):
    state_file = tmp_path / "sandbox.json"
    with SandboxServer(state_path=state_file, api_key="k1", api_secret="s1"):
        pass

    with SandboxServer(state_path=state_file, api_secret="s2") as server:
        assert (server.api_key, server.api_secret) == ("k1", "s2")


def test_credentials_are_generated_when_not_given():
    first, second = SandboxServer(), SandboxServer()

    assert first.api_key.startswith("sbx_") and first.api_secret
    assert first.api_key != second.api_key


def test_the_parser_takes_the_documented_options():
    arguments = ["--host", "0.0.0.0", "--port", "9000", "--api-key", "k", "--api-secret", "s"]
    arguments += ["--admin-token", "t"]
    options = build_parser().parse_args([*arguments, "--seed", "demo", "--state", "demo.json"])

    assert vars(options) == {
        "host": "0.0.0.0",
        "port": 9000,
        "api_key": "k",
        "api_secret": "s",
        "admin_token": "t",
        "seed": "demo",
        "state_path": "demo.json",
    }


def test_python_dash_m_serves_prints_credentials_and_saves_on_sigterm(tmp_path):
    state_file = tmp_path / "cli.json"
    command = [sys.executable, "-m", "plugins.leanafy.sandbox", "--port", "0"]
    command += ["--seed", "demo", "--state", str(state_file)]
    process = subprocess.Popen(
        command, cwd=REPOSITORY, stdout=subprocess.PIPE, text=True, env={"PATH": ""}
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        banner = "".join(lines)
        url = re.search(r"serving on (http://\S+)", banner).group(1)
        key = re.search(r"Api Key:\s+(\S+)", banner).group(1)
        secret = re.search(r"Api Secret:\s+(\S+)", banner).group(1)
        me = requests.get(f"{url}/v1/me", headers={"X-API-Key": key, "X-API-Secret": secret})
        assert me.status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        process.stdout.close()

    saved = json.loads(state_file.read_text())
    assert saved["credentials"] == {"api_key": key, "api_secret": secret}
    assert len(saved["items"]) == 8


def test_a_state_file_an_older_sandbox_left_open_is_made_private_on_opening(tmp_path, caplog):
    state_file = tmp_path / "sandbox.json"
    with SandboxServer(state_path=state_file, api_key="k1", api_secret="s1"):
        pass
    state_file.chmod(0o644)

    with caplog.at_level(logging.INFO, logger="plugins.leanafy.sandbox.persistence"):
        [state] = open_state(state_file)

    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert state.credentials.api_secret == "s1"
    assert f"Made private: the file {state_file} was open to other users (0644)" in caplog.text


def test_a_middleware_serves_the_requests_of_its_block_and_no_others(sandbox, sandbox_http):
    seen: list[str] = []

    def noting(app):
        def noted(environ, start_response):
            seen.append(environ["PATH_INFO"])
            return app(environ, start_response)

        return noted

    with sandbox.middleware(noting) as app:
        inside = sandbox_http.get(f"{sandbox.base_url}/me")
    after = sandbox_http.get(f"{sandbox.base_url}/me")

    assert inside.status_code == after.status_code == 200
    assert seen == ["/v1/me"]
    assert app.__name__ == "noted"


def test_a_middleware_needs_a_started_server():
    with pytest.raises(RuntimeError, match="not started"), SandboxServer().middleware(lambda a: a):
        pass
