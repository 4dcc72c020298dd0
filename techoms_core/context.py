"""The channel context: everything a hook needs to do its work.

The host builds one :class:`ChannelContext` per run of a channel (see
:func:`open_context`) and passes it to every hook call of that run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define, field, frozen

from techoms_core.http import ChannelSession, Redactor, build_session
from techoms_core.mappings import Mappings
from techoms_core.models.declaration import PluginDeclaration
from techoms_core.settings import ChannelSettings, validate_settings
from techoms_core.throughput import ThroughputProfile, profile_for
from techoms_core.workers import WorkerPool

if TYPE_CHECKING:
    from techoms_core.host import ThroughputRole

T = TypeVar("T")
R = TypeVar("R")


@frozen(kw_only=True)
class ChannelConfig:
    """One configured connection of a plugin, as a host stores it.

    ``settings`` are the raw values as the user gave them (secrets may be
    ``env:VAR`` references); ``warehouse`` is the techOMS warehouse the channel
    serves.
    """

    name: str
    plugin: str
    # Kept out of repr: a literal secret is stored as the user typed it.
    settings: Mapping[str, Any] = field(factory=dict, repr=False)
    warehouse: str | None = None
    enabled: bool = True


@define
class ChannelContext:
    """What a hook receives as ``context``.

    :ivar channel: the channel's name (e.g. ``leanafy-east``).
    :ivar plugin: the plugin's declaration.
    :ivar settings: validated settings; secrets are
        :class:`~techoms_core.secrets.Secret` values, read with ``.reveal()``.
    :ivar mappings: SKU (applied by the core), carrier and reference mappings.
    :ivar http: a ``requests.Session`` that enforces the throughput cap,
        timeouts, retries and redaction for every request (:mod:`techoms_core.http`).
    :ivar log: a logger whose records never carry a secret value.
    :ivar throughput: the profile in force.
    :ivar warehouse: the techOMS warehouse the channel serves.
    :ivar workers: the run's :class:`~techoms_core.workers.WorkerPool`
        (``throughput.max_concurrency`` threads, started on first use); use it
        through :meth:`concurrently`.
    :ivar memo: what the plugin learned during this run and may use again in
        its later batches, under keys of its choosing; it starts empty for
        every run and is never stored. Keep only facts the WMS cannot change
        during a run (Leanafy keeps each item's base unit: its items cannot
        be updated), and share nothing the worker threads change at once.
    """

    channel: str
    plugin: PluginDeclaration
    settings: ChannelSettings
    mappings: Mappings
    http: ChannelSession
    log: logging.Logger | logging.LoggerAdapter
    throughput: ThroughputProfile
    warehouse: str | None = None
    workers: WorkerPool = field(init=False, repr=False, eq=False)
    memo: dict[str, Any] = field(factory=dict, init=False, repr=False, eq=False)
    read_progress: Callable[[int, int | None], None] | None = field(
        default=None, init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        self.workers = WorkerPool(self.throughput.max_concurrency, self.channel)

    def concurrently(
        self, work: Callable[[T], R], items: Iterable[T], *, ahead: int | None = None
    ) -> Iterator[R]:
        """``work(item)`` for every item on the run's worker threads, within
        the throughput cap's concurrency; results as items finish (a few at a
        time, none held more than :data:`~techoms_core.workers.HOLD_SECONDS`)::

            for result in context.concurrently(create_one, drafts):
                yield result

        Use it for the requests of a batch (creates, lookups of 100 keys at a
        time): the threads are the run's, kept from one batch to the next.
        The first exception stops the rest and is raised; the call returns
        only once none of its work is running. From inside a task of this
        pool the items run one after another in that task's thread (see
        :meth:`~techoms_core.workers.WorkerPool.concurrently`). ``ahead``
        bounds the results started and not yet taken (a sliding window over
        many items, such as the pages of a long list); ``None`` starts all.
        """
        return self.workers.concurrently(work, items, ahead=ahead)

    def report_read(self, count: int, total: int | None = None) -> None:
        """How far a read has come: ``count`` more rows read from the WMS, of
        ``total`` in all when the WMS says.

        For a snapshot hook, which reads the whole list before its first page:
        the run's progress shows these rows (their rate, and the time left once
        there is a total) instead of waiting at zero. Does nothing outside a run.
        """
        if self.read_progress is not None:
            self.read_progress(count, total)

    def close(self) -> None:
        """Stop the worker threads (after their work), then close the session."""
        try:
            self.workers.close()
        finally:
            self.http.close()

    def __enter__(self) -> ChannelContext:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class RedactingFilter(logging.Filter):
    """Masks secret values in every record that passes through a channel logger."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor.text(record.getMessage())
        record.args = ()
        return True


def channel_logger(channel: str, redactor: Redactor) -> logging.Logger:
    """The logger ``techoms.channel.<name>``, with secret redaction attached once."""
    logger = logging.getLogger(f"techoms.channel.{channel}")
    for existing in list(logger.filters):
        if isinstance(existing, RedactingFilter):
            logger.removeFilter(existing)
    logger.addFilter(RedactingFilter(redactor))
    return logger


def open_context(
    declaration: PluginDeclaration,
    config: ChannelConfig,
    *,
    mappings: Mappings | None = None,
    environ: Mapping[str, str] | None = None,
    session_options: Mapping[str, Any] | None = None,
    caps: ThroughputRole | None = None,
) -> ChannelContext:
    """Validate ``config``'s settings against the plugin's schema and build the
    context: a logger and an HTTP session that both know the channel's secrets.
    With ``caps`` (a host that shares each channel's cap between its runs:
    :class:`~techoms_core.host.ThroughputRole`), the session's requests count
    against the cap together with every other run of the channel; without,
    against a cap of their own.

    Raises :class:`~techoms_core.settings.SettingsError` listing every problem.
    """
    settings = validate_settings(declaration.settings, config.settings, environ=environ)
    return context_for_settings(
        declaration,
        config.name,
        settings,
        warehouse=config.warehouse,
        mappings=mappings,
        session_options=session_options,
        caps=caps,
    )


def context_for_settings(
    declaration: PluginDeclaration,
    channel: str,
    settings: ChannelSettings,
    *,
    warehouse: str | None = None,
    mappings: Mappings | None = None,
    session_options: Mapping[str, Any] | None = None,
    caps: ThroughputRole | None = None,
) -> ChannelContext:
    """Build the context of ``channel`` from settings already validated,
    such as the :meth:`~techoms_core.settings.SettingsCheck.partial_settings`
    of a settings form still being filled in (``caps`` as for :func:`open_context`)."""
    profile = profile_for(declaration.throughput_profiles, settings)
    secrets = settings.secret_values()
    logger = channel_logger(channel, Redactor(secrets))
    options = declaration.wire.session_options(declaration.display_name, settings)
    options.update(session_options or {})
    if caps is not None:
        options["shared_cap"] = caps.shared_cap(channel, profile)
    session = build_session(profile=profile, secrets=secrets, logger=logger, **options)
    return ChannelContext(
        channel=channel,
        plugin=declaration,
        settings=settings,
        mappings=mappings or Mappings(),
        http=session,
        log=logger,
        throughput=profile,
        warehouse=warehouse,
    )
