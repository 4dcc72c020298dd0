"""The warehouse's part of the soak: ship, split, cancel and close what techOMS sent.

Everything goes through the sandbox's warehouse floor (never subject to
faults), with choices drawn from the soak's seeded random stream.
"""

from __future__ import annotations

import random

from plugins.leanafy.sandbox import SandboxServer

CANCEL_SHARE = 0.1
TWO_PACKAGE_SHARE = 0.2
CLOSE_SHARE = 0.3
ADJUSTED_RECEIPT_SHARE = 0.2


def ship_everything(sandbox: SandboxServer, rng: random.Random) -> None:
    """Every open order leaves (one or two packages, some then closed) or is cancelled."""
    floor = sandbox.warehouse
    for order in floor.orders():
        draw = rng.random()
        if draw < CANCEL_SHARE:
            floor.cancel_order(order["_id"], "Customer changed their mind")
            continue
        floor.ship(
            order["_id"], _packages(order, rng, split=draw < CANCEL_SHARE + TWO_PACKAGE_SHARE)
        )
        if rng.random() < CLOSE_SHARE:
            floor.close_order(order["_id"])


def _packages(order: dict, rng: random.Random, *, split: bool) -> list[dict] | None:
    code = order["code"]
    first = order["items"][0]
    if not split or sum(item["total_qty"] for item in order["items"]) < 2:
        return [{"tracking_number": f"1Z{code:08d}A", "cost": {"value": 7.5, "currency": "USD"}}]
    # One unit of the first line leaves first; the second box takes the rest.
    return [
        {"tracking_number": f"1Z{code:08d}A", "lines": [{"sku": first["sku"], "qty": 1}]},
        {
            "tracking_number": f"1Z{code:08d}B",
            "cost": {"value": rng.randint(5, 20), "currency": "USD"},
        },
    ]


def close_every_arn(sandbox: SandboxServer, rng: random.Random) -> None:
    """Every ARN is closed: most as expected, some over- or under-received."""
    floor = sandbox.warehouse
    for arn in floor.arns():
        if rng.random() >= ADJUSTED_RECEIPT_SHARE:
            floor.close_arn(arn["_id"])
            continue
        first = arn["items"][0]
        received = max(0, first["expected_qty"] + rng.choice((-1, 1)))
        floor.close_arn(arn["_id"], [{"line": 0, "received_qty": received}])
