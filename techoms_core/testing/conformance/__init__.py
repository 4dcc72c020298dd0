"""The conformance suite: every check a channel plugin must pass, in one class.

Enable it in your plugin's tests by subclassing :class:`ChannelConformance`::

    from techoms_core.testing import ChannelConformance
    from techoms_acme import hooks
    from techoms_acme.fake import FakeAcme

    class TestAcmeConformance(ChannelConformance):
        plugin = hooks
        wms_double = FakeAcme

or in one line with :func:`conformance_suite`::

    TestAcmeConformance = conformance_suite(hooks, wms_double=FakeAcme)

What it checks, for any plugin (each check is one test you can read):

* the declaration is complete; the plugin loads in a registry with no
  problem (known hooks, signatures matching the specifications), and its
  ``techoms.channels`` entry point is installed and loads it;
* the Sync menu is derived from the hooks, and the declared features agree
  with them (inventory sync iff ``receive_inventory``; SO reference mapping
  needs ``send_shipments``; PO reference mapping needs ``send_receipts``...);
* the sample settings validate; missing settings are all named at once;
  secrets are :class:`~techoms_core.secrets.Secret` and masked in reprs;
* ``settings_field_choices`` lists :class:`~techoms_core.settings.Choice`
  objects (the sample settings' value among them), and when the WMS refuses
  the credentials the form shows the field disabled with the WMS's message;
* every send returns exactly one result per record, keyed by the record's
  key; a refused record fails alone; sending the same batch again creates
  nothing new; losing the answers to the creates and sending again creates
  no duplicate;
* every receive resumes from each cursor it returned without skipping or
  repeating a record, and from the last cursor brings only new records; an
  inventory snapshot lists each SKU once;
* the health check passes against the double and, with the WMS unreachable
  or the credentials wrong, reports a failure instead of raising;
* no configured secret appears in any log line (DEBUG, any logger), result,
  health report, exception or recorded cassette.

A check that does not apply is listed in ``not_applicable`` with the reason;
checks of hooks the plugin does not implement are not run at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from techoms_core.testing.conformance.base import CREATE_OPTIONS, ConformanceBase
from techoms_core.testing.conformance.declaration import DeclarationChecks
from techoms_core.testing.conformance.form import FormChecks
from techoms_core.testing.conformance.health import HealthChecks
from techoms_core.testing.conformance.leaks import LeakChecks
from techoms_core.testing.conformance.receives import ReceiveChecks
from techoms_core.testing.conformance.sends import SendChecks
from techoms_core.testing.conformance.settings import SettingsChecks


class ChannelConformance(
    DeclarationChecks,
    SettingsChecks,
    FormChecks,
    HealthChecks,
    SendChecks,
    ReceiveChecks,
    LeakChecks,
):
    """Subclass me as ``Test...`` and set ``plugin`` (and ``wms_double``): the
    whole suite then runs for your plugin. See :class:`ConformanceBase` for
    everything you may set or override."""


def conformance_suite(
    plugin: object,
    *,
    wms_double: Callable[[], Any] | None = None,
    not_applicable: Mapping[str, str] | None = None,
    name: str = "Conformance",
    **overrides: Any,
) -> type[ChannelConformance]:
    """A ready :class:`ChannelConformance` subclass for ``plugin``.

    ``overrides`` become class attributes: values such as ``batch_size=5``, or
    functions replacing a supplied method, e.g.
    ``channel_settings=lambda self, wms: {...}``.
    """
    attributes = {
        "plugin": plugin,
        "wms_double": wms_double,
        "not_applicable": dict(not_applicable or {}),
        **overrides,
    }
    return type(f"Test{name}", (ChannelConformance,), attributes)


__all__ = ["CREATE_OPTIONS", "ChannelConformance", "ConformanceBase", "conformance_suite"]
