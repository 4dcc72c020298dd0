"""What a client that goes away leaves behind: requests the sandbox still handles
(``wait_until_handled``), and a disconnect logged as one quiet line."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
from typing import Any

from plugins.leanafy.sandbox import SandboxServer
from plugins.leanafy.sandbox.endpoints import V1_HANDLERS

APP_LOGGER = "plugins.leanafy.sandbox.app"


def raw_request(server: SandboxServer, path: str, body: dict[str, Any], cut: int = 0) -> bytes:
    """``POST path`` as bytes on the wire, its body missing the last ``cut`` bytes."""
    data = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {server.host}\r\n"
        f"X-API-Key: {server.api_key}\r\nX-API-Secret: {server.api_secret}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data[: len(data) - cut]


def send_and_leave(server: SandboxServer, request: bytes) -> None:
    """What a killed client did: the request is on the wire, the client is gone."""
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.sendall(request)


def test_wait_until_handled_waits_for_what_a_gone_client_sent(
    sandbox_demo, order_body, monkeypatch
):
    reached, release = threading.Event(), threading.Event()
    counted = sandbox_demo.counters.create_received

    def held_before_the_store(kind: str, key: str | None) -> None:
        counted(kind, key)
        reached.set()
        release.wait(timeout=30)

    monkeypatch.setattr(sandbox_demo.counters, "create_received", held_before_the_store)
    send_and_leave(sandbox_demo, raw_request(sandbox_demo, "/v1/order", order_body("S-1")))
    try:
        assert reached.wait(timeout=30)
        assert sandbox_demo.wait_until_handled(timeout=0.1) is False  # held until released
        assert sandbox_demo.sandbox.wait_until_handled(timeout=0) is False
    finally:
        release.set()
    assert sandbox_demo.wait_until_handled(timeout=30) is True
    assert sandbox_demo.counters.creates("order", "S-1") == {"received": 1, "stored": 1}
    assert sandbox_demo.sandbox.in_flight.count() == 0


def test_a_request_queued_behind_a_busy_server_is_waited_for(sandbox_demo, order_body):
    # Sent and left in one go, then waited for at once: the request may still be
    # in the listen queue, unread, when the wait starts.
    for number in range(5):
        reference = f"Q-{number}"
        send_and_leave(sandbox_demo, raw_request(sandbox_demo, "/v1/order", order_body(reference)))
        assert sandbox_demo.wait_until_handled(timeout=30)
        assert sandbox_demo.counters.creates("order", reference)["stored"] == 1


def test_an_answer_a_slow_fault_holds_is_not_waited_for(order_body):
    with SandboxServer(seed="demo") as server:  # its stop ends the hold
        server.faults.add("slow", endpoint="POST /v1/order", seconds=600)
        with socket.create_connection(("127.0.0.1", server.port)) as client:
            client.sendall(raw_request(server, "/v1/order", order_body("S-1")))

            assert server.wait_until_handled(timeout=30) is True
            assert server.counters.creates("order", "S-1")["stored"] == 1
            assert server.counters.snapshot()["responses"] == {}  # the answer is still held


def test_wait_until_handled_on_a_stopped_server_has_nothing_to_wait_for():
    assert SandboxServer().wait_until_handled(timeout=0) is True


def test_a_client_gone_mid_body_is_one_info_line_without_traceback(
    sandbox_demo, order_body, caplog
):
    caplog.set_level(logging.DEBUG, logger=APP_LOGGER)
    request = raw_request(sandbox_demo, "/v1/order", order_body("S-1"), cut=40)

    send_and_leave(sandbox_demo, request)
    assert sandbox_demo.wait_until_handled(timeout=30)

    [record] = [r for r in caplog.records if r.name == APP_LOGGER]
    assert record.levelno == logging.INFO and record.exc_info is None
    assert record.getMessage() == (
        "client left before its request was read: POST /v1/order (ClientDisconnected)"
    )
    assert sandbox_demo.counters.creates("order", "S-1") == {"received": 0, "stored": 0}


def test_an_internal_error_is_still_logged_with_its_traceback(
    sandbox, sandbox_http, caplog, monkeypatch
):
    def broken(exchange: Any) -> None:
        raise RuntimeError("a bug in the sandbox")

    monkeypatch.setitem(V1_HANDLERS, "me", broken)

    response = sandbox_http.get(f"{sandbox.base_url}/me")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    [record] = [r for r in caplog.records if r.name == APP_LOGGER]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "sandbox failed on GET /v1/me"
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def answer(client: socket.socket) -> tuple[bytes, bytes]:
    """Read one answer from ``client``: its head and body (by Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += client.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length:
        body += client.recv(65536)
    return head, body


def get_me(server: SandboxServer) -> bytes:
    return (
        f"GET /v1/me HTTP/1.1\r\nHost: {server.host}\r\n"
        f"X-API-Key: {server.api_key}\r\nX-API-Secret: {server.api_secret}\r\n\r\n"
    ).encode()


def test_connections_are_kept_alive_between_requests(sandbox_demo):
    with socket.create_connection(("127.0.0.1", sandbox_demo.port)) as client:
        for _ in range(3):
            client.sendall(get_me(sandbox_demo))
            head, body = answer(client)
            assert head.startswith(b"HTTP/1.1 200")
            assert b"connection: close" not in head.lower()
            assert json.loads(body)["success"] is True


def test_an_idle_kept_alive_connection_is_not_waited_for(sandbox_demo):
    with socket.create_connection(("127.0.0.1", sandbox_demo.port)) as client:
        client.sendall(get_me(sandbox_demo))
        answer(client)

        assert sandbox_demo.wait_until_handled(timeout=2) is True
        assert sandbox_demo.sandbox.in_flight.count() == 0


def test_a_request_on_a_kept_alive_connection_is_waited_for(sandbox_demo, order_body):
    with socket.create_connection(("127.0.0.1", sandbox_demo.port)) as client:
        client.sendall(get_me(sandbox_demo))
        answer(client)
        for number in range(5):
            reference = f"K-{number}"
            client.sendall(raw_request(sandbox_demo, "/v1/order", order_body(reference)))
            assert sandbox_demo.wait_until_handled(timeout=30)
            assert sandbox_demo.counters.creates("order", reference)["stored"] == 1
            assert answer(client)[0].startswith(b"HTTP/1.1 201")
