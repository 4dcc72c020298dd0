"""``techoms console`` as a user starts it: URL and login printed, loopback by
default, a warning for any other address, a clean stop on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import requests


def _start(tmp_path: Path, *args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "techoms_core.cli", "--db", str(tmp_path / "t.db"), "console",
         "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )  # fmt: skip


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    return out, err


def test_the_console_prints_its_url_and_a_generated_password_and_listens_on_loopback(tmp_path):
    env = {"TECHOMS_CONSOLE_PASSWORD": ""}
    process = _start(tmp_path, env=env)
    first = process.stdout.readline()
    assert first.startswith("techOMS console: http://127.0.0.1:")
    url = first.split(": ", 1)[1].strip()
    password = process.stdout.readline().removeprefix("Password: ").strip()
    assert len(password) >= 20
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    _, err = _stop(process)
    assert "not a loopback address" not in err


def test_a_chosen_password_is_not_printed_and_a_non_loopback_host_is_warned_about(tmp_path):
    process = _start(tmp_path, "--host", "0.0.0.0", env={"TECHOMS_CONSOLE_PASSWORD": "s3cret-pw"})
    first, second = process.stdout.readline(), process.stdout.readline()
    assert first.startswith("techOMS console: http://0.0.0.0:")
    assert second == "Password: the value of TECHOMS_CONSOLE_PASSWORD\n"
    out, err = _stop(process)
    assert "s3cret-pw" not in out + err + first + second
    assert "not a loopback address" in err


def test_the_demo_with_the_console_serves_the_demo_database_with_the_sandbox_running(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "techoms_core.cli", "demo", "--console", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TECHOMS_CONSOLE_PASSWORD": "demo-pw"},
    )
    lines = iter(process.stdout.readline, "")
    sandbox_line = next(line for line in lines if "sandbox keeps running at" in line)
    url = next(lines).removeprefix("techOMS console: ").strip()
    with requests.Session() as browser:
        login = browser.get(url + "login", timeout=10).text
        token = re.search(r'"X-CSRF-Token": "([^"]+)"', login).group(1)
        browser.post(
            url + "login",
            data={"password": "demo-pw", "next": "/"},
            headers={"X-CSRF-Token": token},
            timeout=10,
        )
        channels = browser.get(url, timeout=10).text
    sandbox_url = sandbox_line.split(" at ", 1)[1].split()[0]
    assert requests.get(sandbox_url + "/v1/me", timeout=10).status_code == 401
    assert "Channels" in channels and "/channels/" in channels
    _stop(process)
