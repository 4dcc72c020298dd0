"""The CLI's shared state and its one place for turning errors into exit codes.

Every command receives a :class:`CliState` (``@pass_state``): the output with
secret masking, the host (the store, opened on first use) and the
plugin registry (discovered on first use). Tests and embedders may hand in
their own registry or host through ``CliRunner.invoke(main, obj=CliState(...))``.
"""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from techoms_core.cli.help_text import polish_help
from techoms_core.cli.output import Output
from techoms_core.context import ChannelConfig
from techoms_core.host import HostError
from techoms_core.loading import LoadError
from techoms_core.mappings import MappingError
from techoms_core.menu import NotInMenu
from techoms_core.options import UnknownOption
from techoms_core.plugin import ChannelPlugin, NotSupported
from techoms_core.registry import Registry, UnknownPlugin
from techoms_core.secrets import Secret
from techoms_core.settings import SettingsError
from techoms_core.settings.validation import ENV_PREFIX
from techoms_core.store import DB_ENV_VAR, StoreHost, default_db_path, default_db_target, open_host
from techoms_core.store.engine import is_url
from techoms_core.store.sealing import is_plaintext_secret
from techoms_core.store.secret_key import KEY_ENV_VAR, SecretKeyError

#: Set to 1 to print the traceback of an unexpected error (secrets still masked).
DEBUG_ENV_VAR = "TECHOMS_DEBUG"

#: Errors that are the user's to fix: printed as one clear message, exit 1.
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (
    HostError,
    SettingsError,
    LoadError,
    MappingError,
    NotSupported,
    NotInMenu,
    UnknownOption,
    UnknownPlugin,
)


#: Problems listed one per line before the rest are only counted (a file with
#: 20,000 bad records must not print 20,000 lines).
MAX_LISTED_PROBLEMS = 20


class DatabaseTarget(click.ParamType):
    """``--db``: a database URL (``postgresql+psycopg://...``) stays text; anything
    else is a SQLite file path."""

    name = "FILE|URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, Path) or is_url(str(value)):
            return value
        return Path(value)


class CommandFailed(click.ClickException):
    """A command that ran but did not succeed: its message is already worded
    for the user, ``problems`` (if any) are listed below it, and the exit
    status is 1."""

    exit_code = 1

    def __init__(self, message: str, problems: Iterable[object] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(str(problem) for problem in problems)


class CliState:
    """What every command works with.

    :param db: the database, a SQLite path or a PostgreSQL URL (``--db`` /
        ``TECHOMS_DB``); ``None`` for the default in the user's data directory.
    :param registry: the plugins; discovered from entry points when ``None``.
    :param host: an open host to use instead of opening ``db``.
    :param environ: where ``env:VAR`` settings are read (``os.environ``).
    """

    def __init__(
        self,
        db: str | Path | None = None,
        *,
        registry: Registry | None = None,
        host: StoreHost | None = None,
        environ: Mapping[str, str] | None = None,
        output: Output | None = None,
    ) -> None:
        self.db = db
        self._registry = registry
        self._plugin_commands: click.Group | None = None
        self._host = host
        self._owns_host = host is None
        self._secrets_known = False
        self.environ = os.environ if environ is None else environ
        self.output = output
        #: ``--debug``: an unexpected error prints its traceback (masked).
        self.debug = False

    @property
    def out(self) -> Output:
        if self.output is None:
            self.output = Output()
        self.output.before_error = self.learn_secrets_before_printing
        return self.output

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = Registry.discover()
        return self._registry

    @property
    def plugin_commands(self) -> click.Group:
        """The commands the loaded plugins add (their ``register_commands``
        hooks), collected once; a plugin whose hook fails adds none and is
        reported among ``registry.problems``."""
        if self._plugin_commands is None:
            self._plugin_commands = click.Group("plugin-commands")
            self.registry.problems.extend(self.registry.register_commands(self._plugin_commands))
        return self._plugin_commands

    @property
    def host(self) -> StoreHost:
        """The host on a database that exists; a missing one is refused
        (:class:`~techoms_core.store.problems.NoStore`), never created."""
        return self._opened(create=False)

    @property
    def creating_host(self) -> StoreHost:
        """The host, creating its database first when there is none: only for
        the commands that can start a store (``channel add``, ``load``,
        ``account set``, ``console``)."""
        return self._opened(create=True)

    def _opened(self, *, create: bool) -> StoreHost:
        if self._host is None:
            self._host = _open_database(self.db, create=create)
            self._owns_host = True
            for change in self._host.tightened:
                self.out.note(escape(f"Made private: {change}."))
        if not self._secrets_known:
            self._secrets_known = True
            self._remember_every_channel_secret()
        return self._host

    def _remember_every_channel_secret(self) -> None:
        """Mask every channel's secrets in all output, so that even a secret a
        plugin let slip into a stored message (the run log) is never shown.

        A secret stored in plain text (by a version that did not encrypt them)
        is encrypted here, the first time any command opens the database."""
        assert self._host is not None
        for config in self._host.channels():
            if config.plugin not in self.registry:
                continue
            plugin = self.registry.get(config.plugin)
            secret_keys = plugin.declaration.settings.secret_keys()
            if any(is_plaintext_secret(config.settings.get(key)) for key in secret_keys):
                self._host.seal_plaintext_secrets(config.name, secret_keys)
                config = self._host.channel(config.name)
            # A secret no key opens cannot be printed either; it is named where used.
            with contextlib.suppress(SecretKeyError):
                self.remember_secrets(plugin, config.settings)

    def remember_host_secrets(self) -> None:
        """Mask, in all output, what the host itself holds secret: the
        password of a database URL and the keys of ``$TECHOMS_SECRET_KEY``
        (an unexpected error may quote either)."""
        values = [key.strip() for key in self.environ.get(KEY_ENV_VAR, "").split(",")]
        target = self.db if self.db is not None else default_db_target(self.environ)
        if is_url(str(target)):
            with contextlib.suppress(Exception):  # a malformed URL is named where it is used
                values.append(make_url(str(target)).password or "")
        self.out.add_secrets(value for value in values if value)

    def learn_secrets_before_printing(self) -> None:
        """Register every stored secret for masking if that has not happened yet
        (an error may come before a command opened the database, quoting data
        that holds one). Never fails: an error is already being reported."""
        if self._secrets_known:
            return
        target = self.db or default_db_target()
        if self._host is not None or is_url(str(target)) or Path(target).expanduser().exists():
            with contextlib.suppress(Exception):
                self.host  # noqa: B018 (opening it registers the secrets)

    def close(self) -> None:
        if self._host is not None and self._owns_host:
            self._host.close()
            self._host = None

    def channel(self, name: str) -> tuple[ChannelConfig, ChannelPlugin]:
        """The channel ``name`` and its plugin; its stored secrets are
        registered for masking before anything else can print them."""
        config = self.host.channel(name)
        plugin = self.registry.get(config.plugin)
        self.remember_secrets(plugin, config.settings)
        return config, plugin

    def remember_secrets(self, plugin: ChannelPlugin, settings: Mapping[str, Any]) -> None:
        """Mask, in all output from now on, the values of ``plugin``'s secret
        settings found in ``settings``, and what their ``env:VAR`` references read."""
        values: list[Any] = []
        for key in plugin.declaration.settings.secret_keys():
            value = settings.get(key)
            text = value.reveal() if isinstance(value, Secret) else value
            if isinstance(text, str) and text.strip().startswith(ENV_PREFIX):
                # The reference itself is no secret; what it reads is.
                text = self.environ.get(text.strip().removeprefix(ENV_PREFIX))
            values.append(text)
        self.out.add_secrets(value for value in values if isinstance(value, str))


pass_state = click.make_pass_decorator(CliState)


def _open_database(db: str | Path | None, *, create: bool) -> StoreHost:
    """The host on ``db`` (``--db`` / ``TECHOMS_DB``), else the default file.

    Without ``create`` the database must exist. With it, a database named by
    the user is created only in a directory that exists (a mistyped path
    creates nothing; the default directory is made). A file that is not a
    techOMS database is named. A PostgreSQL URL is opened as given; one that
    cannot be reached is named without its password."""
    target = db if db is not None else default_db_target()
    if is_url(str(target)):
        try:
            return open_host(str(target), create=create)
        except DatabaseError as error:
            shown = make_url(str(target)).render_as_string(hide_password=True)
            reason = getattr(error, "orig", None) or error
            raise CommandFailed(f"{shown} is not a usable techOMS database: {reason}") from None
    path = Path(db).expanduser() if db is not None else default_db_path()
    if create and db is not None and not path.exists() and not path.parent.is_dir():
        raise CommandFailed(
            f"no techOMS database at {path}, and no directory {path.parent} to create "
            f"one in (check --db or {DB_ENV_VAR})"
        )
    try:
        return open_host(path, create=create)
    except DatabaseError as error:
        reason = getattr(error, "orig", None) or error
        raise CommandFailed(f"{path} is not a usable techOMS database: {reason}") from None


class TechomsGroup(click.Group):
    """The root command group: the host's commands, those the plugins add
    (``register_commands``), and the one place every error ends.

    Errors the user can fix print as one masked message (every problem listed,
    up to :data:`MAX_LISTED_PROBLEMS`, then counted) and exit 1. Unexpected
    errors print their type and message, masked; the traceback only with
    ``TECHOMS_DEBUG=1``, and masked too. A traceback never reaches the terminal
    unmasked. A command run with ``--json`` gets every refusal, usage errors
    included, as one JSON object on stdout: ``{"ok": false, "message": ...,
    "problems": [...]}``.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        own = super().list_commands(ctx)
        added = _plugin_commands(ctx).list_commands(ctx)
        return sorted({*own, *added})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        own = super().get_command(ctx, cmd_name)
        command = own if own is not None else _plugin_commands(ctx).get_command(ctx, cmd_name)
        if command is not None:
            polish_help(command)  # the plugins' commands too
        return command

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        # Every command is in the tree by now, plugins' own included.
        polish_help(self)
        return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        as_json = _wants_json(ctx)
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except CommandFailed as exc:
            _refuse(ctx, as_json, exc.format_message(), exc.problems)
        except click.UsageError as exc:
            if not as_json:
                raise
            _refuse(ctx, as_json, exc.format_message(), ())
            raise click.exceptions.Exit(exc.exit_code) from None
        except click.ClickException as exc:
            _refuse(ctx, as_json, exc.format_message(), ())
            raise click.exceptions.Exit(exc.exit_code) from None
        except EXPECTED_ERRORS as exc:
            _refuse(ctx, as_json, *_message_and_problems(exc))
        except KeyboardInterrupt:
            _refuse(ctx, as_json, "interrupted", ())
            raise click.exceptions.Exit(130) from None
        except Exception as exc:
            # The last resort: a named error was not there to catch it. Printed
            # through the masking output, so it shows no secret it quotes.
            out = _output(ctx)
            _refuse(ctx, as_json, f"unexpected {type(exc).__name__}: {exc}", ())
            if _debugging(ctx):
                out.err.print(traceback.format_exc(), markup=False)
            else:
                out.note(
                    f"(the traceback: run the command again with --debug, or with "
                    f"{DEBUG_ENV_VAR}=1; secrets stay masked)"
                )
        raise click.exceptions.Exit(1)


def _debugging(ctx: click.Context) -> bool:
    state = ctx.find_object(CliState)
    return bool(state and state.debug) or os.environ.get(DEBUG_ENV_VAR) == "1"


def _wants_json(ctx: click.Context) -> bool:
    """Whether the command line asks for ``--json`` (read before the command
    parses it, so that its own usage errors are JSON too)."""
    return "--json" in (*getattr(ctx, "_protected_args", ()), *ctx.args)


def _plugin_commands(ctx: click.Context) -> click.Group:
    return ctx.ensure_object(CliState).plugin_commands


def _output(ctx: click.Context) -> Output:
    state = ctx.find_object(CliState)
    if state is None:
        return Output()
    state.learn_secrets_before_printing()
    return state.out


def _message_and_problems(exc: BaseException) -> tuple[str, Sequence[str]]:
    problems = getattr(exc, "problems", None)
    if isinstance(exc, UnknownOption) or not problems:
        return str(exc), ()
    if len(problems) == 1:
        return str(problems[0]), ()
    return f"{len(problems)} problems:", [str(problem) for problem in problems]


def _refuse(ctx: click.Context, as_json: bool, message: str, problems: Sequence[str]) -> None:
    """Print a refusal: a JSON error object, or ``Error:`` and the problems."""
    out = _output(ctx)
    if as_json:
        out.json({"ok": False, "message": message, "problems": list(problems)})
        return
    out.error(message)
    for line in problem_lines(problems):
        out.err.print(line, markup=False)


def problem_lines(problems: Sequence[str], limit: int = MAX_LISTED_PROBLEMS) -> list[str]:
    """``  - problem`` lines, at most ``limit``, then how many more there are."""
    lines = [f"  - {problem}" for problem in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more ({len(problems)} problems in all)")
    return lines
