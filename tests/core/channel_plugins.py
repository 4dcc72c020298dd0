"""Small channel plugins built in memory, for testing the framework itself.

Each is a real plugin module registered through pluggy, so the registry, the
facade and the menu are exercised exactly as with an installed plugin. A plugin
records what its send hooks were given in ``module.sent`` and its receive hooks
yield ``module.pages``.
"""

from __future__ import annotations

import types
from collections.abc import Iterable

from techoms_core import hookimpl
from techoms_core.models import HealthCheck, HealthReport, PluginDeclaration, RecordResult
from techoms_core.options import SYNC_OPTIONS
from techoms_core.settings import SettingsSchema

ALL_HOOKS = tuple(option.hook for option in SYNC_OPTIONS)


def declaration(key: str, **changes) -> PluginDeclaration:
    fields = dict(
        key=key,
        display_name=key.title(),
        version="1.0",
        settings=SettingsSchema(()),
        required_export_fields=("sku", "name", "uom", "description"),
    )
    fields.update(changes)
    return PluginDeclaration(**fields)


def make_plugin(key: str, hooks: Iterable[str] = ALL_HOOKS, **declared) -> types.ModuleType:
    """A plugin module for channel key ``key`` that implements exactly ``hooks``."""
    module = types.ModuleType(f"plugin_{key}")
    module.sent = []
    module.pages = []

    def send(records):
        for record in records:
            module.sent.append(record)
            yield RecordResult.ok(record.key, remote_id=f"remote-{record.key}")

    def receive():
        yield from module.pages

    implementations = {
        "import_products": lambda context, cursor: receive(),
        "export_products": lambda context, products: send(products),
        "update_products": lambda context, products: send(products),
        "receive_inventory": lambda context: receive(),
        "send_shipments": lambda context, shipments: send(shipments),
        "cancel_shipments": lambda context, shipments: send(shipments),
        "receive_shipments": lambda context, cursor: receive(),
        "send_receipts": lambda context, receipts: send(receipts),
        "receive_receipts": lambda context, cursor: receive(),
    }
    module.channel_declaration = hookimpl(lambda: declaration(key, **declared))
    module.health_check = hookimpl(
        lambda context: HealthReport(checks=[HealthCheck(name="reachable", ok=True)])
    )
    for hook in hooks:
        setattr(module, hook, hookimpl(implementations[hook]))
    return module
