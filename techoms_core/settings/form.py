"""The settings form as it stands: what to show for every field, right now.

A settings page re-renders its form after every change by calling
:func:`evaluate_form` with what the user has submitted so far. The answer is
computed by :func:`~techoms_core.settings.validation.check_settings`, the same
code that validates on save, so the page and the save never disagree: which
fields are shown and enabled, their (cascaded) values, the choices of a
dropdown, and every problem next to its field at once.

Secrets never leave: a secret that is set shows as
:data:`~techoms_core.secrets.MASK`, and a secret submitted empty (or as the
mask) keeps the stored one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from attrs import evolve, frozen

from techoms_core.secrets import MASK, Secret
from techoms_core.settings.channel_settings import ChannelSettings
from techoms_core.settings.field_types import FieldType
from techoms_core.settings.schema import Choice, Section, SettingsField, SettingsSchema
from techoms_core.settings.validation import (
    FieldOutcome,
    SettingsCheck,
    SettingsError,
    SettingsProblem,
    check_settings,
)

#: Lists the choices of a ``choices_from`` field from the form's settings so
#: far; ``None`` when it supplies none for that field (the field stays text).
ChoicesSource = Callable[[SettingsField, ChannelSettings], Sequence[Choice] | None]


class ChoicesUnavailable(Exception):
    """A :data:`ChoicesSource` could not list the choices (e.g. the WMS
    refused the credentials). The message is shown next to the field and must
    not contain a secret."""


class ChoicesPending(Exception):
    """A :data:`ChoicesSource` that does not wait for the WMS has no choices at
    hand for these values yet. The field keeps its value (offered as its only
    choice) and is marked ``loading``: a page lists the choices by a request of
    their own, so a slow WMS never holds up the rest of the form."""


@frozen(kw_only=True)
class FieldState:
    """One field of the form, as it should be rendered now.

    :ivar key: the setting's key (the input's name).
    :ivar label: the label to show; ``help`` the help text under it.
    :ivar type: a :class:`~techoms_core.settings.FieldType`: ``text``, ``url``,
        ``secret`` (a password input), ``choice``, ``bool`` (a checkbox),
        ``int``.
    :ivar section: the :class:`~techoms_core.settings.Section` (tab) it belongs to.
    :ivar visible: show the field at all.
    :ivar enabled: the field can be edited (a disabled field is shown greyed out).
    :ivar required: the field must have a value now (declared required, shown,
        enabled, and no default).
    :ivar choices: the options of a dropdown (a ``choice`` field, or a
        ``choices_from`` field whose plugin listed them); ``None`` for a free input.
    :ivar value: what the input shows: the value as submitted, else the value
        the channel would get (cascaded or default); ``None`` for empty. A set
        secret shows :data:`~techoms_core.secrets.MASK`.
    :ivar default: the declared default, or ``None``.
    :ivar secret_set: a secret field holds a value (submitted now, or stored).
    :ivar problems: what is wrong with the field, each a sentence without its label.
    :ivar note: why the field is disabled or offers no dropdown yet, e.g.
        ``"fill in Api Url, Api Key and Api Secret to choose"``; else empty.
    :ivar loading: its choices are still to be listed (:class:`ChoicesPending`);
        until then its value is its only choice.
    """

    key: str
    label: str
    type: FieldType
    section: Section
    help: str
    visible: bool
    enabled: bool
    required: bool
    choices: tuple[Choice, ...] | None
    value: object
    default: object
    secret_set: bool
    problems: tuple[str, ...]
    note: str = ""
    loading: bool = False


@frozen
class FormState:
    """The whole form: its fields in form order and every problem.

    ``problems`` holds every problem, also those of submitted keys the schema
    does not know; ``ok`` says there are none.
    """

    fields: tuple[FieldState, ...]
    problems: tuple[SettingsProblem, ...]
    _check: SettingsCheck

    @property
    def ok(self) -> bool:
        return not self.problems

    def __getitem__(self, key: str) -> FieldState:
        for state in self.fields:
            if state.key == key:
                return state
        raise KeyError(f"no setting {key!r}")

    def sections(self) -> tuple[Section, ...]:
        """The sections that hold a visible field, in display order."""
        used = {state.section for state in self.fields if state.visible}
        return tuple(section for section in Section if section in used)

    def in_section(self, section: Section) -> tuple[FieldState, ...]:
        """The fields of ``section`` (visible or not), in form order."""
        return tuple(state for state in self.fields if state.section == section)

    def settings(self) -> ChannelSettings:
        """The settings to save, or :class:`~techoms_core.settings.SettingsError`
        listing every problem. Store ``settings().raw_for_storage()``: kept
        secrets stay as they were stored."""
        if self.problems:
            raise SettingsError(self.problems)
        return self._check.settings()


def evaluate_form(
    schema: SettingsSchema,
    submitted: Mapping[str, object],
    *,
    stored: Mapping[str, object] | None = None,
    choices: ChoicesSource | None = None,
    environ: Mapping[str, str] | None = None,
) -> FormState:
    """Evaluate the settings form of ``schema`` for what the user submitted.

    :param submitted: the form's values so far, by setting key, as strings
        (or typed values). Only setting keys: any other key is reported as an
        unknown setting. A key left out keeps its ``stored`` value (a disabled
        input is not submitted by a browser), so submit unchecked checkboxes
        as ``"false"``. A secret submitted empty or as ``MASK`` keeps the
        stored secret.
    :param stored: the channel's saved raw settings (``ChannelConfig.settings``),
        or ``None`` for a new channel.
    :param choices: lists the choices of ``choices_from`` fields, e.g.
        :meth:`ChannelPlugin.form_choices() <techoms_core.plugin.ChannelPlugin.form_choices>`;
        ``None`` when the plugin supplies none (those fields stay text fields).
    :param environ: where ``env:VAR`` values are read (``os.environ`` by default).
    :returns: a :class:`FormState`.
    """
    merged = _merged_input(schema, submitted, stored or {})
    check = check_settings(schema, merged, environ=environ)
    problems = list(check.problems)
    fields = []
    for settings_field in schema.fields:
        state = _field_state(settings_field, check.outcomes[settings_field.key], merged)
        if settings_field.choices_from and choices is not None and state.enabled:
            state = _with_listed_choices(state, settings_field, schema, check, choices)
            problems += [
                SettingsProblem(settings_field.key, message, settings_field.label)
                for message in state.problems
                if message not in _messages(check.outcomes[settings_field.key])
            ]
        fields.append(state)
    return FormState(tuple(fields), tuple(problems), check)


def _merged_input(
    schema: SettingsSchema, submitted: Mapping[str, object], stored: Mapping[str, object]
) -> dict[str, object]:
    secrets = set(schema.secret_keys())
    merged = dict(stored)
    for key, value in submitted.items():
        keeps_stored = key in secrets and key in stored and _left_empty(value)
        if not keeps_stored:
            merged[key] = value
    return merged


def _left_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", MASK))


def _messages(outcome: FieldOutcome) -> tuple[str, ...]:
    return tuple(problem.message for problem in outcome.problems)


def _field_state(
    settings_field: SettingsField, outcome: FieldOutcome, merged: Mapping[str, object]
) -> FieldState:
    raw = merged.get(settings_field.key)
    typed = raw is not None and not (isinstance(raw, str) and not raw.strip())
    is_secret = settings_field.type is FieldType.SECRET
    if is_secret:
        value = MASK if typed else None
    elif typed:
        value = raw.reveal() if isinstance(raw, Secret) else raw
    elif outcome.active:
        value = outcome.value
    else:
        value = settings_field.default
    return FieldState(
        key=settings_field.key,
        label=settings_field.label,
        type=settings_field.type,
        section=settings_field.section,
        help=settings_field.help,
        visible=not outcome.hidden,
        enabled=outcome.active,
        required=settings_field.required and outcome.active and settings_field.default is None,
        choices=settings_field.choices or None,
        value=value,
        default=settings_field.default,
        secret_set=is_secret and typed,
        problems=_messages(outcome),
    )


def _with_listed_choices(
    state: FieldState,
    settings_field: SettingsField,
    schema: SettingsSchema,
    check: SettingsCheck,
    choices: ChoicesSource,
) -> FieldState:
    """Ask for the choices once the fields they are read with are valid;
    until then the field stays disabled, saying what it waits for."""
    needed = [schema.field(key) for key in settings_field.choices_from]
    waiting = [
        f.label
        for f in needed
        if check.outcomes[f.key].problems or check.outcomes[f.key].value in (None, "")
    ]
    if waiting:
        return _disabled(state, f"fill in {_listed(waiting)} to choose")
    current = check.outcomes[settings_field.key].value
    try:
        listed = choices(settings_field, check.partial_settings())
    except ChoicesPending:
        kept = () if current in (None, "") else (Choice(str(current), str(current)),)
        return _evolve(state, choices=kept, loading=True, note="listing the choices...")
    except ChoicesUnavailable as refused:
        note = f"the WMS did not list the choices: {refused}"
        if current not in (None, ""):
            note += f"; {settings_field.label} stays {current}"
        return _disabled(state, note)
    except Exception as error:  # a plugin's bug must not take the form down
        return _disabled(state, f"could not list the choices ({type(error).__name__})")
    if listed is None:
        return state
    listed = tuple(listed)
    problems = state.problems
    values = [choice.value for choice in listed]
    if state.enabled and current not in (None, "") and current not in values:
        offered = ", ".join(values) or "none"
        problems += (f"{current!r} is not one of the choices ({offered})",)
    note = "" if listed else "no choices are available"
    return _evolve(state, choices=listed, problems=problems, note=note)


def _disabled(state: FieldState, note: str) -> FieldState:
    return _evolve(state, enabled=False, required=False, note=note)


def _evolve(state: FieldState, **changes: object) -> FieldState:
    return evolve(state, **changes)


def _listed(labels: Sequence[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} and {labels[-1]}"
