"""Accounts: each API key is a Leanafy of its own, one sandbox serves many.

An :class:`Account` holds one key's client and warehouses, its items, stock,
orders and ARNs (a :class:`~.state.SandboxState`), its fault rules (its rate
limit among them) and its counters. Nothing is shared between accounts, so one
sandbox can stand in for the Leanafy instances of many channels.

:class:`Accounts` finds an account by its ``X-API-Key``. The first account (the
one the sandbox starts with, from ``--api-key``/``--api-secret``) is the
*primary*: it keeps the seed's fixed client and warehouse ids, it answers for
requests whose key is unknown (their faults and counters are its own, as a
gateway in front of one Leanafy would count them), and only it may add accounts
through the admin API.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Hashable
from typing import Any

from .counters import Counters
from .errors import conflict
from .faults import FaultInjector
from .models import Credentials
from .seed import apply_seed, new_account_state
from .state import DOCUMENT_FORMAT, SandboxState, generate_credentials
from .warehouse import WarehouseFloor

#: A state file with more than one account; a file with one account holds just
#: that account's document (:data:`~.state.DOCUMENT_FORMAT`).
ACCOUNTS_FORMAT = "leanafy-sandbox/accounts/1"


class Account:
    """One API key's Leanafy: records, warehouse floor, fault rules and counters.

    :ivar state: the store (items, inventory, orders, ARNs, credentials).
    :ivar warehouse: the warehouse floor operations.
    :ivar faults: the fault rules applied to this key's ``/v1`` requests; a
        ``rate_limit`` rule is the account's rate limit.
    :ivar counters: this key's requests, responses, injected faults and creates.
    """

    def __init__(self, state: SandboxState, *, fault_seed: int = 0) -> None:
        self.state = state
        self.counters = Counters()
        self.faults = FaultInjector(self.counters, seed=fault_seed)
        self.warehouse = WarehouseFloor(state)

    @property
    def api_key(self) -> str:
        """The account's ``X-API-Key``."""
        return self.state.credentials.api_key

    @property
    def api_secret(self) -> str:
        """The account's ``X-API-Secret``."""
        return self.state.credentials.api_secret

    @property
    def headers(self) -> dict[str, str]:
        """The credentials as request headers."""
        return {"X-API-Key": self.api_key, "X-API-Secret": self.api_secret}

    @property
    def warehouse_ids(self) -> list[str]:
        """The ids of the account's warehouses (the first is the default)."""
        return self.state.warehouse_ids

    def accepts(self, secret: str) -> bool:
        """Whether ``secret`` is this account's ``X-API-Secret`` (compared in constant time)."""
        return hmac.compare_digest(secret.encode(), self.api_secret.encode())

    def reset(self, seed: str = "empty") -> None:
        """Back to a fresh ``seed`` (``empty`` or ``demo``): records, faults and counters.

        The credentials, the client and its warehouses, and the fault seed stay.
        """
        with self.state.lock:
            self.state.clear()
            apply_seed(self.state, seed)
        self.faults.clear()
        self.counters.reset()

    def describe(self) -> dict[str, Any]:
        """``{"api_key", "client", "warehouses"}``: the account without its secret."""
        return {
            "api_key": self.api_key,
            "client": self.state.client.to_wire(),
            "warehouses": [warehouse.to_wire() for warehouse in self.state.warehouses],
        }

    def __repr__(self) -> str:
        return f"Account(client={self.state.client.name!r})"


class Accounts:
    """The sandbox's accounts by API key, in the order they were added."""

    def __init__(self, states: list[SandboxState], *, fault_seed: int = 0) -> None:
        if not states:
            raise ValueError("a sandbox needs at least one account")
        self.fault_seed = fault_seed
        self._lock = threading.Lock()
        self._by_key: dict[str, Account] = {}
        self._changes = 0
        for state in states:
            self._add(state)

    @property
    def primary(self) -> Account:
        """The first account: the one the sandbox was started with."""
        return next(iter(self._by_key.values()))

    def get(self, api_key: str) -> Account | None:
        """The account of ``api_key``, if there is one."""
        return self._by_key.get(api_key)

    def authenticate(self, api_key: str, api_secret: str) -> Account | None:
        """The account whose key and secret these are; None for any mismatch."""
        account = self.get(api_key)
        return account if account is not None and account.accepts(api_secret) else None

    def all(self) -> list[Account]:
        """Every account, the primary first."""
        return list(self._by_key.values())

    def add(
        self,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        seed: str = "empty",
        client_name: str | None = None,
    ) -> Account:
        """A new account with a client and two warehouses of its own, seeded with
        ``seed``; credentials not given are generated. 409 ``conflict`` if the key
        is taken."""
        generated = generate_credentials()
        credentials = Credentials(api_key or generated.api_key, api_secret or generated.api_secret)
        with self._lock:
            name = client_name or f"Client {len(self._by_key) + 1}"
            state = new_account_state(credentials, name)
            apply_seed(state, seed)
            return self._add(state)

    def _add(self, state: SandboxState) -> Account:
        key = state.credentials.api_key
        if key in self._by_key:
            raise conflict("an account with this API key exists")
        account = Account(state, fault_seed=self.fault_seed)
        self._by_key = {**self._by_key, key: account}  # readers never see a half-made dict
        self._changes += 1
        return account

    def keep_only_primary(self) -> None:
        """Remove every account but the primary."""
        with self._lock:
            primary = self.primary
            self._by_key = {primary.api_key: primary}
            self._changes += 1

    @property
    def revision(self) -> Hashable:
        """Changes whenever an account is added or removed or any account's records change."""
        return (self._changes, tuple(a.state.revision for a in self._by_key.values()))

    def to_document(self) -> dict[str, Any]:
        """Every account's state as one JSON-ready document (what a state file holds):
        a lone account's own document, or every account's under ``accounts``."""
        documents = [account.state.to_document() for account in self.all()]
        if len(documents) == 1:
            return documents[0]
        return {"format": ACCOUNTS_FORMAT, "accounts": documents}


def states_from_document(document: dict[str, Any]) -> list[SandboxState]:
    """The accounts' states in a :meth:`Accounts.to_document` document, primary first."""
    if document.get("format") == ACCOUNTS_FORMAT:
        return [SandboxState.from_document(d) for d in document["accounts"]]
    if document.get("format") == DOCUMENT_FORMAT:
        return [SandboxState.from_document(document)]
    raise ValueError(
        f"not a sandbox state document ({DOCUMENT_FORMAT} or {ACCOUNTS_FORMAT} expected)"
    )
