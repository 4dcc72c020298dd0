"""What the Leanafy plugin declares: key, settings, features, export fields.

The declaration is pure data, built once at import time; a mistake in it
fails the import with a message that names the setting.
"""

from __future__ import annotations

from plugins.leanafy import __version__
from plugins.leanafy.contract import BASE_PATH, Arn, Header, Order
from plugins.leanafy.errors import ERROR_TABLE, SERVICE_NAME, parse_error
from techoms_core.http.conventions import WireConventions
from techoms_core.models import Feature, PluginDeclaration, ReferenceLevel
from techoms_core.settings import FieldType, Section, SettingsField, SettingsSchema
from techoms_core.throughput import (
    CONCURRENCY_SETTING,
    RATE_SETTING,
    STANDARD_PROFILES,
    THROUGHPUT_SETTING,
    CustomLimits,
    throughput_settings,
)

KEY = "leanafy"
DISPLAY_NAME = "Leanafy"


class Setting:
    """The keys of Leanafy's settings, as the hooks read them."""

    API_URL = "api_url"
    API_KEY = "api_key"
    API_SECRET = "api_secret"
    THROUGHPUT = THROUGHPUT_SETTING
    CONCURRENT_REQUESTS = CONCURRENCY_SETTING
    REQUESTS_PER_SECOND = RATE_SETTING
    WAREHOUSE_ID = "warehouse_id"
    SUPPRESS_PII = "suppress_pii"


#: The highest cap a channel may set with the Custom throughput: twice High.
CUSTOM_LIMITS = CustomLimits(max_concurrency=32, max_requests_per_second=240)

SETTINGS = SettingsSchema(
    (
        SettingsField(
            key=Setting.API_URL,
            label="Api Url",
            type=FieldType.URL,
            required=True,
            help="Leanafy's address, without /v1 (https; plain http only for a loopback host).",
        ),
        SettingsField(key=Setting.API_KEY, label="Api Key", type=FieldType.SECRET, required=True),
        SettingsField(
            key=Setting.API_SECRET, label="Api Secret", type=FieldType.SECRET, required=True
        ),
        *throughput_settings(
            STANDARD_PROFILES,
            custom=CUSTOM_LIMITS,
            help="How hard techOMS may drive Leanafy.",
        ),
        SettingsField(
            key=Setting.WAREHOUSE_ID,
            label="Leanafy warehouse",
            type=FieldType.TEXT,
            choices_from=(Setting.API_URL, Setting.API_KEY, Setting.API_SECRET),
            help="The Leanafy warehouse this channel serves, chosen from the account's "
            "warehouses once the Api Url, Api Key and Api Secret are valid (its id, 24 hex "
            "digits). Leave empty when the Leanafy account has one warehouse.",
        ),
        SettingsField(
            key=Setting.SUPPRESS_PII,
            label="Suppress PII",
            type=FieldType.BOOL,
            section=Section.ADVANCED,
            default=False,
            help="Do not send the customer's name, company, email, phone or address lines.",
        ),
    )
)

FEATURES = frozenset(
    {
        Feature.SKU_MAPPING,
        Feature.CARRIER_MAPPING,
        Feature.SO_REFERENCE_MAPPING,
        Feature.PO_REFERENCE_MAPPING,
        Feature.SUPPRESS_PII,
        Feature.LOT_NUMBERS,
        Feature.MANUAL_INVENTORY_SYNC,
        Feature.AUTO_INVENTORY_SYNC,
    }
)

#: Leanafy requires a description too, which techOMS does not (spec §8).
REQUIRED_EXPORT_FIELDS = ("name", "sku", "description", "uom")

#: The order and ARN properties a reference mapping may target. Leanafy's order
#: and ARN lines carry no free properties, so the line levels offer none.
REFERENCE_PROPERTIES = {
    ReferenceLevel.SALES_ORDER: (
        Order.PRIMARY_REFERENCE_NUMBER.value,
        Order.INSTRUCTIONS.value,
        Order.DUE_DATE.value,
    ),
    ReferenceLevel.PURCHASE_ORDER: (
        Arn.PRIMARY_REFERENCE_NUMBER.value,
        Arn.PO_NUMBER.value,
        Arn.INSTRUCTIONS.value,
        Arn.EXPECTED_DATE.value,
    ),
}

DECLARATION = PluginDeclaration(
    key=KEY,
    display_name=DISPLAY_NAME,
    version=__version__,
    settings=SETTINGS,
    description="Leanafy WMS: products, inventory, orders (shipments) and ARNs (receipts).",
    features=FEATURES,
    required_export_fields=REQUIRED_EXPORT_FIELDS,
    throughput_profiles=STANDARD_PROFILES,
    reference_properties=REFERENCE_PROPERTIES,
    wire=WireConventions(
        service_name=SERVICE_NAME,
        error_table=ERROR_TABLE,
        error_parser=parse_error,
        base_url_setting=Setting.API_URL,
        base_path=BASE_PATH,
        auth_headers={
            Header.API_KEY.value: Setting.API_KEY,
            Header.API_SECRET.value: Setting.API_SECRET,
        },
    ),
)
