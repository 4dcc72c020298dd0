"""The demo: the whole story of a Leanafy channel, end to end, with real HTTP.

:func:`tell_the_story` runs against a Leanafy sandbox (a real HTTP server on
loopback) and a fresh techOMS database. Each chapter prints the ``techoms``
command a user would type, runs that very command in-process, and then checks
that what happened is what the narration says; a difference is reported and
makes ``techoms demo`` exit with status 1. Warehouse work (shipping, receiving)
is done through the sandbox's warehouse controls, as a warehouse worker would
in Leanafy.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from rich.text import Text

from plugins.leanafy.demo.narration import Narrator
from plugins.leanafy.sandbox import SandboxServer
from techoms_core.cli.app import CliState
from techoms_core.context import ChannelConfig, open_context
from techoms_core.menu import sync_menu

CHANNEL = "leanafy-demo"
WAREHOUSE = "MAIN"
KEY_VARIABLE, SECRET_VARIABLE = "LEANAFY_DEMO_API_KEY", "LEANAFY_DEMO_API_SECRET"
#: The demo's Leanafy SKU for techOMS's CAP-NAVY (a SKU mapping at work).
CAP_IN_LEANAFY = "LF-CAP-NAVY"
MENU_WITH_TECHOMS = [
    "export-products",
    "receive-inventory",
    "send-shipments",
    "receive-shipments",
    "send-receipts",
    "receive-receipts",
]
MENU_WITH_CHANNEL = ["import-products", *MENU_WITH_TECHOMS[1:]]
#: A load file with two mistakes in one record, to show a refused load.
BROKEN_SHIPMENTS = """[
  {"number": "S-9001", "order_number": "SO-9", "warehouse": "MAIN",
   "ship_to": {"city": "Reno", "country_code": "US"},
   "lines": [{"line_number": 1, "sku": "MUG-12OZ", "quantity": 0}]}
]"""


class Story(Narrator):
    """The chapters of the demo, told with a :class:`Narrator`.

    :param state: the CLI state the commands run with (host, registry, output,
        and an ``environ`` holding the sandbox credentials).
    :param sandbox: a running ``SandboxServer``.
    :param run_cli: runs one ``techoms`` command line in-process; its exit status.
    """

    def __init__(self, state: CliState, sandbox: Any, run_cli: Callable[[list[str]], int]) -> None:
        super().__init__(state, run_cli, CHANNEL)
        self.sandbox = sandbox
        self.files = resources.files("techoms_core.demo_data")

    def rows(self, kind: str) -> dict[str, dict[str, Any]]:
        host = self.state.host
        if kind == "inventory":
            return {row["sku"]: row for row in host.inventory_rows(WAREHOUSE)}
        rows = host.shipment_rows() if kind == "shipments" else host.receipt_rows()
        return {row["number"]: row for row in rows}

    def data_file(self, name: str) -> str:
        return str(self.files / name)

    # -- the chapters ------------------------------------------------------------

    def tell(self) -> list[str]:
        """Tell every chapter; returns what did not behave as narrated."""
        for chapter in (
            self.welcome,
            self.plugins,
            self.channel,
            self.health,
            self.menu,
            self.load,
            self.mappings,
            self.export_products,
            self.send,
            self.warehouse,
            self.receive_shipments,
            self.receive_receipts,
            self.receive_inventory,
            self.run_log,
        ):
            chapter()
        return self.mismatches

    def welcome(self) -> None:
        self.chapter(
            "techOMS + Leanafy, end to end",
            "techOMS is an order management system: it holds products, shipments (orders"
            " to ship) and receipts (goods expected from suppliers). A [bold]channel[/]"
            " connects it to a warehouse management system (WMS); here the WMS is"
            " Leanafy.",
            f"A Leanafy sandbox is serving Leanafy's API on {self.sandbox.url}: every"
            " request below is real HTTP. techOMS's side lives in a fresh SQLite"
            f" database, {self.state.db}.",
            "Leanafy already knows one of our products, SOCK-3PK (someone created it"
            " there by hand), and has 30 packs of it on the shelf.",
        )
        warehouse = self.sandbox.warehouse
        warehouse.create_items(
            [
                {
                    "sku": "SOCK-3PK",
                    "name": "Crew socks 3 pack",
                    "description": "Merino crew socks, three pairs",
                    "uom": "PK",
                    "base_unit": "PK",
                }
            ]
        )
        warehouse.set_inventory("SOCK-3PK", 30, warehouse_id=self.sandbox.warehouse_ids[0])

    def plugins(self) -> None:
        self.chapter(
            "1. The installed channel plugins",
            "Plugins are found through the `techoms.channels` entry point group. The table"
            " is techOMS's channel master list: what each plugin supports.",
        )
        self.techoms("plugins")
        self.expect("leanafy" in self.state.registry, "the Leanafy plugin is installed")

    def channel(self) -> None:
        self.chapter(
            "2. A Leanafy channel",
            "The Api Key and Api Secret are read from environment variables when the"
            " channel is used (`env:VAR`): only the references are stored, and secrets"
            " are masked wherever they are shown.",
        )
        self.techoms(
            "channel", "add", CHANNEL, "--plugin", "leanafy", "--warehouse", WAREHOUSE,
            "--set", f"api_url={self.sandbox.url}",
            "--set", f"api_key=env:{KEY_VARIABLE}",
            "--set", f"api_secret=env:{SECRET_VARIABLE}",
            "--set", f"warehouse_id={self.sandbox.warehouse_ids[0]}",
        )  # fmt: skip
        self.techoms("channel", "show", CHANNEL)

    def health(self) -> None:
        self.chapter(
            "3. Health check",
            "The Quick Action every channel has: is Leanafy reachable, are the"
            " credentials accepted, is our warehouse one of the account's?",
        )
        self.techoms("health", CHANNEL)
        config, plugin = self.state.channel(CHANNEL)
        wrong = {**config.settings, "api_key": "not-the-right-key"}
        with open_context(
            plugin.declaration,
            ChannelConfig(name=CHANNEL, plugin=config.plugin, settings=wrong),
            environ=self.state.environ,
        ) as context:
            report = plugin.health_check(context)
        self.out.print(
            Text.assemble("\nWith a wrong Api Key the same check says: ", (report.message, "red"))
        )
        self.expect(
            not report.ok and "credentials" in report.message,
            "a wrong Api Key fails the check naming the credentials",
            f"the report says {report.message!r}",
        )

    def menu(self) -> None:
        self.chapter(
            "4. The Sync menu, and the Master Product Source",
            "The menu is derived from the hooks the plugin implements: Leanafy cannot"
            " update products or cancel shipments, so those options never appear."
            " Product options also follow the account's Master Product Source, the one"
            " origin of product data: now techOMS.",
        )
        self.techoms("menu", CHANNEL)
        self.expect_menu(MENU_WITH_TECHOMS)
        self.say("\nMake Leanafy the Master Product Source: products then come FROM it.")
        self.techoms("account", "set", "--master-product-source", CHANNEL)
        self.techoms("menu", CHANNEL)
        self.expect_menu(MENU_WITH_CHANNEL)
        self.say("\nAsking for an option Leanafy does not have is a clear error:")
        self.techoms("sync", CHANNEL, "update-products", expect_status=1)
        self.say("\nBack to techOMS as the Master Product Source for the rest of the story.")
        self.techoms("account", "set", "--master-product-source", "techoms")
        self.expect_menu(MENU_WITH_TECHOMS)

    def expect_menu(self, wanted: list[str]) -> None:
        _, plugin = self.state.channel(CHANNEL)
        source = self.state.host.master_product_source()
        got = [option.key for option in sync_menu(plugin, CHANNEL, source)]
        self.expect(got == wanted, f"the menu is {', '.join(wanted)}", f"it is {got}")

    def load(self) -> None:
        self.chapter(
            "5. Sample data",
            "Load files are JSON arrays. A file is checked whole first: one bad record"
            " and nothing is loaded, every problem named by index, key and field.",
        )
        with tempfile.TemporaryDirectory(prefix="techoms-demo-") as scratch:
            broken = Path(scratch) / "broken-shipments.json"
            broken.write_text(BROKEN_SHIPMENTS, encoding="utf-8")
            self.techoms("load", "shipments", str(broken), expect_status=1)
        self.expect(not self.state.host.shipment_rows(), "nothing of the broken file is loaded")
        self.say("\nNow the good files:")
        for kind in ("products", "shipments", "receipts"):
            self.techoms("load", kind, self.data_file(f"{kind}.json"))
        self.techoms("show", "products")

    def mappings(self) -> None:
        self.chapter(
            "6. Mappings",
            "techOMS says carrier UPS, service Ground; Leanafy calls it UPS / UPS Ground."
            " And our CAP-NAVY is LF-CAP-NAVY in Leanafy. The core translates both"
            " ways, for every plugin.",
        )
        self.techoms("map", "carrier", CHANNEL, "UPS", "UPS Ground", "UPS", "Ground", "--primary")
        self.techoms("map", "carrier", CHANNEL, "FedEx", "FedEx 2Day", "FedEx", "2Day")
        self.techoms("map", "sku", CHANNEL, "CAP-NAVY", CAP_IN_LEANAFY)

    def export_products(self) -> None:
        self.chapter(
            "7. Export products to Leanafy",
            "Leanafy needs Name, SKU, Description and UOM. STICKER-LOGO has no"
            " description: it fails before any request, naming the field. SOCK-3PK is"
            " already in Leanafy: skipped, never updated. One failed record gives exit"
            " status 1 on the command line, and never stops the others.",
        )
        summary = self.sync("export-products")
        self.expect_results(
            summary,
            {
                "TEE-BLK-M": "ok",
                "MUG-12OZ": "ok",
                "CAP-NAVY": "ok",
                "BOTTLE-750": "ok",
                "SOCK-3PK": "skipped",
                "STICKER-LOGO": "failed",
            },
        )
        self.expect(
            self.sandbox.warehouse.item(CAP_IN_LEANAFY) is not None,
            f"CAP-NAVY exists in Leanafy as {CAP_IN_LEANAFY}",
        )

    def send(self) -> None:
        self.chapter(
            "8. Send shipments and receipts",
            "Each shipment becomes a Leanafy order, each receipt an ARN (advance"
            " receiving notice). Our numbers travel as primary_reference_number.",
        )
        shipments = self.sync("send-shipments")
        self.expect(
            shipments.counts == {"ok": 4, "skipped": 0, "warning": 0, "failed": 0},
            "4 shipments are sent, no warning",
            f"counts are {shipments.counts}",
        )
        receipts = self.sync("send-receipts")
        self.expect(receipts.counts["ok"] == 2, "2 receipts are sent", f"{receipts.counts}")
        self.say(
            "\nSends are idempotent: run it again and nothing is sent twice (only"
            " records still 'ready' are read, and the plugin looks before it creates)."
        )
        again = self.sync("send-shipments")
        self.expect(sum(again.counts.values()) == 0, "the second run sends nothing")
        self.expect(len(self.sandbox.warehouse.orders()) == 4, "Leanafy holds exactly 4 orders")
        self.techoms("show", "shipments")

    def warehouse(self) -> None:
        self.chapter(
            "9. Meanwhile, in the Leanafy warehouse",
            "(Done through the sandbox's warehouse controls, as people would in Leanafy.)",
        )
        floor = self.sandbox.warehouse
        main = self.sandbox.warehouse_ids[0]
        arn = {a["primary_reference_number"]: a["_id"] for a in floor.arns()}
        floor.close_arn(
            arn["R-2001"],
            [
                {"sku": "TEE-BLK-M", "received_qty": 52, "lot_number": "LOT-TEE-0601"},
                {"sku": "BOTTLE-750", "received_qty": 20, "lot_number": "L-2406",
                 "unit_cost": 6.25},
            ],
        )  # fmt: skip
        floor.receive(arn["R-2002"], [{"sku": CAP_IN_LEANAFY, "qty": 10}])
        floor.set_inventory("MUG-12OZ", 40, warehouse_id=main)
        order = {o["primary_reference_number"]: o["_id"] for o in floor.orders()}
        floor.ship(order["S-1001"])
        floor.ship(order["S-1002"], [{"lines": [{"sku": CAP_IN_LEANAFY, "qty": 2}]}])
        floor.ship(
            order["S-1003"],
            [
                {"lines": [{"sku": "BOTTLE-750", "qty": 12}], "cost": {"value": 18.4}},
                {"lines": [{"sku": "MUG-12OZ", "qty": 6}], "cost": {"value": 11.2}},
            ],
        )
        floor.cancel_order(order["S-1004"], reason="Customer cancelled by phone")
        self.say(
            "  ARN R-2001 closed: TEE-BLK-M 52 received of 50 (lot LOT-TEE-0601),"
            " BOTTLE-750 20 of 24 (lot L-2406, unit cost 6.25 instead of 6.10)",
            "  ARN R-2002 partly received: 10 of 24 caps so far (still open)",
            "  40 mugs counted on the shelf",
            "  S-1001 shipped in full, one package",
            "  S-1002 shipped short: 2 of 3 caps",
            "  S-1003 shipped in two packages",
            "  S-1004 cancelled: customer cancelled by phone",
        )

    def receive_shipments(self) -> None:
        self.chapter(
            "10. Receive shipments",
            "Shipped and cancelled orders come back. One Leanafy shipment is one"
            " package. A short-shipped order is not applied: it is kept for review,"
            " where a person accepts it (what the warehouse shipped is applied) or dismisses it.",
        )
        summary = self.sync("receive-shipments")
        self.expect_results(summary, {"S-1001": "ok", "S-1003": "ok", "S-1004": "ok"})
        rows = self.rows("shipments")
        self.expect(rows["S-1001"]["status"] == "shipped", "S-1001 is shipped")
        first = (rows["S-1001"].get("packages") or [{}])[0]
        self.expect(
            (first.get("carrier"), first.get("service")) == ("UPS", "Ground"),
            "S-1001's package is UPS / Ground again (mapped back)",
            f"it is {first.get('carrier')} / {first.get('service')}",
        )
        self.expect(len(rows["S-1003"].get("packages") or []) == 2, "S-1003 has two packages")
        self.expect(rows["S-1004"]["status"] == "cancelled", "S-1004 is cancelled")
        self.expect(rows["S-1002"]["status"] == "sent", "S-1002 (short) is not applied")
        review = [i for i in self.state.host.review_items(CHANNEL) if i.shipment_number == "S-1002"]
        self.expect(bool(review), "S-1002 is kept for review")
        self.techoms("show", "shipments")
        if review:
            self.say("  A person looks at it and accepts what the warehouse shipped:")
            self.techoms("review", "list")
            self.techoms("review", "accept", str(review[0].id))
            cap = self.rows("shipments")["S-1002"]
            self.expect(
                cap["status"] == "shipped" and cap["lines"][0]["shipped_quantity"] == 2,
                "S-1002 is shipped: 2 of 3 caps",
                f"it is {cap['status']}",
            )

    def receive_receipts(self) -> None:
        self.chapter(
            "11. Receive receipts",
            "Only closed ARNs come back, and what Leanafy received is the truth: over"
            " and under quantities, lots and unit costs replace what was expected."
            " R-2002 is still being received: partial receipts are not pulled.",
        )
        summary = self.sync("receive-receipts")
        self.expect_results(summary, {"R-2001": "ok"})
        rows = self.rows("receipts")
        lines = {line["sku"]: line for line in rows["R-2001"]["lines"]}
        self.expect(rows["R-2001"]["status"] == "received", "R-2001 is received")
        self.expect(
            lines["TEE-BLK-M"].get("received_quantity") == 52
            and lines["TEE-BLK-M"].get("lot_number") == "LOT-TEE-0601",
            "TEE-BLK-M: 52 received, lot LOT-TEE-0601",
            f"the line is {lines['TEE-BLK-M']}",
        )
        bottle = lines["BOTTLE-750"]
        self.expect(
            bottle.get("received_quantity") == 20 and str(bottle.get("unit_cost")) == "6.25",
            "BOTTLE-750: 20 received at 6.25",
            f"the line is {bottle}",
        )
        self.expect(rows["R-2002"]["status"] == "sent", "R-2002 (partial) is not pulled")
        self.techoms("show", "receipts")

    def receive_inventory(self) -> None:
        self.chapter(
            "12. Receive inventory levels",
            "A snapshot of what Leanafy holds for our warehouse, in techOMS SKUs"
            " (LF-CAP-NAVY comes back as CAP-NAVY), replacing the levels wholesale.",
        )
        self.sync("receive-inventory")
        levels = {sku: row.get("on_hand") for sku, row in self.rows("inventory").items()}
        wanted = {"TEE-BLK-M": 50, "MUG-12OZ": 33, "CAP-NAVY": 8, "BOTTLE-750": 8, "SOCK-3PK": 30}
        for sku, on_hand in wanted.items():
            self.expect(
                levels.get(sku) == on_hand, f"{sku}: {on_hand} on hand", f"{levels.get(sku)}"
            )
        self.techoms("show", "inventory")

    def run_log(self) -> None:
        self.chapter(
            "13. The run log",
            "Every run, how it ended, its counts, and each record's message.",
        )
        self.techoms("log", CHANNEL, "--limit", "20")


def tell_the_story(
    state: CliState,
    run_cli: Callable[[list[str]], int],
    *,
    then: Callable[[SandboxServer], None] | None = None,
) -> list[str]:
    """Start a sandbox, tell the story, stop the sandbox; what did not behave as narrated.

    ``state.environ`` must hold the sandbox credentials under
    :data:`KEY_VARIABLE` and :data:`SECRET_VARIABLE`. ``then``, when the story
    behaved as narrated, is called with the sandbox still running (the demo's
    ``--console`` serves the console there).
    """
    with SandboxServer(
        port=0,
        api_key=state.environ[KEY_VARIABLE],
        api_secret=state.environ[SECRET_VARIABLE],
        seed="empty",
    ) as sandbox:
        mismatches = Story(state, sandbox, run_cli).tell()
        if then is not None and not mismatches:
            then(sandbox)
    return mismatches
