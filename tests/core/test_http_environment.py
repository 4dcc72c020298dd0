"""Proxy settings from the environment are honoured, and read once per origin."""

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from techoms_core.http import RetryPolicy, Unreachable, build_session
from techoms_core.throughput import ThroughputProfile

PROFILE = ThroughputProfile("t", "Test", max_concurrency=2, requests_per_second=1000)
#: Nothing listens on the discard port: reached directly, it refuses at once.
TARGET = "http://127.0.0.1:9/v1/me"


def session():
    once = RetryPolicy(max_attempts=1)
    return build_session(profile=PROFILE, secrets=[], logger=logging.getLogger("t"), retry=once)


class Proxy(BaseHTTPRequestHandler):
    """Answers every request, noting the request line a proxy receives."""

    def do_GET(self):
        self.server.seen.append(self.path)
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_an_environment_proxy_is_used_and_read_once_per_origin(proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_port}")
    monkeypatch.setenv("NO_PROXY", "")
    channel = session()
    channel.get(TARGET)
    monkeypatch.delenv("HTTP_PROXY")
    channel.get(TARGET + "?page=2")
    # a proxy receives absolute URLs: both went through it, the second with the
    # setting read when the run first reached the origin
    assert proxy.seen == [TARGET, TARGET + "?page=2"]
    fresh = session()
    with pytest.raises(Unreachable):
        fresh.get(TARGET)
    channel.close()
    fresh.close()
