"""The records that travel between techOMS and a channel (attrs, frozen).

Each model validates itself: constructing one with a bad value raises
``ValueError``/``TypeError`` naming the field.
"""

from techoms_core.models.declaration import (
    EXPORTABLE_PRODUCT_FIELDS,
    Feature,
    PluginDeclaration,
    ReferenceLevel,
)
from techoms_core.models.inventory import InventoryLevel
from techoms_core.models.pages import Page
from techoms_core.models.products import Dimensions, Product, ProductUnit, UnitRole, Weight
from techoms_core.models.receipts import (
    Receipt,
    ReceiptLine,
    ReceiptUpdate,
    ReceivedLine,
    Supplier,
)
from techoms_core.models.results import HealthCheck, HealthReport, RecordResult, Status
from techoms_core.models.shipments import (
    Address,
    OrderType,
    Package,
    Shipment,
    ShipmentLine,
    ShipmentOutcome,
    ShipmentUpdate,
    ShippedLine,
)
from techoms_core.models.sku import sku_key

__all__ = [
    "EXPORTABLE_PRODUCT_FIELDS",
    "Address",
    "Dimensions",
    "Feature",
    "HealthCheck",
    "HealthReport",
    "InventoryLevel",
    "OrderType",
    "Package",
    "Page",
    "PluginDeclaration",
    "Product",
    "ProductUnit",
    "Receipt",
    "ReceiptLine",
    "ReceiptUpdate",
    "ReceivedLine",
    "RecordResult",
    "ReferenceLevel",
    "Shipment",
    "ShipmentLine",
    "ShipmentOutcome",
    "ShipmentUpdate",
    "ShippedLine",
    "Status",
    "Supplier",
    "UnitRole",
    "Weight",
    "sku_key",
]
