"""The soak's records, in the load format of ``techoms load`` (spec §9).

Lines use the sandbox's generated catalogue ``SKU-000001`` ...; every tenth
item receives by the case of 12, so receipts also exercise unit conversion.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Items the sandbox generates for the soak.
CATALOGUE_SIZE = 40
#: The techOMS warehouse of the soak's channel.
WAREHOUSE = "MAIN"


def catalogue_sku(n: int) -> str:
    return f"SKU-{(n - 1) % CATALOGUE_SIZE + 1:06d}"


def _lines(n: int) -> list[tuple[int, str, int]]:
    return [(line, catalogue_sku(n * 3 + line), 1 + (n + line) % 3) for line in range(1, 2 + n % 3)]


def shipment(n: int) -> dict[str, Any]:
    """Shipment ``S-{n:05d}`` with one to three lines."""
    return {
        "number": f"S-{n:05d}",
        "order_number": f"SO-{n:05d}",
        "warehouse": WAREHOUSE,
        "order_type": "B2C" if n % 4 else "B2B",
        "carrier": "UPS",
        "service": "Ground",
        "ship_to": {
            "name": f"Customer {n}",
            "company": "Analytical Engines",
            "address1": f"{n} Analytical Way",
            "city": "Reno",
            "state_code": "NV",
            "postal_code": "89501",
            "country_code": "US",
            "phone": "+1 775 555 0100",
            "email": f"customer{n}@example.com",
            "residential": bool(n % 2),
        },
        "lines": [
            {"line_number": i, "sku": sku, "quantity": qty, "references": {}}
            for i, sku, qty in _lines(n)
        ],
        "references": {"customer_po": f"PO-{n}"},
    }


def receipt(n: int) -> dict[str, Any]:
    """Receipt ``R-{n:05d}`` with one to three lines (quantities in whole cases)."""
    return {
        "number": f"R-{n:05d}",
        "po_number": f"PO-{n:05d}",
        "warehouse": WAREHOUSE,
        "supplier": {"code": "ACME", "name": "Acme Supplies"},
        "expected_date": "2030-01-15",
        "lines": [
            {
                "line_number": i,
                "sku": sku,
                "quantity": qty * 12,
                "unit_cost": "2.50",
                "lot_number": f"LOT-{n % 7}",
            }
            for i, sku, qty in _lines(n)
        ],
        "references": {},
    }


def write_load_file(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    return path
