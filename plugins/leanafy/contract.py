"""Leanafy's wire contract: every path, header, field name, status value and error code.

This is the one module to change when a real Leanafy instance disagrees with
the project's model of its API (``leanafy-api.md``). Nothing else in the plugin
spells a Leanafy name: the client, the mapping and the hooks read them from here.

Each name is marked as Leanafy's reference shows it (**[doc]**) or as this
project models it (**[model]**); ``docs/leanafy.md`` lists the same split.
"""

from __future__ import annotations

import enum

# -- Conventions --------------------------------------------------------------

#: The API lives under ``{Api Url}/v1`` [doc].
BASE_PATH = "/v1"
#: Leanafy's own sandbox host [doc]; production is configuration.
LEANAFY_SANDBOX_URL = "https://nova-sandbox.leanafywms.com"
#: Lists take ``limit`` up to this many records per page [model].
MAX_PAGE_SIZE = 500
#: The page size Leanafy uses when none is asked for [model].
DEFAULT_PAGE_SIZE = 100
#: Records per page when a receive reads changes: the most Leanafy gives, so a
#: receive costs one request per 500 records (tests lower it to cross pages).
RECEIVE_PAGE_SIZE = MAX_PAGE_SIZE
#: The most pages one read of a list takes before it is stopped as endless
#: (10 million records at 500 a page) [techOMS].
MAX_LIST_PAGES = 20_000
#: The longest value (URL-encoded) one lookup may carry, and the most
#: characters of values in one lookup's query: beyond them a server answers
#: 414 URI Too Long [model: a common 8 KB request-line limit, with room].
MAX_LOOKUP_VALUE_LENGTH = 1_000
MAX_LOOKUP_QUERY_LENGTH = 6_000
#: A repeatable filter (``sku``, ``primary_reference_number``) takes up to this many values [model].
MAX_FILTER_VALUES = 100


class Path(enum.StrEnum):
    """Endpoint paths, relative to ``{Api Url}/v1``."""

    ME = "/me"  # [model] who the credentials belong to
    ITEM = "/item"  # [doc: fetch by SKU; model: path] create and fetch one item
    ITEMS = "/items"  # [model] list, filter by repeatable sku
    INVENTORY = "/inventory"  # [doc: by SKU; model: the rest]
    ORDER = "/order"  # [doc] create, fetch by _id
    ORDERS = "/orders"  # [doc: _ids, shipped dates; model: the rest]
    ARN = "/arn"  # [model] create, fetch by _id
    ARNS = "/arns"  # [model] list


class Header(enum.StrEnum):
    """HTTP headers Leanafy reads or sends."""

    API_KEY = "X-API-Key"  # [doc] on every call
    API_SECRET = "X-API-Secret"  # [model] on every call
    REQUEST_ID = "X-Request-Id"  # [model] on every answer; logged with every failure
    RETRY_AFTER = "Retry-After"  # [model] on 429, seconds
    RATE_LIMIT = "X-RateLimit-Limit"  # [model]
    RATE_LIMIT_REMAINING = "X-RateLimit-Remaining"  # [model]


class Query(enum.StrEnum):
    """Query parameters of the list and fetch endpoints [model unless noted]."""

    PAGE = "page"
    LIMIT = "limit"
    UPDATED_FROM = "updated_from"  # inclusive
    SKU = "sku"  # [doc on inventory and item fetch] repeatable on lists
    STATUS = "status"  # repeatable
    PRIMARY_REFERENCE_NUMBER = "primary_reference_number"  # repeatable
    ID = "_id"  # [doc] order fetch


class Envelope(enum.StrEnum):
    """The body of every answer: ``{success, payload, meta}`` or ``{success, error}``."""

    SUCCESS = "success"  # [doc]
    PAYLOAD = "payload"  # [doc]
    META = "meta"  # [model] on lists
    ERROR = "error"  # [model]


class Meta(enum.StrEnum):
    """A list's paging metadata [model]."""

    PAGE = "page"
    LIMIT = "limit"
    TOTAL = "total"
    HAS_MORE = "has_more"


class ErrorBody(enum.StrEnum):
    """The error envelope's ``error`` object [model]."""

    CODE = "code"
    MESSAGE = "message"
    FIELDS = "fields"  # on 422 only: {"items[0].sku": "unknown sku"}


class ErrorCode(enum.StrEnum):
    """``error.code`` values, one per status [model]."""

    BAD_REQUEST = "bad_request"  # 400
    INVALID_CREDENTIALS = "invalid_credentials"  # 401
    FORBIDDEN_WAREHOUSE = "forbidden_warehouse"  # 403
    NOT_FOUND = "not_found"  # 404
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405: updates and cancels
    DUPLICATE_SKU = "duplicate_sku"  # 409: an item create whose SKU exists
    VALIDATION_ERROR = "validation_error"  # 422
    RATE_LIMITED = "rate_limited"  # 429


#: A field path in ``error.fields``: ``items[0].sku`` [model].
FIELD_PATH_SEPARATOR = "."


# -- Shared shapes ------------------------------------------------------------

ID = "_id"  # [doc] 24-hex strings
CREATED_AT = "created_at"  # [model] RFC 3339 UTC
UPDATED_AT = "updated_at"  # [model] RFC 3339 UTC; lists are ordered by (updated_at, _id)


class Me(enum.StrEnum):
    """``GET /v1/me`` payload [model]."""

    CLIENT = "client"
    WAREHOUSES = "warehouses"
    ID = "_id"
    NAME = "name"


class Measure(enum.StrEnum):
    """``weight`` {value, unit} and ``dimensions`` {length, width, height, unit} [model]."""

    VALUE = "value"
    UNIT = "unit"
    LENGTH = "length"
    WIDTH = "width"
    HEIGHT = "height"


class Money(enum.StrEnum):
    """A shipment's ``cost`` [doc]."""

    VALUE = "value"
    CURRENCY = "currency"


# -- Items ----------------------------------------------------------------------


class Item(enum.StrEnum):
    """An item (product) [doc fields unless noted]."""

    ID = "_id"
    SKU = "sku"  # unique; matched trimmed, case-insensitively [model]
    NAME = "name"  # required [model]
    DESCRIPTION = "description"  # required [model]
    UOM = "uom"  # required [doc]
    BASE_UNIT = "base_unit"  # required [doc]
    RECEIVING_UNIT = "receiving_unit"
    RECEIVING_UNIT_BASE_CONVERSION = "receiving_unit_base_conversion"
    SHIPPING_UNIT = "shipping_unit"
    SHIPPING_UNIT_BASE_CONVERSION = "shipping_unit_base_conversion"
    SCANNABLE = "scannable"  # the barcode a scanner reads
    WEIGHT = "weight"  # [model]
    DIMENSIONS = "dimensions"  # [model]
    CREATED_AT = "created_at"  # [model]
    UPDATED_AT = "updated_at"  # [model]


# -- Inventory ------------------------------------------------------------------


class InventoryRow(enum.StrEnum):
    """One inventory row: one SKU and lot, quantities in base units [doc]."""

    ITEM_ID = "item_id"
    SKU = "sku"
    WAREHOUSE_ID = "warehouse_id"
    ON_HAND = "on_hand"
    ALLOCATED = "allocated"
    AVAILABLE = "available"
    UNIT = "unit"
    LOT_NUMBER = "lot_number"
    EXPIRY_DATE = "expiry_date"
    UPDATED_AT = "updated_at"


# -- Orders ---------------------------------------------------------------------


class Order(enum.StrEnum):
    """An order: the create body and the fetched order [doc unless noted]."""

    ID = "_id"
    CODE = "code"  # an integer Leanafy assigns
    WAREHOUSE_ID = "warehouse_id"  # [model] in the create body
    CLIENT_ID = "client_id"
    CLIENT_NAME = "client_name"
    STATUS = "status"
    PRIMARY_REFERENCE_NUMBER = "primary_reference_number"  # our shipment number
    INSTRUCTIONS = "instructions"
    SHIPPING_ADDRESS = "shipping_address"
    BILLING_ADDRESS = "billing_address"
    IS_BILLING_SAME_AS_SHIPPING = "is_billing_same_as_shipping"
    ITEMS = "items"
    DEFAULT_SHIPPING_CARRIER = "default_shipping_carrier"
    CUSTOMER_TYPE = "customer_type"  # B2C / B2B
    DUE_DATE = "due_date"
    SHIPPED_AT = "shipped_at"
    SHIPMENTS = "shipments"
    CANCELLED_REASON = "cancelled_reason"  # [model]
    CREATED_AT = "created_at"  # [model]
    UPDATED_AT = "updated_at"  # [model]


class Address(enum.StrEnum):
    """``shipping_address`` / ``billing_address`` [doc]."""

    NAME = "name"
    EMAIL = "email"
    COMPANY = "company"
    ADDRESS_LINE1 = "address_line1"
    ADDRESS_LINE2 = "address_line2"
    CITY = "city"
    STATE = "state"
    STATE_CODE = "state_code"
    COUNTRY = "country"
    COUNTRY_CODE = "country_code"
    ZIP = "zip"
    PHONE_NUMBER = "phone_number"  # {country_code, number}
    RESIDENTIAL = "residential"


class PhoneNumber(enum.StrEnum):
    """``phone_number`` [doc]."""

    COUNTRY_CODE = "country_code"
    NUMBER = "number"


class Carrier(enum.StrEnum):
    """``default_shipping_carrier`` [doc]."""

    NAME = "name"
    ID = "id"
    SERVICE = "service"
    PRICE = "price"


class OrderItem(enum.StrEnum):
    """One line of an order [doc]."""

    ITEM_ID = "item_id"
    SKU = "sku"
    NAME = "name"
    DESCRIPTION = "description"
    SCANNABLE = "scannable"
    TOTAL_QTY = "total_qty"  # a positive integer, in ``unit``
    UNIT = "unit"
    BASE_UNIT = "base_unit"
    BASE_CONVERSION_RATE = "base_conversion_rate"
    SHIPPED_QTY = "shipped_qty"
    SHIPPED_QTY_UNIT = "shipped_qty_unit"


class OrderShipment(enum.StrEnum):
    """One Leanafy shipment of an order: one package [doc unless noted]."""

    SHIPMENT_ID = "shipment_id"
    SHIPMENT_STATUS = "shipment_status"
    CARRIER = "carrier"
    SERVICE = "service"
    COST = "cost"  # {value, currency}
    TRACKING_NUMBER = "tracking_number"
    SHIPPED_AT = "shipped_at"  # [model]
    WEIGHT = "weight"  # [model]
    DIMENSIONS = "dimensions"  # [model]


class OrderStatus(enum.StrEnum):
    """An order's ``status`` [model set; doc shows shipped, closed]."""

    OPEN = "open"
    ALLOCATED = "allocated"
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class CustomerType(enum.StrEnum):
    """``customer_type`` [doc]."""

    B2C = "B2C"
    B2B = "B2B"


#: Orders whose goods have left the warehouse.
SHIPPED_ORDER_STATUSES: tuple[OrderStatus, ...] = (OrderStatus.SHIPPED, OrderStatus.CLOSED)
#: What receive-shipments asks for: shipped, closed and cancelled orders.
RECEIVED_ORDER_STATUSES: tuple[OrderStatus, ...] = (*SHIPPED_ORDER_STATUSES, OrderStatus.CANCELLED)


# -- ARNs -----------------------------------------------------------------------


class Arn(enum.StrEnum):
    """An ARN (advance receiving notice): the create body and the fetched ARN [model]."""

    ID = "_id"
    CODE = "code"
    STATUS = "status"
    PRIMARY_REFERENCE_NUMBER = "primary_reference_number"  # our receipt number
    PO_NUMBER = "po_number"
    SUPPLIER = "supplier"  # {name, code}
    EXPECTED_DATE = "expected_date"
    INSTRUCTIONS = "instructions"
    WAREHOUSE_ID = "warehouse_id"
    ITEMS = "items"
    CLOSED_AT = "closed_at"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


class Supplier(enum.StrEnum):
    """An ARN's ``supplier`` [model]."""

    NAME = "name"
    CODE = "code"


class ArnItem(enum.StrEnum):
    """One line of an ARN [model]."""

    ITEM_ID = "item_id"
    SKU = "sku"
    EXPECTED_QTY = "expected_qty"  # a positive integer, in ``unit``
    RECEIVED_QTY = "received_qty"  # in ``unit``
    UNIT = "unit"
    BASE_UNIT = "base_unit"
    BASE_CONVERSION_RATE = "base_conversion_rate"
    UNIT_COST = "unit_cost"  # per ``unit``
    LOT_NUMBER = "lot_number"
    EXPIRY_DATE = "expiry_date"


class ArnStatus(enum.StrEnum):
    """An ARN's ``status`` [model]: open -> receiving -> closed, or cancelled."""

    OPEN = "open"
    RECEIVING = "receiving"  # partly received: not pulled
    CLOSED = "closed"  # completed: received quantities are the truth
    CANCELLED = "cancelled"


#: What receive-receipts asks for: closed ARNs only.
RECEIVED_ARN_STATUSES: tuple[ArnStatus, ...] = (ArnStatus.CLOSED,)
