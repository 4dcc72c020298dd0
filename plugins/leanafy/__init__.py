"""The Leanafy channel: techOMS's fulfillment channel for the Leanafy WMS.

Registered under the ``techoms.channels`` entry point as
``leanafy = plugins.leanafy.hooks``. Its Sync menu is derived from the hooks
:mod:`plugins.leanafy.hooks` implements: import/export products (gated by the
Master Product Source), receive inventory, send/receive shipments (Leanafy
orders) and send/receive receipts (Leanafy ARNs). Leanafy cannot update
products or cancel orders through its API, so those hooks do not exist.

How the modules divide the work (data flows one way: hook -> capability ->
client -> wire, and back):

* :mod:`~plugins.leanafy.hooks`: the hook implementations, thin.
* :mod:`~plugins.leanafy.declaration`: key, settings, features, export fields.
* capabilities: :mod:`~plugins.leanafy.health`, :mod:`~plugins.leanafy.products`
  (export, import, item lookups), :mod:`~plugins.leanafy.inventory`,
  :mod:`~plugins.leanafy.shipments` (orders), :mod:`~plugins.leanafy.receipts` (ARNs).
* :mod:`~plugins.leanafy.idempotency`: the framework's look-before-create
  sender told Leanafy's endpoints (orders, ARNs; SKU-protected items).
* :mod:`~plugins.leanafy.client`: requests on the channel's HTTP session (which
  the core built with Leanafy's URL and credentials): keyset paging with the
  framework's guard, batched lookups, concurrent work within the cap.
* :mod:`~plugins.leanafy.errors`: Leanafy's error envelope and wording.
* :mod:`~plugins.leanafy.contract`: every path, header, field name, status
  value and error code; the one place to correct when a real Leanafy instance
  disagrees with the modelled contract.
* :mod:`techoms_core.mapper` (the framework's declarative engine) and
  :mod:`~plugins.leanafy.mapping` (the tables): techOMS records <-> payloads.
* :mod:`~plugins.leanafy.quantities`: line quantities and costs in base units.
* :mod:`~plugins.leanafy.references`: reference mappings onto order/ARN properties.
* :mod:`~plugins.leanafy.cursor`: the receive cursor, ``(updated_at, _id)``.
* :mod:`~plugins.leanafy.settings_view`: the settings, read with their meaning.
* :mod:`~plugins.leanafy.sandbox`: a local Leanafy serving the contract, for tests
  and demos (``techoms sandbox``).

``docs/leanafy.md`` describes the behaviours and the decisions taken where the
contract was silent.
"""

__version__ = "0.1.0"
