"""One Leanafy sandbox: its state, warehouse floor, fault injector, counters and the
requests it is still handling."""

from __future__ import annotations

import threading

from .counters import Counters
from .faults import FaultInjector
from .in_flight import InFlight
from .seed import apply_seed
from .state import SandboxState
from .warehouse import WarehouseFloor


class Sandbox:
    """Everything one sandbox server serves, reachable from Python.

    :ivar state: the store (items, inventory, orders, ARNs, credentials).
    :ivar warehouse: the warehouse floor operations.
    :ivar faults: the fault rules applied to ``/v1`` requests.
    :ivar counters: requests, responses, injected faults and creates.
    :ivar in_flight: the requests accepted and not yet handled.
    :ivar stopping: set when the server stops; held answers (latency, slow) end early.
    :ivar admin_token: when set, the admin API also needs it in ``X-Sandbox-Admin-Token``
        (a sandbox bound to anything but loopback has one).
    """

    def __init__(
        self, state: SandboxState, *, fault_seed: int = 0, admin_token: str | None = None
    ) -> None:
        self.state = state
        self.admin_token = admin_token
        self.counters = Counters()
        self.faults = FaultInjector(self.counters, seed=fault_seed)
        self.warehouse = WarehouseFloor(state)
        self.in_flight = InFlight()
        self.stopping = threading.Event()

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
        """Back to a fresh ``seed`` (``empty`` or ``demo``): records, faults and counters.

        The credentials, the client and its warehouses, and the fault seed stay.
        """
        with self.state.lock:
            self.state.clear()
            apply_seed(self.state, seed)
        self.faults.clear()
        self.counters.reset()
