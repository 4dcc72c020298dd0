"""A channel's validated settings: what a plugin reads, what a host stores."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType

from attrs import field, frozen

from techoms_core.secrets import MASK, Secret


def _frozen_mapping(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


@frozen(eq=False, repr=False)
class ChannelSettings(Mapping[str, object]):
    """The settings of one channel after :func:`validate_settings`.

    An immutable mapping from key to value. It holds every field that is not
    hidden or disabled: a value the user gave, a cascaded value, the default,
    or ``None``. Secret values are :class:`~techoms_core.secrets.Secret`
    objects: call ``.reveal()`` at the one place that sends them.

    ``stored`` holds what the user gave, as :meth:`raw_for_storage` returns
    it. Build one through :func:`validate_settings` rather than by hand.
    """

    _values: Mapping[str, object] = field(converter=_frozen_mapping)
    _stored: Mapping[str, object] = field(factory=dict, converter=_frozen_mapping)

    def __getitem__(self, key: str) -> object:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"ChannelSettings({self.masked()!r})"

    def masked(self) -> dict[str, object]:
        """The values for display, each secret shown as ``MASK``."""
        return {
            key: MASK if isinstance(value, Secret) else value for key, value in self._values.items()
        }

    def secret_values(self) -> tuple[str, ...]:
        """The revealed non-empty secret values, for the HTTP log redactor."""
        return tuple(
            value.reveal() for value in self._values.values() if isinstance(value, Secret) and value
        )

    def raw_for_storage(self) -> dict[str, object]:
        """The settings to persist: only what the user gave, as given.

        A value written as ``env:VAR`` is kept as that reference, so storing a
        channel never stores the secret an environment variable resolved to.
        Other secrets stay :class:`~techoms_core.secrets.Secret` objects (the
        store reveals them where it encrypts them). Defaults and cascades are
        left out and recomputed on load, so a plugin upgrade can change them.
        Passing the result back to :func:`validate_settings` yields equal
        settings.
        """
        return dict(self._stored)
