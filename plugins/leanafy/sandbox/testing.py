"""pytest fixtures for testing against the Leanafy sandbox.

Import the fixtures into a ``conftest.py``::

    from plugins.leanafy.sandbox.testing import (  # noqa: F401
        sandbox, sandbox_demo, sandbox_http, sandbox_server,
    )

- ``sandbox_server`` (module scope): a :class:`~.server.SandboxServer` on a free
  loopback port, started once per test module (and per xdist worker).
- ``sandbox``: the same server, reset before the test: no items, orders or ARNs,
  no fault rules, zeroed counters, no account but the primary (its client and
  two warehouses stay).
- ``sandbox_demo``: the same, reset to the ``demo`` seed (catalogue and stock).
- ``sandbox_http``: a ``requests.Session`` carrying the sandbox's credentials.

In a test::

    def test_retry_after_store_then_fail(sandbox):
        sandbox.faults.add("store_then_fail", endpoint="POST /v1/order", times=1)
        ...  # run the client against sandbox.url with sandbox.api_key/api_secret
        assert sandbox.counters.duplicates("order") == {}
        assert sandbox.warehouse.orders(primary_reference_number="S-1")

Useful attributes: ``url`` (the Api Url), ``base_url`` (``{url}/v1``),
``api_key``, ``api_secret``, ``headers``, ``warehouse_ids``, ``warehouse``
(floor operations), ``faults``, ``counters``, ``reset(seed)``, and
``wait_until_handled(timeout)`` (after killing a client, before looking), and
``add_account(...)`` for a second API key with records of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from .server import SandboxServer

__all__ = ["sandbox", "sandbox_demo", "sandbox_http", "sandbox_server"]


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    """A sandbox server on a free loopback port for the whole test module."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    """The module's sandbox, reset to the ``empty`` seed before the test."""
    sandbox_server.reset("empty")
    return sandbox_server


@pytest.fixture
def sandbox_demo(sandbox_server: SandboxServer) -> SandboxServer:
    """The module's sandbox, reset to the ``demo`` seed before the test."""
    sandbox_server.reset("demo")
    return sandbox_server


@pytest.fixture
def sandbox_http(sandbox_server: SandboxServer) -> Iterator[requests.Session]:
    """A ``requests`` session that sends the sandbox's credentials."""
    with requests.Session() as session:
        session.headers.update(sandbox_server.headers)
        yield session
