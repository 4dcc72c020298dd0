"""The machinery under the conformance suite: what a plugin author supplies,
the per-plugin escapes, and the parametrisation by implemented option.

Read :class:`ConformanceBase` top to bottom: first the class attributes you
set, then the small methods you may override (each says when), then the tools
the checks use.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest

from techoms_core.context import ChannelContext
from techoms_core.models import PluginDeclaration
from techoms_core.options import SYNC_OPTIONS, Shape, SyncOption
from techoms_core.settings import FieldType
from techoms_core.testing import samples
from techoms_core.testing.contexts import fast_retry_options, open_test_channel, unreachable_url
from techoms_core.testing.raw_hooks import RawHooks
from techoms_core.testing.recording import HttpRecorder

#: Send options that create records in the WMS (so a repeat must create nothing).
CREATE_OPTIONS = ("export-products", "send-shipments", "send-receipts")

#: The fixtures the suite parametrises, and which options each one runs for.
OPTION_FIXTURES: dict[str, Callable[[SyncOption], bool]] = {
    "send_option": lambda option: option.shape is Shape.SEND,
    "create_option": lambda option: option.key in CREATE_OPTIONS,
    "receive_option": lambda option: option.shape is Shape.RECEIVE,
}


#: Sample documents (not keyed by SKU) by the send hook's batch parameter.
_SAMPLE_DOCUMENTS = {
    "shipments": samples.sample_shipments,
    "receipts": samples.sample_receipts,
}


class ConformanceBase:
    """What every plugin's conformance class is made of.

    Set on your subclass:

    * ``plugin``: the object your ``techoms.channels`` entry point names (your
      hooks module, usually).
    * ``wms_double``: a class (or zero-argument callable) whose instances are
      context managers starting the WMS the suite talks to: your in-package
      fake, your sandbox, or a cassette player. A new one is started for every
      test. ``None`` (the default) means there is none: then override the
      methods below to work without one.
    * ``not_applicable``: ``{test name: reason}`` for the tests that do not
      apply to your plugin; a name may carry a parameter
      (``"test_send_twice_creates_nothing_new[send-receipts]"``). A reason is
      required, and a name that is not a test of the suite is an error.
    * ``batch_size``: records per batch in the send and receive checks.
    * ``resume_may_repeat_boundary``: set ``True`` if resuming from a page's
      cursor may give that page's records again (the hook specification allows
      it; the host applies a repeat as a no-op). Records of earlier pages must
      never come back either way.

    Each method below asks the running double first (``wms.channel_settings()``
    and so on) when it has a method of that name, so a double written for the
    suite needs no overrides at all.
    """

    plugin: ClassVar[object] = None
    wms_double: ClassVar[Callable[[], AbstractContextManager[Any]] | None] = None
    not_applicable: ClassVar[Mapping[str, str]] = {}
    batch_size: ClassVar[int] = 3
    resume_may_repeat_boundary: ClassVar[bool] = False

    #: Set per test: the test's id, e.g. for naming a cassette.
    test_id: str
    #: Set per test: every exchange of every channel session the test opened.
    http_log: HttpRecorder

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _check_escapes(cls)

    # -- What you supply: override when your double does not offer it -------

    @contextmanager
    def start_wms(self) -> Iterator[Any]:
        """Start the WMS double for one test and stop it after.

        Override to start a sandbox or load a cassette yourself
        (``self.test_id`` names the test). The default enters ``wms_double()``.
        """
        factory = type(self).wms_double
        if factory is None:
            yield None
            return
        with factory() as double:
            yield double

    def channel_settings(self, wms: Any) -> Mapping[str, Any]:
        """The raw channel settings that point at the running double.

        Secrets must be distinctive (8 characters or more) so that the leak
        checks can find them.
        """
        return _ask(wms, "channel_settings", "the channel settings that reach your WMS double")

    def created_count(self, wms: Any) -> int:
        """How many records your sends have created in the double so far
        (items, orders, receipts... one per record created)."""
        return _ask(wms, "created_count", "how many records the double has created")

    def known_skus(self, wms: Any) -> Sequence[str]:
        """SKUs the double knows, for the lines of sample shipments and receipts."""
        return _ask(wms, "known_skus", "SKUs your WMS double knows")

    def sample_records(self, option: SyncOption, wms: Any) -> list[Any]:
        """``batch_size`` valid records for a send option, new to the double.

        The default builds them with :mod:`techoms_core.testing.samples`.
        """
        if hasattr(wms, "sample_records"):
            return list(wms.sample_records(option.key, self.batch_size))
        count = self.batch_size
        if option.keyed_by_sku:
            return samples.sample_products(count)
        documents = _SAMPLE_DOCUMENTS[option.batch]
        return documents(count, skus=list(self.known_skus(wms)))

    def refused_record(self, option: SyncOption, wms: Any) -> Any:
        """One record of the option's kind that the WMS refuses.

        The default takes a sample shipment or receipt and puts a SKU the
        double does not know on its lines; products need an override.
        """
        if hasattr(wms, "refused_record"):
            return wms.refused_record(option.key)
        if option.keyed_by_sku:
            raise NotImplementedError(
                f"Tell the suite which product your WMS refuses for {option.key}: override "
                "refused_record(self, option, wms), or give your double refused_record(option)."
            )
        sample = self.sample_records(option, wms)[0]
        return samples.refused_variant(sample)

    def make_receivable(self, option: SyncOption, wms: Any, count: int) -> list[str]:
        """Make ``count`` new records available to a receive option in the
        double (e.g. ship orders) and return their keys (SKU or number)."""
        if not hasattr(wms, "make_receivable"):
            raise NotImplementedError(
                f"Tell the suite how to make records to receive for {option.key}: override "
                "make_receivable(self, option, wms, count), or give your double "
                "make_receivable(option_key, count) returning the new records' keys."
            )
        return list(wms.make_receivable(option.key, count))

    def unreachable_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """``settings`` changed so that the WMS cannot be reached.

        The default points every ``url`` field at a loopback port where nothing
        listens; override if your plugin has no URL setting.
        """
        url_fields = self._fields_of_type(FieldType.URL)
        if not url_fields:
            raise NotImplementedError(
                "Your settings have no url field: override unreachable_settings(self, settings)."
            )
        dead = unreachable_url()
        return {**settings, **{key: dead for key in url_fields}}

    def bad_credentials(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """``settings`` with every secret replaced by a wrong value."""
        token = uuid.uuid4().hex[:8]
        wrong = {key: f"wrong-{key}-{token}" for key in self._fields_of_type(FieldType.SECRET)}
        return {**settings, **wrong}

    def session_options(self) -> Mapping[str, Any]:
        """``session_options`` for ``open_context``: millisecond retry waits."""
        return fast_retry_options()

    def cassette_dir(self) -> Path | None:
        """Where your cassettes live, for the check that none holds a secret."""
        return None

    def extra_secrets(self) -> Iterable[str]:
        """Secrets besides the configured ones that must appear nowhere, e.g.
        the real credentials cassettes were recorded with (read them from the
        environment)."""
        return ()

    # -- Tools the checks use -------------------------------------------------

    @pytest.fixture(autouse=True)
    def _conformance_test(self, request: pytest.FixtureRequest) -> None:
        reason = escape_reason(type(self), request.node.name, request.node.originalname)
        if reason is not None:
            pytest.skip(f"not applicable to this plugin: {reason}")
        if type(self).plugin is None:
            pytest.fail(f"{type(self).__name__}.plugin is not set: set it to your hooks module")
        self.test_id = request.node.name
        self.http_log = HttpRecorder()

    @pytest.fixture
    def wms(self) -> Iterator[Any]:
        """The running WMS double of this test."""
        with self.start_wms() as double:
            yield double

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Run each option check once per option the plugin implements."""
        for fixture, wanted in OPTION_FIXTURES.items():
            if fixture not in metafunc.fixturenames:
                continue
            options = [o for o in implemented_options(metafunc.cls.plugin) if wanted(o)]
            if options:
                metafunc.parametrize(fixture, options, ids=[o.key for o in options])
            else:
                what = fixture.replace("_option", "").replace("_", " ")
                skip = pytest.mark.skip(reason=f"the plugin implements no {what} hook")
                metafunc.parametrize(fixture, [pytest.param(None, marks=skip)], ids=["none"])

    @property
    def hooks(self) -> RawHooks:
        """The plugin's own hooks, called with nothing around them."""
        return raw_hooks(type(self).plugin)

    @property
    def declaration(self) -> PluginDeclaration:
        return self.hooks.declaration()

    def implements(self, hook: str) -> bool:
        return self.hooks.implements(hook)

    def open_channel(
        self, wms: Any, settings: Mapping[str, Any] | None = None
    ) -> AbstractContextManager[ChannelContext]:
        """A channel context for the double (or for other ``settings``), recorded
        into ``self.http_log`` and closed when the block ends."""
        return open_test_channel(
            self.declaration,
            self.channel_settings(wms) if settings is None else settings,
            name="conformance",
            session_options=self.session_options(),
            recorder=self.http_log,
        )

    def configured_secrets(self, settings: Mapping[str, Any]) -> list[str]:
        """The values ``settings`` give to secret fields."""
        keys = self._fields_of_type(FieldType.SECRET)
        values = [settings.get(key) for key in keys]
        return [v.reveal() if hasattr(v, "reveal") else str(v) for v in values if v]

    def _fields_of_type(self, field_type: FieldType) -> list[str]:
        return [f.key for f in self.declaration.settings.fields if f.type is field_type]


def _ask(wms: Any, method: str, what: str) -> Any:
    if wms is not None and hasattr(wms, method):
        return getattr(wms, method)()
    raise NotImplementedError(
        f"Tell the suite {what}: override {method}(self, wms) on your conformance class, "
        f"or give your WMS double a {method}() method."
    )


@functools.cache
def raw_hooks(plugin: object) -> RawHooks:
    return RawHooks(plugin)


@functools.cache
def implemented_options(plugin: object) -> tuple[SyncOption, ...]:
    """The options ``plugin`` implements; empty when it does not even load (the
    declaration checks then say why)."""
    try:
        hooks = raw_hooks(plugin)
    except Exception:
        return ()
    return tuple(option for option in SYNC_OPTIONS if hooks.implements(option.hook))


def suite_tests(cls: type) -> set[str]:
    return {name for name in dir(cls) if name.startswith("test_")}


def escape_reason(cls: type, name: str, function: str) -> str | None:
    """The reason ``cls`` gives for skipping test ``name`` (``function[param]``)."""
    escapes = cls.not_applicable
    return escapes.get(name) or escapes.get(function)


def _check_escapes(cls: type) -> None:
    tests = suite_tests(cls)
    for name, reason in dict(cls.not_applicable).items():
        function = name.split("[", 1)[0]
        if function not in tests:
            raise TypeError(
                f"{cls.__name__}.not_applicable names {name!r}, which is not a test of the "
                f"conformance suite (tests: {', '.join(sorted(tests))})"
            )
        if not isinstance(reason, str) or not reason.strip():
            raise TypeError(f"{cls.__name__}.not_applicable[{name!r}]: give the reason")


def keys_of(records: Iterable[Any]) -> list[str]:
    """The keys of records (``.key``: SKU or number)."""
    return [record.key for record in records]
