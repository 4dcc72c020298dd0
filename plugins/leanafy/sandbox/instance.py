"""One Leanafy sandbox: its accounts, and the requests it is still handling."""

from __future__ import annotations

import threading

from .accounts import Account, Accounts
from .in_flight import InFlight
from .state import SandboxState


class Sandbox:
    """Everything one sandbox server serves, reachable from Python.

    :ivar accounts: the accounts by API key; each has its own records, warehouse
        floor, fault rules and counters; :attr:`primary` is the first.
    :ivar in_flight: the requests accepted and not yet handled (every account's).
    :ivar stopping: set when the server stops; held answers (latency, slow) end early.
    :ivar admin_token: when set, the admin API also needs it in ``X-Sandbox-Admin-Token``
        (a sandbox bound to anything but loopback has one).
    """

    def __init__(
        self,
        states: SandboxState | list[SandboxState],
        *,
        fault_seed: int = 0,
        admin_token: str | None = None,
    ) -> None:
        states = [states] if isinstance(states, SandboxState) else states
        self.accounts = Accounts(states, fault_seed=fault_seed)
        self.admin_token = admin_token
        self.in_flight = InFlight()
        self.stopping = threading.Event()

    @property
    def primary(self) -> Account:
        """The account the sandbox was started with."""
        return self.accounts.primary

    def wait_until_handled(self, timeout: float) -> bool:
        """Wait until every request the server has accepted so far is handled (a
        create stored or refused); False if ``timeout`` seconds pass first.

        An answer a ``slow`` fault holds counts as handled. Requests still queued
        for the server to accept are not seen here: call
        :meth:`SandboxServer.wait_until_handled <.server.SandboxServer.wait_until_handled>`,
        which waits for those too.
        """
        return self.in_flight.wait_until_handled(timeout)

    def reset(self, seed: str = "empty") -> None:
        """Back to a fresh sandbox: the primary account reset to ``seed`` (``empty``
        or ``demo``: records, faults and counters), every other account removed.

        The primary's credentials, client, warehouses and fault seed stay.
        """
        self.accounts.keep_only_primary()
        self.primary.reset(seed)
