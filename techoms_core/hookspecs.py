"""Hook specifications: every capability a fulfillment channel can have.

A channel plugin is a module (or object) with functions named after these hooks
and marked with :data:`techoms_core.hookimpl`. It implements only what its WMS
supports: the channel's Sync menu is derived from the hooks it implements
(spec §3), so a missing hook is a missing menu entry, never an error at run time.

Every hook except :func:`channel_declaration` receives a
:class:`~techoms_core.context.ChannelContext` as ``context``: the channel's
validated settings, its mappings, an HTTP session that already enforces the
throughput cap, timeouts, retries and secret redaction, a logger, and the
throughput profile. A plugin needs nothing else.

Records reach a plugin with SKUs already translated to channel SKUs, and a
plugin hands back channel SKUs: the core applies SKU mappings both ways.
Products missing a declared ``required_export_fields`` value and duplicate SKUs
in a batch never reach the plugin either; the core reports them.

Shapes, as the runner uses them:

* **send** hooks take a batch (a list) of records and return (or yield) exactly
  one :class:`~techoms_core.models.RecordResult` per record, keyed by the
  record's ``key``, in any order. One bad record never stops the others. A send
  must be **idempotent**: run twice with the same batch, or re-run after a
  crash at any point, it never creates a second record in the WMS. Set
  ``remote_id`` to the WMS's id on ``ok`` (and on ``skipped`` when the record was
  already there), so the host binds its record to the WMS's.
* **receive** hooks take the ``cursor`` returned by the last committed page
  (``None`` the first time) and yield :class:`~techoms_core.models.Page` objects.
  The host commits a page's records and its cursor in one transaction, so each
  page's cursor must cover exactly what the page holds. Resuming from a cursor
  may repeat records of the page boundary (the host applies a repeated update as
  a no-op) but must never skip one. The runner asks for the next page while the
  host applies the current one (on another thread, one page ahead), so work out
  where the next page starts from the pages read, never from what the host
  has stored meanwhile.
* **snapshot** hooks (inventory) yield pages of a complete snapshot; the host
  replaces what it holds once the last page has arrived. One that reads the
  whole list before its first page calls ``context.report_read(rows, total)``
  as it reads, so the run's progress moves meanwhile.

A hook raises only for failures of the whole call (invalid credentials, the WMS
unreachable past the retry budget): the run stops, what was committed stays,
and the next run resumes. Failures of one record are results, not exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext
    from techoms_core.models import (
        HealthReport,
        InventoryLevel,
        Page,
        PluginDeclaration,
        Product,
        Receipt,
        ReceiptUpdate,
        RecordResult,
        Shipment,
        ShipmentUpdate,
    )
    from techoms_core.settings import Choice, SettingsField

PROJECT_NAME = "techoms"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


@hookspec(firstresult=True)
def channel_declaration() -> PluginDeclaration:
    """Declare what the plugin is: key, name, version, settings, features.

    Sync option: none; called once when the plugin is loaded.

    :returns: the plugin's :class:`~techoms_core.models.PluginDeclaration`. Its
        ``key`` must equal the entry point name the plugin is registered under.

    Duty: pure and fast, no I/O. Every plugin must implement it.
    """


@hookspec(firstresult=True)
def health_check(context: ChannelContext) -> HealthReport:
    """Check that the channel can work: reachable, credentials accepted, the
    configured warehouse authorised.

    Sync option: none; the channel's *Health Check* Quick Action.

    :param context: the channel context.
    :returns: a :class:`~techoms_core.models.HealthReport` with one
        :class:`~techoms_core.models.HealthCheck` per thing verified, each saying
        why it failed (unreachable, TLS, invalid credentials, warehouse not
        authorised) and, when the plugin times it, its own ``latency_ms``
        (:class:`techoms_core.health.Stopwatch`); and the whole check's latency
        (the framework times the hook when the report leaves it ``None``).

    Duty: never raises; every failure is a failed check in the report.
    """


@hookspec(firstresult=True)
def settings_field_choices(
    context: ChannelContext, field: SettingsField
) -> Sequence[Choice] | None:
    """List the choices of a setting whose choices the WMS holds, such as the
    warehouses an account may use.

    Sync option: none; a settings form calls it for each field declared with
    ``choices_from`` once every field named there has a valid value, and again
    whenever one of them changes (:func:`techoms_core.settings.form.evaluate_form`).

    :param context: a channel context built from the form as it stands: its
        settings hold the fields named by ``field.choices_from`` (other fields
        may be ``None``), and the channel may not be saved yet.
    :param field: the :class:`~techoms_core.settings.SettingsField` asked about.
    :returns: the field's choices, a sequence of
        :class:`~techoms_core.settings.Choice` (value as stored, label as shown)
        in display order; or ``None`` for a field whose choices the plugin does
        not supply, which the form then offers as a text field.

    Duty: read only and quick, as a person waits for it: a request or two,
    nothing created or changed in the WMS. Raise the session's error (e.g.
    :class:`~techoms_core.http.exceptions.InvalidCredentials`) when the WMS
    refuses: the form shows the field disabled with that message. A plugin
    without this hook gets a text field for every ``choices_from`` field.
    """


@hookspec(firstresult=True)
def import_products(context: ChannelContext, cursor: str | None) -> Iterator[Page[Product]]:
    """Read the WMS's product catalogue, changed since ``cursor``.

    Sync option: ``import-products``, menu label *Import Products from Channel*;
    offered only when this channel is the account's Master Product Source.

    :param context: the channel context.
    :param cursor: the cursor of the last committed page, or ``None`` for all.
    :returns: an iterator of :class:`~techoms_core.models.Page` of
        :class:`~techoms_core.models.Product`.

    Duty: receive shape. A duplicate SKU (trimmed, case-insensitive) is a
    ``skipped`` problem with a warning, not a record.
    """


@hookspec(firstresult=True)
def export_products(context: ChannelContext, products: Sequence[Product]) -> Iterable[RecordResult]:
    """Create products in the WMS.

    Sync option: ``export-products``, menu label *Export Products to Channel*;
    offered only when this channel is not the Master Product Source.

    :param context: the channel context.
    :param products: the batch; every product has the declared
        ``required_export_fields`` and a distinct SKU.
    :returns: one :class:`~techoms_core.models.RecordResult` per product, keyed by SKU.

    Duty: send shape, idempotent. A product that already exists in the WMS is
    ``skipped`` with ``remote_id`` set, never updated by this hook.
    """


@hookspec(firstresult=True)
def update_products(context: ChannelContext, products: Sequence[Product]) -> Iterable[RecordResult]:
    """Update products that exist in the WMS.

    Sync option: ``update-products``, menu label *Update Products in Channel*;
    offered only when this channel is not the Master Product Source. Implement
    it only if the WMS can update products.

    :param context: the channel context.
    :param products: the batch, distinct SKUs.
    :returns: one :class:`~techoms_core.models.RecordResult` per product, keyed by SKU.

    Duty: send shape, idempotent (an update repeated leaves the same state). A
    product missing in the WMS is ``failed`` with field ``sku``.
    """


@hookspec(firstresult=True)
def receive_inventory(context: ChannelContext) -> Iterator[Page[InventoryLevel]]:
    """Read the stock the WMS holds for the channel's warehouse.

    Sync option: ``receive-inventory``, menu label *Receive Inventory Levels
    from Channel*.

    :param context: the channel context.
    :returns: an iterator of pages of :class:`~techoms_core.models.InventoryLevel`,
        one level per SKU summed over lots, in base units; page cursors are ``None``.

    Duty: snapshot shape: each SKU appears once in the whole snapshot. The host
    replaces the warehouse's levels wholesale after the last page and reports
    SKUs it does not know as warnings. A SKU reported ``failed`` keeps the level
    the host holds. A snapshot without one readable level never replaces levels
    the host holds unless a page says ``empty_confirmed`` (the WMS confirms
    the warehouse is empty): the run fails and every level is kept.
    """


@hookspec(firstresult=True)
def send_shipments(
    context: ChannelContext, shipments: Sequence[Shipment]
) -> Iterable[RecordResult]:
    """Ask the WMS to fulfil shipments (create its orders).

    Sync option: ``send-shipments``, menu label *Send Shipments to Channel*.

    :param context: the channel context; carrier and reference mappings and the
        Suppress PII setting are the plugin's to apply.
    :param shipments: the batch, distinct numbers.
    :returns: one :class:`~techoms_core.models.RecordResult` per shipment, keyed
        by number, with the WMS order's id as ``remote_id``.

    Duty: send shape, idempotent: a shipment already in the WMS (found by its
    number) is ``skipped`` with its ``remote_id``, and after a create whose
    outcome is unknown the plugin looks again before creating again.
    """


@hookspec(firstresult=True)
def cancel_shipments(
    context: ChannelContext, shipments: Sequence[Shipment]
) -> Iterable[RecordResult]:
    """Cancel shipments previously sent to the WMS.

    Sync option: ``cancel-shipments``, menu label *Cancel Shipments in Channel*.
    Implement it only if the WMS can cancel orders through its API.

    :param context: the channel context.
    :param shipments: the batch of shipments to cancel.
    :returns: one :class:`~techoms_core.models.RecordResult` per shipment.

    Duty: send shape, idempotent: cancelling a cancelled order is ``skipped``.
    """


@hookspec(firstresult=True)
def receive_shipments(
    context: ChannelContext, cursor: str | None
) -> Iterator[Page[ShipmentUpdate]]:
    """Read what the warehouse did with the shipments it was sent.

    Sync option: ``receive-shipments``, menu label *Receive Shipments from Channel*.

    :param context: the channel context; inbound carrier mappings are the
        plugin's to apply to packages.
    :param cursor: the cursor of the last committed page, or ``None``.
    :returns: an iterator of pages of :class:`~techoms_core.models.ShipmentUpdate`:
        shipped (packages and shipped quantities in base units), short-shipped
        (kept by the host for review) or cancelled (with the WMS's reason).

    Duty: receive shape. Data errors (e.g. more shipped than ordered) are
    ``failed`` problems, never records. What is noticed but does not stop an
    update (a carrier with no inbound mapping, passed through) goes in its
    ``warnings``: the host then reports the applied update ``warning``.
    """


@hookspec(firstresult=True)
def send_receipts(context: ChannelContext, receipts: Sequence[Receipt]) -> Iterable[RecordResult]:
    """Tell the WMS which goods to expect (purchase-order receipts).

    Sync option: ``send-receipts``, menu label *Send Receipts to Channel*.

    :param context: the channel context.
    :param receipts: the batch, distinct numbers.
    :returns: one :class:`~techoms_core.models.RecordResult` per receipt, keyed
        by number, with the WMS's id as ``remote_id``.

    Duty: send shape, idempotent, with the same look-before-create rule as
    :func:`send_shipments`.
    """


@hookspec(firstresult=True)
def receive_receipts(context: ChannelContext, cursor: str | None) -> Iterator[Page[ReceiptUpdate]]:
    """Read receipts the warehouse has completed.

    Sync option: ``receive-receipts``, menu label *Receive Receipts from Channel*.

    :param context: the channel context.
    :param cursor: the cursor of the last committed page, or ``None``.
    :returns: an iterator of pages of :class:`~techoms_core.models.ReceiptUpdate`
        with received quantities in base units, lots and unit costs, which
        replace the expected ones.

    Duty: receive shape. Only completed receipts; partial receiving is not
    reported.
    """


@hookspec
def register_commands(cli: object) -> None:
    """Add commands to a host's command line (the reference host's ``techoms``).

    Sync option: none; called once by a host's command line when it starts,
    for every loaded plugin (not first-result: each plugin adds its own).

    :param cli: the host's root command group (a ``click.Group`` for
        ``techoms``); add commands with ``cli.add_command(...)``. A command
        named like one of the host's own is never reached: the host's wins.
    :returns: nothing.

    Duty: optional. Import what the commands need inside the hook, so the plugin
    still loads where the host's command line (click) is not installed. Leanafy
    adds ``techoms sandbox`` and ``techoms demo`` this way.
    """
