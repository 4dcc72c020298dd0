"""A sandbox bound beyond loopback warns, and guards its admin API with a token."""

from __future__ import annotations

import subprocess
import sys

import requests

from plugins.leanafy.sandbox import SandboxServer
from plugins.leanafy.sandbox.server import is_loopback


def test_bound_beyond_loopback_the_admin_api_needs_the_token():
    with SandboxServer(host="0.0.0.0", api_key="k-1", api_secret="s-1") as server:
        token = server.sandbox.admin_token
        assert token
        url = f"http://127.0.0.1:{server.port}"
        credentials = {"X-API-Key": "k-1", "X-API-Secret": "s-1"}
        refused = requests.get(f"{url}/_sandbox/state", headers=credentials, timeout=10)
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "admin_token_required"
        wrong = {**credentials, "X-Sandbox-Admin-Token": token[:-1] + "x"}
        assert requests.get(f"{url}/_sandbox/state", headers=wrong, timeout=10).status_code == 401
        with_token = {**credentials, "X-Sandbox-Admin-Token": token}
        assert requests.get(f"{url}/_sandbox/state", headers=with_token, timeout=10).ok
        assert requests.get(f"{url}/v1/me", headers=credentials, timeout=10).ok


def test_on_loopback_the_admin_api_needs_only_the_credentials(sandbox):
    assert sandbox.sandbox.admin_token is None
    counters = requests.get(sandbox.url + "/_sandbox/counters", headers=sandbox.headers, timeout=10)
    assert counters.ok


def test_which_hosts_are_loopback():
    assert all(map(is_loopback, ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost")))
    assert not any(map(is_loopback, ("0.0.0.0", "::", "192.168.1.4", "example.com")))


def test_the_command_warns_and_prints_the_token_once():
    process = subprocess.Popen(
        [sys.executable, "-m", "techoms_core.cli", "sandbox", "--host", "0.0.0.0", "--port", "0",
         "--api-key", "given-key-5b2e91", "--api-secret", "given-secret-77aa03"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        lines = [process.stdout.readline()]
        while not lines[-1].startswith("Press Ctrl+C"):
            lines.append(process.stdout.readline())
        banner = "".join(lines)
        process.terminate()
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    printed = banner + out + err
    assert "warning: --host 0.0.0.0 is not loopback" in err
    assert "WARNING: bound to 0.0.0.0, not loopback" in banner
    assert "X-Sandbox-Admin-Token: " in banner
    assert "given-key-5b2e91" not in printed and "given-secret-77aa03" not in printed
