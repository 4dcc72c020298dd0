"""Health check against the sandbox: which check failed, and why; never raises."""

from __future__ import annotations

import socket

from techoms_core.http.retry import RetryPolicy

ONE_TRY = {"retry": RetryPolicy(max_attempts=1), "timeout": (1.0, 2.0)}


def test_healthy(plugin, sandbox, open_channel):
    report = plugin.health_check(open_channel())
    assert report.ok, report.message
    assert [check.name for check in report.checks] == [
        "connection",
        "credentials",
        "account",
        "warehouse",
    ]
    assert "Main Warehouse" in report.checks[-1].message
    assert report.latency_ms is not None and report.latency_ms > 0
    # Each check is timed: the /me round trip decided connection and credentials.
    connection, credentials, account, warehouse = (c.latency_ms for c in report.checks)
    assert connection == credentials and connection > 0
    assert account is not None and warehouse is not None
    assert report.latency_ms >= connection


def test_invalid_credentials(plugin, sandbox, open_channel):
    report = plugin.health_check(open_channel(api_secret="not-the-secret"))
    assert not report.ok
    assert report.message.startswith("credentials: invalid credentials")
    assert "not-the-secret" not in repr(report)


def test_unreachable(plugin, sandbox, open_channel):
    with socket.socket() as probe:  # a free port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    report = plugin.health_check(
        open_channel(api_url=f"http://127.0.0.1:{port}", session_options=ONE_TRY)
    )
    assert not report.ok
    assert report.message.startswith("connection: unreachable")
    assert report.checks[0].latency_ms is not None and report.latency_ms is not None


def test_tls_failure(plugin, sandbox, open_channel):
    https = sandbox.url.replace("http://", "https://")
    report = plugin.health_check(open_channel(api_url=https, session_options=ONE_TRY))
    assert not report.ok
    assert report.message.startswith("connection: TLS failure")


def test_warehouse_not_authorised(plugin, sandbox, open_channel):
    report = plugin.health_check(open_channel(warehouse_id="0123456789abcdef01234567"))
    assert not report.ok
    assert report.message.startswith("warehouse: warehouse 0123456789abcdef01234567 is not")
    assert "authorised" in report.message and "Main Warehouse" in report.message


def test_no_warehouse_set_on_an_account_with_two(plugin, sandbox, open_channel):
    report = plugin.health_check(open_channel(warehouse_id=None))
    assert not report.ok
    assert "set the channel's Leanafy warehouse id" in report.message


def test_server_errors_past_the_retry_budget_are_a_failed_check(plugin, sandbox, open_channel):
    sandbox.faults.add("server_error", endpoint="GET /v1/me", status=503)
    report = plugin.health_check(open_channel())
    assert not report.ok
    assert report.message.startswith("account: GET /v1/me failed")
    assert "X-Request-Id" in report.message
