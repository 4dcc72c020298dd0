"""Loading channel plugins: the policy every host applies to every plugin.

:class:`Registry` holds the loaded plugins by key. :meth:`Registry.discover`
loads those installed under the ``techoms.channels`` entry points (the
``plugins`` package's :mod:`plugins.registry` is the front for it), and
:meth:`Registry.register` takes one plugin object, as a test or an embedding
host hands it in.

Plugins are loaded one at a time. A plugin that fails to import, implements a
hook that is not in :mod:`techoms_core.hookspecs` (a misspelt
``recieve_shipments``), has a hook signature that does not match its spec, or
gives a bad declaration is reported with its name and the reason and skipped:
one broken third-party plugin never takes the host down. ``strict=True`` makes
any such problem fatal instead.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

import pluggy
from attrs import frozen

from techoms_core import hookspecs
from techoms_core.hookspecs import PROJECT_NAME
from techoms_core.models import PluginDeclaration
from techoms_core.plugin import ChannelPlugin

ENTRY_POINT_GROUP = "techoms.channels"
_HOOK_NAMES = frozenset(
    name
    for name, value in vars(hookspecs).items()
    if callable(value) and hasattr(value, f"{PROJECT_NAME}_spec")
)


@frozen
class LoadProblem:
    """A plugin that could not be loaded, and why."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"plugin {self.name!r} skipped: {self.reason}"


class PluginLoadError(RuntimeError):
    """Raised by strict discovery, or by :meth:`Registry.register`."""

    def __init__(self, problem: LoadProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class UnknownPlugin(LookupError):
    """No installed plugin has the key asked for."""


class Registry:
    """The loaded channel plugins, by key."""

    def __init__(self) -> None:
        self._pm = pluggy.PluginManager(PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._plugins: dict[str, ChannelPlugin] = {}
        self.problems: list[LoadProblem] = []

    @classmethod
    def discover(
        cls, *, strict: bool = False, entries: Iterable[EntryPoint] | None = None
    ) -> Registry:
        """Load every plugin of the entry point group, one at a time."""
        registry = cls()
        found = entry_points(group=ENTRY_POINT_GROUP) if entries is None else entries
        for entry in sorted(found, key=lambda e: e.name):
            try:
                plugin = entry.load()
            except Exception as exc:
                registry._reject(entry.name, f"import failed: {type(exc).__name__}: {exc}", strict)
                continue
            try:
                registry.register(plugin, entry.name)
            except PluginLoadError as exc:
                registry._reject(entry.name, exc.problem.reason, strict)
        return registry

    def _reject(self, name: str, reason: str, strict: bool) -> None:
        problem = LoadProblem(name, reason)
        if strict:
            raise PluginLoadError(problem)
        self.problems.append(problem)

    def register(self, plugin: object, name: str) -> ChannelPlugin:
        """Register one plugin object (a module or an instance) under ``name``.

        Raises :class:`PluginLoadError` and leaves the registry unchanged when
        the plugin is not acceptable.
        """
        if name in self._plugins:
            raise PluginLoadError(LoadProblem(name, "a plugin with this key is already loaded"))
        forgotten = _unmarked_hooks(plugin)
        if forgotten:
            reason = f"functions named like hooks but not marked @hookimpl: {forgotten}"
            raise PluginLoadError(LoadProblem(name, reason))
        try:
            self._pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginLoadError(LoadProblem(name, f"invalid hook: {exc}")) from None
        try:
            declaration = self._checked(plugin, name)
        except PluginLoadError:
            self._pm.unregister(plugin)
            raise
        channel = ChannelPlugin(self._pm, plugin, declaration)
        self._plugins[name] = channel
        return channel

    def _checked(self, plugin: object, name: str) -> PluginDeclaration:
        unknown = sorted(
            caller.name
            for caller in self._pm.get_hookcallers(plugin) or ()
            if caller.name not in _HOOK_NAMES
        )
        if unknown:
            known = ", ".join(sorted(_HOOK_NAMES))
            reason = f"unknown hook(s) {unknown}; known hooks: {known}"
            raise PluginLoadError(LoadProblem(name, reason))
        impls = [
            impl
            for impl in self._pm.hook.channel_declaration.get_hookimpls()
            if impl.plugin is plugin
        ]
        if not impls:
            raise PluginLoadError(LoadProblem(name, "it does not implement channel_declaration"))
        try:
            declaration = impls[0].function()
        except Exception as exc:
            reason = f"channel_declaration failed: {type(exc).__name__}: {exc}"
            raise PluginLoadError(LoadProblem(name, reason)) from None
        if not isinstance(declaration, PluginDeclaration):
            reason = f"channel_declaration returned {type(declaration).__name__}"
            raise PluginLoadError(LoadProblem(name, reason))
        if declaration.key != name:
            reason = f"declared key {declaration.key!r} differs from the entry point name"
            raise PluginLoadError(LoadProblem(name, reason))
        return declaration

    def register_commands(self, cli: object) -> list[LoadProblem]:
        """Let every loaded plugin add its commands to ``cli`` (the
        :func:`~techoms_core.hookspecs.register_commands` hook).

        A plugin whose hook fails is skipped and returned as a problem; the
        others' commands stay.
        """
        problems = []
        for key, channel in sorted(self._plugins.items()):
            if not channel.implements("register_commands"):
                continue
            try:
                channel.register_commands(cli)
            except Exception as exc:
                reason = f"register_commands failed: {type(exc).__name__}: {exc}"
                problems.append(LoadProblem(key, reason))
        return problems

    def plugins(self) -> list[ChannelPlugin]:
        """The loaded plugins, by key."""
        return [self._plugins[key] for key in sorted(self._plugins)]

    def get(self, key: str) -> ChannelPlugin:
        """The plugin with ``key``; raises :class:`UnknownPlugin` naming what is loaded."""
        try:
            return self._plugins[key]
        except KeyError:
            loaded = ", ".join(sorted(self._plugins)) or "none"
            raise UnknownPlugin(
                f"no channel plugin {key!r} is installed (loaded: {loaded})"
            ) from None

    def __contains__(self, key: str) -> bool:
        return key in self._plugins


def _unmarked_hooks(plugin: object) -> list[str]:
    marker = f"{PROJECT_NAME}_impl"
    return sorted(
        name
        for name in _HOOK_NAMES
        if inspect.isfunction(getattr(plugin, name, None))
        and not hasattr(getattr(plugin, name), marker)
    )
