"""techoms_core: the framework techOMS fulfillment-channel plugins plug into.

A plugin author needs two imports::

    from techoms_core import hookimpl
    from techoms_core.models import PluginDeclaration, RecordResult, ...

and implements, in one module, the hooks of :mod:`techoms_core.hookspecs` that its
WMS supports, each marked ``@hookimpl``. The module is registered under the
``techoms.channels`` entry point group (name = the channel key), e.g. in
``setup.cfg``::

    [options.entry_points]
    techoms.channels =
        mywms = mywms_channel.hooks

The host discovers it (:class:`techoms_core.registry.Registry`), derives its Sync menu from the
hooks it implements, and calls one channel's implementation per call.
"""

import pluggy

from techoms_core.hookspecs import PROJECT_NAME

#: Marker for a plugin's hook implementations: ``@hookimpl def send_shipments(...)``.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = ["PROJECT_NAME", "hookimpl"]
