"""A typed facade over one plugin's hook implementations.

Callers never touch ``pm.hook``: :class:`ChannelPlugin` calls exactly this
plugin's implementation, applies the core rules of :mod:`techoms_core.rules`
around it, and raises :class:`NotSupported` for a hook the plugin lacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import pluggy

from techoms_core import rules
from techoms_core.context import ChannelContext, context_for_settings
from techoms_core.health import Stopwatch
from techoms_core.http import Redactor
from techoms_core.http.exceptions import ChannelHTTPError
from techoms_core.listed_choices import NOT_KEPT, ListedChoices
from techoms_core.models import (
    HealthCheck,
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
from techoms_core.options import OPTIONS_BY_HOOK, SYNC_OPTIONS, SyncOption, option_named
from techoms_core.settings import ChannelSettings, Choice, SettingsField
from techoms_core.settings.form import ChoicesPending, ChoicesSource, ChoicesUnavailable


class NotSupported(LookupError):
    """The channel's plugin does not implement the hook for an option."""

    def __init__(self, plugin: PluginDeclaration, what: str) -> None:
        super().__init__(f"{what} is not supported by {plugin.display_name}")
        self.plugin = plugin
        self.what = what


class ResultMismatch(RuntimeError):
    """A send hook broke its duty of one result per record."""


class ChannelPlugin:
    """One loaded plugin: its declaration and its hooks, called one at a time."""

    def __init__(
        self, pm: pluggy.PluginManager, plugin: object, declaration: PluginDeclaration
    ) -> None:
        self._pm = pm
        self._plugin = plugin
        self.declaration = declaration
        self._listed_choices = ListedChoices()

    @property
    def key(self) -> str:
        return self.declaration.key

    def implements(self, hook: str) -> bool:
        """Whether this plugin has an implementation of ``hook``."""
        caller = getattr(self._pm.hook, hook, None)
        if caller is None:
            return False
        return any(impl.plugin is self._plugin for impl in caller.get_hookimpls())

    def implemented_options(self) -> tuple[SyncOption, ...]:
        """The sync options this plugin implements, in menu order, ungated."""
        return tuple(option for option in SYNC_OPTIONS if self.implements(option.hook))

    def _call(self, hook: str, **kwargs: Any) -> Any:
        if not self.implements(hook):
            option = OPTIONS_BY_HOOK.get(hook)
            raise NotSupported(self.declaration, option.label if option else hook)
        others = [p for p in self._pm.get_plugins() if p is not self._plugin]
        caller = self._pm.subset_hook_caller(hook, remove_plugins=others)
        return caller(**kwargs)

    # -- health ---------------------------------------------------------------

    def health_check(self, context: ChannelContext) -> HealthReport:
        """The plugin's health report, every message masked of the channel's
        secrets (a WMS may echo one back). A health check that raises gives a
        failed report naming the error, never the exception itself. A report
        without its overall ``latency_ms`` gets the time the hook took."""
        redact = _redact_for(context)
        watch = Stopwatch()
        try:
            report = self._call("health_check", context=context)
        except NotSupported:
            raise
        except Exception as error:
            why = f"the health check failed: {type(error).__name__}: {error}"
            failed = HealthCheck(name="health check", ok=False, message=redact(why))
            return HealthReport(checks=[failed], latency_ms=watch.elapsed_ms())
        checks = [attrs.evolve(check, message=redact(check.message)) for check in report.checks]
        latency = watch.elapsed_ms() if report.latency_ms is None else report.latency_ms
        return attrs.evolve(report, checks=checks, latency_ms=latency)

    # -- settings form --------------------------------------------------------

    def settings_field_choices(
        self, context: ChannelContext, field: SettingsField
    ) -> tuple[Choice, ...] | None:
        """The WMS's choices for ``field``, or ``None`` when the plugin does
        not supply them (it lacks the hook, or returns ``None`` for the field).
        ``TypeError`` naming the plugin when it answers with anything but
        :class:`~techoms_core.settings.Choice` objects."""
        if not self.implements("settings_field_choices"):
            return None
        answer = self._call("settings_field_choices", context=context, field=field)
        if answer is None:
            return None
        choices = tuple(answer)
        wrong = [choice for choice in choices if not isinstance(choice, Choice)]
        if wrong:
            raise TypeError(
                f"{self.key}.settings_field_choices for {field.key!r} gave "
                f"{type(wrong[0]).__name__}, not a Choice"
            )
        return choices

    def form_choices(
        self,
        channel: str,
        *,
        session_options: Mapping[str, Any] | None = None,
        wait: bool = True,
    ) -> ChoicesSource | None:
        """The :data:`~techoms_core.settings.form.ChoicesSource` for this
        plugin's settings form (pass it to ``evaluate_form``), or ``None`` when
        the plugin lacks ``settings_field_choices``. Each call opens a context
        for ``channel`` (saved or not) from the form's settings so far, asks the
        hook, and closes it; a refusal from the WMS becomes
        :class:`~techoms_core.settings.form.ChoicesUnavailable` with its
        message, masked of the form's secrets. What the hook listed is reused
        for a short while (:mod:`techoms_core.listed_choices`), as a form is
        evaluated again on every change (kept per channel). With ``wait=False``
        the source never asks the WMS: it answers what is kept, else raises
        :class:`~techoms_core.settings.form.ChoicesPending`."""
        if not self.implements("settings_field_choices"):
            return None

        def ask(field: SettingsField, settings: ChannelSettings) -> tuple[Choice, ...] | None:
            with context_for_settings(
                self.declaration, channel, settings, session_options=session_options
            ) as context:
                try:
                    return self.settings_field_choices(context, field)
                except ChannelHTTPError as refused:
                    message = Redactor(settings.secret_values()).text(str(refused))
                    raise ChoicesUnavailable(message) from None

        def listed(field: SettingsField, settings: ChannelSettings) -> tuple[Choice, ...] | None:
            if not wait:
                kept = self._listed_choices.kept(field, settings, scope=channel)
                if kept is NOT_KEPT:
                    raise ChoicesPending(field.key)
                return kept  # type: ignore[return-value]
            return self._listed_choices.get_or_list(
                field, settings, lambda: ask(field, settings), scope=channel
            )

        return listed

    def register_commands(self, cli: object) -> None:
        """Let this plugin add its commands to a host's command group ``cli``."""
        self._call("register_commands", cli=cli)

    # -- sends ----------------------------------------------------------------

    def send(
        self, option: str | SyncOption, context: ChannelContext, records: Sequence[Any]
    ) -> Iterator[RecordResult]:
        """Run a send option on a batch; yields exactly one result per record.

        Records the core refuses (missing required export fields, repeated keys)
        are reported first without reaching the plugin.
        """
        option = option_named(option) if isinstance(option, str) else option
        if not self.implements(option.hook):
            raise NotSupported(self.declaration, option.label)
        required = self.declaration.required_export_fields
        ready, early = rules.screen_batch(option, records, required)
        yield from early
        if not ready:
            return
        skus = context.mappings.skus
        outbound = [rules.to_channel(record, skus) for record in ready]
        results = self._call(option.hook, context=context, **option.arguments(batch=outbound))
        expected = {out.key: record.key for out, record in zip(outbound, ready, strict=True)}
        for result in _one_result_each(self.declaration, option, results, expected):
            yield _redacted(result, context)

    def export_products(
        self, context: ChannelContext, products: Sequence[Product]
    ) -> Iterator[RecordResult]:
        return self.send("export-products", context, products)

    def update_products(
        self, context: ChannelContext, products: Sequence[Product]
    ) -> Iterator[RecordResult]:
        return self.send("update-products", context, products)

    def send_shipments(
        self, context: ChannelContext, shipments: Sequence[Shipment]
    ) -> Iterator[RecordResult]:
        return self.send("send-shipments", context, shipments)

    def cancel_shipments(
        self, context: ChannelContext, shipments: Sequence[Shipment]
    ) -> Iterator[RecordResult]:
        return self.send("cancel-shipments", context, shipments)

    def send_receipts(
        self, context: ChannelContext, receipts: Sequence[Receipt]
    ) -> Iterator[RecordResult]:
        return self.send("send-receipts", context, receipts)

    # -- receives -------------------------------------------------------------

    def receive(
        self, option: str | SyncOption, context: ChannelContext, cursor: str | None = None
    ) -> Iterator[Page[Any]]:
        """Run a receive or snapshot option; yields pages in techOMS SKUs."""
        option = option_named(option) if isinstance(option, str) else option
        pages = self._call(option.hook, context=context, **option.arguments(cursor=cursor))
        for page in pages:
            if not isinstance(page, Page):
                raise TypeError(
                    f"{self.key}.{option.hook} yielded {type(page).__name__}, not a Page"
                )
            page = rules.page_to_system(page, context.mappings.skus, option.keyed_by_sku)
            if page.problems:
                page = attrs.evolve(page, problems=[_redacted(p, context) for p in page.problems])
            yield page

    def import_products(
        self, context: ChannelContext, cursor: str | None = None
    ) -> Iterator[Page[Product]]:
        return self.receive("import-products", context, cursor)

    def receive_inventory(self, context: ChannelContext) -> Iterator[Page[InventoryLevel]]:
        return self.receive("receive-inventory", context)

    def receive_shipments(
        self, context: ChannelContext, cursor: str | None = None
    ) -> Iterator[Page[ShipmentUpdate]]:
        return self.receive("receive-shipments", context, cursor)

    def receive_receipts(
        self, context: ChannelContext, cursor: str | None = None
    ) -> Iterator[Page[ReceiptUpdate]]:
        return self.receive("receive-receipts", context, cursor)

    def __repr__(self) -> str:
        return f"<ChannelPlugin {self.key} {self.declaration.version}>"


def _redact_for(context: ChannelContext | None) -> Callable[[str], str]:
    """The channel's redaction of a text (none for a context without a session)."""
    http = getattr(context, "http", None)
    return http.redactor.text if http is not None else str


def _redacted(result: RecordResult, context: ChannelContext) -> RecordResult:
    """``result`` with any secret of the channel masked in its message."""
    masked = _redact_for(context)(result.message) if result.message else result.message
    return result if masked == result.message else attrs.evolve(result, message=masked)


def _one_result_each(
    declaration: PluginDeclaration,
    option: SyncOption,
    results: Iterable[RecordResult] | None,
    expected: dict[str, str],
) -> Iterator[RecordResult]:
    """Re-key results to techOMS keys and hold the plugin to one per record."""
    if results is None:
        raise ResultMismatch(f"{declaration.key}.{option.hook} returned nothing")
    pending = dict(expected)
    for result in results:
        if not isinstance(result, RecordResult):
            raise ResultMismatch(
                f"{declaration.key}.{option.hook} gave {type(result).__name__}, not a RecordResult"
            )
        if result.key not in pending:
            raise ResultMismatch(
                f"{declaration.key}.{option.hook} reported {result.key!r}, "
                "which is not an unreported record of the batch"
            )
        system_key = pending.pop(result.key)
        yield result if system_key == result.key else _rekey(result, system_key)
    for system_key in pending.values():
        yield RecordResult.failed(
            system_key,
            f"{declaration.display_name} reported no result for this record",
            fatal=True,
        )


def _rekey(result: RecordResult, key: str) -> RecordResult:
    return attrs.evolve(result, key=key)
