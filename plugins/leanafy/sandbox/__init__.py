"""The Leanafy sandbox: a real HTTP server on loopback that serves ``leanafy-api.md``.

It lets users try every Leanafy flow without a Leanafy account, and gives tests a
Leanafy that behaves like the real one, including when it misbehaves:

- :class:`SandboxServer` runs it on a background thread (``port=0``: a free port);
  :func:`serve` runs it in the foreground (``python -m plugins.leanafy.sandbox``).
- ``server.warehouse`` moves orders and ARNs through the warehouse floor;
  ``server.faults`` injects latency, throttling, 5xx, store-then-fail, malformed
  JSON and slow answers; ``server.counters`` shows what arrived;
  ``server.wait_until_handled(timeout)`` waits for what a killed client left behind.
- ``server.add_account()`` serves another API key with its own client,
  warehouses, records, fault rules and counters: one sandbox, many accounts.
- :mod:`plugins.leanafy.sandbox.testing` offers pytest fixtures.

See ``docs/sandbox.md``.
"""

from .server import SandboxServer, serve

__all__ = ["SandboxServer", "serve"]
