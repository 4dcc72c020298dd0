"""A cassette recorded from the soak's own channel, to grep it for the credentials.

The soak's CLI runs cannot be recorded (they are other processes), so the same
channel, as the store holds it, is opened here, and a health check and a
receive are recorded with the Leanafy tests' cassette configuration (the one
the committed cassettes use), under a throttle and a 5xx so that failure
answers are in the cassette too.
"""

from __future__ import annotations

from pathlib import Path

from plugins.leanafy.sandbox import SandboxServer
from plugins.registry import Registry
from techoms_core.context import open_context
from techoms_core.store import SqliteHost
from tests.leanafy.vcr_config import leanafy_vcr


def record_cassette(
    db: Path, channel: str, environ: dict[str, str], sandbox: SandboxServer, folder: Path
) -> Path:
    """Record ``soak.yaml`` into ``folder``; answers the folder."""
    plugin = Registry.discover(strict=True).get("leanafy")
    with SqliteHost(db) as host:
        config, mappings = host.channel(channel), host.mappings(channel)
    sandbox.faults.add("throttle", endpoint="GET /v1/orders", times=1, retry_after=0)
    sandbox.faults.add("server_error", endpoint="GET /v1/me", times=1)
    vcr = leanafy_vcr(environ.values())
    context = open_context(plugin.declaration, config, mappings=mappings, environ=environ)
    with context, vcr.use_cassette(str(folder / "soak.yaml"), record_mode="all"):
        assert plugin.health_check(context).ok
        for _page in plugin.receive_shipments(context, None):
            pass
    sandbox.faults.clear()
    return folder
