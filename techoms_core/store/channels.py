"""The account and its channels (their mappings are in :mod:`.mapping_rows`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from techoms_core.context import ChannelConfig
from techoms_core.host import ChannelExists, ReceiptStatus, ShipmentStatus, UnknownChannel
from techoms_core.mappings import UnmappedPolicy
from techoms_core.menu import TECHOMS
from techoms_core.secrets import Secret
from techoms_core.store import codec, schema
from techoms_core.store.database import Database
from techoms_core.store.problems import StoreError
from techoms_core.store.sealing import (
    is_plaintext_secret,
    open_settings,
    reseal_settings,
    seal_settings,
)
from techoms_core.store.secret_key import SecretKeys

_UNSET: Any = object()
#: What a channel name may hold: it appears in commands, URLs and lock names.
CHANNEL_NAME = re.compile(r"[A-Za-z0-9_-]+")


class ChannelStore(Database):
    """Account and channels of the SQLite host.

    Literal secrets in channel settings are stored encrypted with ``_keys``
    (:mod:`techoms_core.store.sealing`); ``env:VAR`` references as they are.
    """

    _keys: SecretKeys

    @property
    def secret_keys(self) -> SecretKeys:
        """The key(s) the channel secrets are encrypted with."""
        return self._keys

    # -- account ---------------------------------------------------------------

    def master_product_source(self) -> str:
        with self._read() as connection:
            return _master_product_source(connection)

    def set_master_product_source(self, source: str) -> None:
        """``"techoms"`` or the name of an existing channel; ``StoreError`` otherwise."""
        source = source.strip()
        with self._write() as connection:
            if source != TECHOMS:
                try:
                    self._require_channel(connection, source)
                except UnknownChannel:
                    raise StoreError(
                        f"master product source: {source!r} is neither {TECHOMS!r} "
                        "nor a channel name"
                    ) from None
            connection.execute(
                update(schema.account)
                .where(schema.account.c.id == 1)
                .values(master_product_source=source)
            )

    # -- channels ----------------------------------------------------------------

    def add_channel(self, config: ChannelConfig) -> None:
        """Store a new channel; settings are stored as given.

        Pass ``ChannelSettings.raw_for_storage()`` as settings: ``env:VAR`` stays
        a reference, and a literal secret (a :class:`~techoms_core.secrets.Secret`)
        is stored encrypted. Raises :class:`~techoms_core.host.ChannelExists`.
        """
        name = config.name.strip()
        if not CHANNEL_NAME.fullmatch(name):
            raise StoreError(
                f"channel name: {name!r} may hold only letters, digits, - and _"
                if name
                else "channel name: required"
            )
        with self._write() as connection:
            if _channel_row(connection, name) is not None:
                raise ChannelExists(name)
            _refuse_served_warehouse(connection, name, config.warehouse)
            connection.execute(
                insert(schema.channels).values(
                    name=name,
                    plugin=config.plugin,
                    settings=codec.dumps(seal_settings(config.settings, self._keys)),
                    warehouse=config.warehouse,
                    enabled=config.enabled,
                    carrier_policy=UnmappedPolicy.WARN.value,
                    created_at=self._now(),
                )
            )

    def update_channel(
        self,
        name: str,
        *,
        settings: Mapping[str, Any] | None = None,
        warehouse: str | None = _UNSET,
        enabled: bool | None = None,
    ) -> ChannelConfig:
        """Change a channel; ``settings`` replaces the stored settings wholesale;
        ``warehouse`` (omit to keep; ``None`` or ``""`` clears) may not be one
        another channel serves. Returns the new configuration."""
        values: dict[str, Any] = {}
        if settings is not None:
            values["settings"] = settings
        if warehouse is not _UNSET:
            values["warehouse"] = warehouse
        if enabled is not None:
            values["enabled"] = enabled
        with self._write() as connection:
            return self._change_channel(connection, name, values)

    def _change_channel(
        self, connection: Connection, name: str, values: Mapping[str, Any]
    ) -> ChannelConfig:
        """Write ``values`` (any of ``settings``, ``warehouse``, ``enabled``,
        ``carrier_policy``) to channel ``name`` in the caller's transaction;
        the new configuration."""
        self._require_channel(connection, name)
        row = dict(values)
        if "settings" in row:
            row["settings"] = codec.dumps(seal_settings(row["settings"], self._keys))
        if "warehouse" in row:
            row["warehouse"] = (row["warehouse"] or "").strip() or None
            _refuse_served_warehouse(connection, name, row["warehouse"])
        if row:
            connection.execute(
                update(schema.channels).where(schema.channels.c.name == name).values(row)
            )
        return self._config(_channel_row(connection, name))

    def delete_channel(self, name: str) -> None:
        """Delete a channel with everything it keeps: mappings, cursors, jobs,
        staging, product send states, its review items, and the send state of
        the shipments and receipts it holds open (``sent`` ones go back to
        ``ready``, without its WMS id; a shipment whose cancellation was asked
        is ``cancelled``), so a new channel of the same name sends them again.
        Records it finished (shipped, cancelled, received) keep their history.
        A channel that is the Master Product Source cannot be deleted."""
        with self._write() as connection:
            self._require_channel(connection, name)
            if _master_product_source(connection) == name:
                raise StoreError(
                    f"channel {name!r} is the Master Product Source; "
                    "set another source before deleting it"
                )
            forget_channel_sends(connection, name, self._now())
            connection.execute(delete(schema.channels).where(schema.channels.c.name == name))

    def channel(self, name: str) -> ChannelConfig:
        with self._read() as connection:
            row = _channel_row(connection, name)
        if row is None:
            raise UnknownChannel(name)
        return self._config(row)

    def channels(self) -> list[ChannelConfig]:
        with self._read() as connection:
            rows = connection.execute(
                select(schema.channels).order_by(schema.channels.c.name)
            ).all()
        return [self._config(row) for row in rows]

    def seal_plaintext_secrets(self, name: str, secret_keys: Iterable[str]) -> int:
        """Encrypt the literal values of ``secret_keys`` that channel ``name``
        holds in plain text (a database from before secrets were encrypted).
        Returns how many were sealed; writes nothing when there are none."""
        with self._scrubbing_write() as connection:
            self._require_channel(connection, name)
            settings = codec.loads(_channel_row(connection, name).settings)
            plain = [key for key in secret_keys if is_plaintext_secret(settings.get(key))]
            if plain:
                for key in plain:
                    settings[key] = Secret(settings[key])
                connection.execute(
                    update(schema.channels)
                    .where(schema.channels.c.name == name)
                    .values(settings=codec.dumps(seal_settings(settings, self._keys)))
                )
            return len(plain)

    def reseal_secrets(self) -> int:
        """Encrypt every stored secret again with the first key (after a new key
        was put first), all channels in one transaction. Returns how many
        channels were rewritten."""
        with self._scrubbing_write() as connection:
            rows = connection.execute(select(schema.channels.c.name, schema.channels.c.settings))
            changed = 0
            for row in rows.all():
                settings = codec.loads(row.settings)
                resealed = reseal_settings(settings, self._keys)
                if resealed != settings:
                    changed += 1
                    connection.execute(
                        update(schema.channels)
                        .where(schema.channels.c.name == row.name)
                        .values(settings=codec.dumps(resealed))
                    )
            return changed

    @contextmanager
    def _scrubbing_write(self) -> Iterator[Connection]:
        """A write transaction whose replaced values leave no copy in the file:
        SQLite zeroes what it frees, and the WAL is checkpointed and truncated."""
        with self._busy_is_named(), self._engine.connect() as connection:
            driver = connection.connection.driver_connection
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:  # outside a transaction, which the driver's own calls are
                driver.execute("PRAGMA secure_delete=ON")
            try:
                with connection.begin():
                    yield connection
            finally:
                if sqlite:
                    driver.execute("PRAGMA secure_delete=OFF")
            if sqlite:
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _config(self, row: Any) -> ChannelConfig:
        return ChannelConfig(
            name=row.name,
            plugin=row.plugin,
            settings=open_settings(codec.loads(row.settings), self._keys),
            warehouse=row.warehouse,
            enabled=bool(row.enabled),
        )


def _master_product_source(connection: Connection) -> str:
    return connection.execute(
        select(schema.account.c.master_product_source).where(schema.account.c.id == 1)
    ).scalar_one()


def _refuse_served_warehouse(connection: Connection, name: str, warehouse: str | None) -> None:
    """One channel per techOMS warehouse, so no record is sent to two WMSs."""
    if not warehouse:
        return
    other = connection.execute(
        select(schema.channels.c.name).where(
            schema.channels.c.warehouse == warehouse, schema.channels.c.name != name
        )
    ).scalar()
    if other is not None:
        raise StoreError(
            f"warehouse: {warehouse!r} is already served by channel {other!r}; "
            "a warehouse has one fulfillment channel"
        )


def _channel_row(connection: Connection, name: str) -> Any:
    return connection.execute(select(schema.channels).where(schema.channels.c.name == name)).first()


def forget_channel_sends(connection: Connection, name: str, now: Any) -> None:
    """Unbind the records a channel holds open and drop its review items."""
    connection.execute(delete(schema.reviews).where(schema.reviews.c.channel == name))
    shipments = schema.shipments
    held = (shipments.c.channel == name, shipments.c.status == ShipmentStatus.SENT.value)
    unbound = {"channel": None, "remote_id": None, "applied_version": None, "updated_at": now}
    connection.execute(
        update(shipments)
        .where(*held, shipments.c.cancel_requested.is_(True))
        .values(status=ShipmentStatus.CANCELLED.value, cancel_requested=False, **unbound)
    )
    connection.execute(
        update(shipments).where(*held).values(status=ShipmentStatus.READY.value, **unbound)
    )
    receipts = schema.receipts
    connection.execute(
        update(receipts)
        .where(receipts.c.channel == name, receipts.c.status == ReceiptStatus.SENT.value)
        .values(status=ReceiptStatus.READY.value, **unbound)
    )
