"""The Leanafy channel: techOMS's fulfillment channel for the Leanafy WMS.

Registered under the ``techoms.channels`` entry point as
``leanafy = plugins.leanafy.hooks``. Its Sync menu is derived from the hooks
:mod:`plugins.leanafy.hooks` implements: import/export products (gated by the
Master Product Source), receive inventory, send/receive shipments (Leanafy
orders) and send/receive receipts (Leanafy ARNs). Leanafy cannot update
products or cancel orders through its API, so those hooks do not exist.

How the modules divide the work (data flows one way, hook -> client -> wire):

* :mod:`~plugins.leanafy.contract`: every path, header, field name, status
  value and error code of the API; the one place to correct when a real
  Leanafy instance disagrees with the modelled contract.
* :mod:`~plugins.leanafy.mapper`: the small declarative field-mapping engine.
* :mod:`~plugins.leanafy.mapping`: techOMS records <-> Leanafy payloads, as tables.
* :mod:`~plugins.leanafy.errors`: Leanafy's error envelope and error table.
* :mod:`~plugins.leanafy.client`: requests on the channel's HTTP session:
  pages (retried per page), batched lookups, concurrent creates.
* :mod:`~plugins.leanafy.idempotency`: look-before-create for orders and
  ARNs, and SKU-protected creates for items.
* :mod:`~plugins.leanafy.cursor`: the receive cursor, ``(updated_at, _id)``.
* :mod:`~plugins.leanafy.declaration`: key, settings, features.
* :mod:`~plugins.leanafy.hooks`: the hook implementations.

``docs/leanafy.md`` describes the behaviours and the decisions taken where the
contract was silent.
"""

__version__ = "0.1.0"
