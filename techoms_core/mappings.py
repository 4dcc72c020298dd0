"""Mappings (spec §5): SKU, carrier/service and reference translation.

The core implements these rules once for every plugin. SKU mappings are applied
by the core itself (a plugin only ever sees channel SKUs going out and gives
back channel SKUs coming in); carrier and reference mappings are offered to the
plugin on its :class:`~techoms_core.context.ChannelContext`, because only the
plugin knows where carrier codes and reference properties go in its payloads.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

from attrs import field, frozen

from techoms_core.models.declaration import ReferenceLevel
from techoms_core.models.sku import sku_key


class MappingError(ValueError):
    """A mapping row that cannot be added, or a record that cannot be translated."""


@frozen(kw_only=True)
class MappingProblem:
    """Why one of the rows given to an add cannot be added: ``index`` is its
    position among them (from 0)."""

    index: int
    message: str

    def __str__(self) -> str:
        return self.message


class MappingConflict(MappingError):
    """Rows refused as a whole (nothing was added); ``problems`` names every bad row."""

    def __init__(self, kind: str, problems: Iterable[MappingProblem]) -> None:
        self.kind = kind
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


class SkuMap:
    """A strict two-way translator between techOMS SKUs and channel SKUs.

    Each system SKU maps to one channel SKU and each channel SKU back to one
    system SKU (compared trimmed and case-insensitively). A SKU without a row
    translates to itself.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._to_channel: dict[str, str] = {}
        self._to_system: dict[str, str] = {}
        for system_sku, channel_sku in pairs:
            self.add(system_sku, channel_sku)

    def add(self, system_sku: str, channel_sku: str) -> None:
        system_sku, channel_sku = system_sku.strip(), channel_sku.strip()
        if not system_sku or not channel_sku:
            raise MappingError("a SKU mapping needs both a system SKU and a channel SKU")
        known = self._to_channel.get(sku_key(system_sku))
        if known is not None and sku_key(known) == sku_key(channel_sku):
            return
        if known is not None:
            raise MappingError(f"system SKU {system_sku!r} is already mapped to {known!r}")
        back = self._to_system.get(sku_key(channel_sku))
        if back is not None and sku_key(back) != sku_key(system_sku):
            raise MappingError(f"channel SKU {channel_sku!r} is already mapped from {back!r}")
        self._to_channel[sku_key(system_sku)] = channel_sku
        self._to_system[sku_key(channel_sku)] = system_sku

    def to_channel(self, system_sku: str) -> str:
        return self._to_channel.get(sku_key(system_sku), system_sku.strip())

    def to_system(self, channel_sku: str) -> str:
        return self._to_system.get(sku_key(channel_sku), channel_sku.strip())

    def __len__(self) -> int:
        return len(self._to_channel)


class UnmappedPolicy(enum.StrEnum):
    """What to do with a carrier/service that has no mapping row."""

    WARN = "warn"  # pass the codes through unchanged, with a warning
    ERROR = "error"  # fail the record


@frozen(kw_only=True)
class CarrierRow:
    """One carrier/service mapping row. A channel code ending in ``*`` is a
    wildcard for inbound matching only (``2nd Day Air*``): such a row is never
    sent outbound, so it cannot be ``primary``."""

    carrier_channel: str
    service_channel: str
    carrier_system: str
    service_system: str
    primary: bool = False

    @property
    def is_wildcard(self) -> bool:
        """A channel code ends in ``*``: the row matches inbound codes only."""
        return _is_wildcard(self.carrier_channel) or _is_wildcard(self.service_channel)

    @property
    def codes(self) -> tuple[str, str, str, str]:
        """The four codes as compared: trimmed, case-insensitive."""
        return tuple(  # type: ignore[return-value]
            (code or "").strip().casefold()
            for code in (
                self.carrier_channel,
                self.service_channel,
                self.carrier_system,
                self.service_system,
            )
        )

    def problem(self) -> str | None:
        """Why the row cannot be a mapping on its own, or ``None``."""
        if not (self.carrier_channel.strip() and self.carrier_system.strip()):
            return f"carrier mapping {self.label}: carrier codes are required on both sides"
        if self.primary and self.is_wildcard:
            return (
                f"carrier mapping {self.label}: a wildcard (a channel code ending in *) only"
                " matches inbound codes and is never sent, so it cannot be primary"
            )
        return None

    @property
    def label(self) -> str:
        return (
            f"{self.carrier_channel}/{self.service_channel} <-> "
            f"{self.carrier_system}/{self.service_system}"
        )


def _is_wildcard(code: str | None) -> bool:
    return (code or "").strip().endswith("*")


@frozen(kw_only=True)
class CarrierTranslation:
    """A translated (carrier, service) pair; ``warning`` is set when unmapped."""

    carrier: str | None
    service: str | None
    warning: str | None = None


def _matches(pattern: str, code: str) -> bool:
    pattern, code = pattern.strip().casefold(), (code or "").strip().casefold()
    if pattern.endswith("*"):
        return code.startswith(pattern[:-1])
    return pattern == code


class CarrierMap:
    """Carrier/service translation in both directions."""

    def __init__(
        self, rows: Iterable[CarrierRow] = (), policy: UnmappedPolicy = UnmappedPolicy.WARN
    ) -> None:
        self.rows = tuple(rows)
        self.policy = UnmappedPolicy(policy)

    def outbound(self, carrier: str | None, service: str | None) -> CarrierTranslation:
        """System pair -> channel codes: the matching row, the primary one first.
        Wildcard rows are for inbound codes and are never sent."""
        matches = [
            row
            for row in self.rows
            if not row.is_wildcard
            and _same(row.carrier_system, carrier)
            and _same(row.service_system, service)
        ]
        if matches:
            row = next((r for r in matches if r.primary), matches[0])
            return CarrierTranslation(carrier=row.carrier_channel, service=row.service_channel)
        return self._unmapped("outbound", carrier, service)

    def inbound(self, carrier: str | None, service: str | None) -> CarrierTranslation:
        """Channel codes -> system pair; exact rows win over wildcards, longer
        wildcards over shorter ones."""
        matches = [
            row
            for row in self.rows
            if _matches(row.carrier_channel, carrier or "")
            and _matches(row.service_channel, service or "")
        ]
        if matches:
            row = max(matches, key=_specificity)
            return CarrierTranslation(carrier=row.carrier_system, service=row.service_system)
        return self._unmapped("inbound", carrier, service)

    def _unmapped(self, direction: str, carrier, service) -> CarrierTranslation:
        message = f"no {direction} carrier mapping for carrier {carrier!r} service {service!r}"
        if self.policy is UnmappedPolicy.ERROR:
            raise MappingError(message)
        return CarrierTranslation(carrier=carrier, service=service, warning=message)


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def _specificity(row: CarrierRow) -> tuple[int, int, bool]:
    def score(code: str) -> int:
        return len(code) - 1 if code.endswith("*") else 10_000

    return (score(row.carrier_channel), score(row.service_channel), row.primary)


@frozen(kw_only=True)
class ReferenceRow:
    """At ``level``, the techOMS reference ``code`` goes to the WMS ``property``."""

    level: ReferenceLevel = field(converter=ReferenceLevel)
    code: str
    property: str


class ReferenceMap:
    """Outbound reference mappings, per level."""

    def __init__(self, rows: Iterable[ReferenceRow] = ()) -> None:
        self.rows = tuple(rows)

    def properties_for(
        self, level: ReferenceLevel, references: Mapping[str, str]
    ) -> dict[str, str]:
        """The WMS properties to set for a record's ``references`` at ``level``."""
        wanted = {key.casefold(): value for key, value in references.items()}
        found: dict[str, str] = {}
        for row in self.rows:
            if row.level is level and row.code.casefold() in wanted:
                found[row.property] = wanted[row.code.casefold()]
        return found


@frozen(kw_only=True)
class Mappings:
    """All mappings of one channel."""

    skus: SkuMap = field(factory=SkuMap)
    carriers: CarrierMap = field(factory=CarrierMap)
    references: ReferenceMap = field(factory=ReferenceMap)


@frozen(kw_only=True)
class MappingPlan:
    """What adding rows to a channel's mappings would do: the rows that are new
    (in the order given) and the problems of the rows that cannot be added."""

    added: tuple = ()
    problems: tuple[MappingProblem, ...] = ()


def plan_sku_rows(
    existing: Iterable[tuple[str, str]], pairs: Iterable[tuple[str, str]]
) -> MappingPlan:
    """(system SKU, channel SKU) pairs: a pair already there is not new; one that
    maps either side elsewhere is a problem."""
    existing = list(existing)
    known = SkuMap(existing)
    present = {sku_key(system) for system, _ in existing}
    added, problems = [], []
    for index, (system_sku, channel_sku) in enumerate(pairs):
        try:
            known.add(system_sku, channel_sku)
        except MappingError as contradiction:
            problems.append(MappingProblem(index=index, message=str(contradiction)))
            continue
        if sku_key(system_sku) not in present:
            present.add(sku_key(system_sku))
            added.append((system_sku.strip(), channel_sku.strip()))
    return MappingPlan(added=tuple(added), problems=tuple(problems))


def plan_carrier_rows(existing: Iterable[CarrierRow], rows: Iterable[CarrierRow]) -> MappingPlan:
    """Carrier rows: the same codes again (trimmed, case-insensitive) are not new.
    Problems: no carrier code, a wildcard marked primary (wildcards match
    inbound codes only and are never sent), and the same codes with a different
    ``primary`` (which row is sent would depend on their order)."""
    present = {row.codes: row for row in existing}
    added, problems = [], []
    for index, row in enumerate(rows):
        known = present.get(row.codes)
        problem = row.problem()
        if problem is None and known is not None and known.primary != row.primary:
            which = "primary" if known.primary else "not primary"
            problem = f"carrier mapping {row.label}: the same row is already mapped, {which}"
        if problem:
            problems.append(MappingProblem(index=index, message=problem))
        elif known is None:
            present[row.codes] = row
            added.append(row)
    return MappingPlan(added=tuple(added), problems=tuple(problems))


def plan_reference_rows(
    existing: Iterable[ReferenceRow], rows: Iterable[ReferenceRow]
) -> MappingPlan:
    """Reference rows: a code already mapped at that level to another property
    is a problem; the same row again is not new."""
    present = {(r.level, r.code.casefold()): r for r in existing}
    added, problems = [], []
    for index, row in enumerate(rows):
        known = present.get((row.level, row.code.casefold()))
        if known is None:
            present[(row.level, row.code.casefold())] = row
            added.append(row)
        elif known.property != row.property:
            message = (
                f"reference {row.code!r} at level {row.level.value} is already "
                f"mapped to {known.property!r}"
            )
            problems.append(MappingProblem(index=index, message=message))
    return MappingPlan(added=tuple(added), problems=tuple(problems))
