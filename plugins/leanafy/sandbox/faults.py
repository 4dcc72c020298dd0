"""Fault injection: a Leanafy that is slow, throttles, fails, or fails after storing.

Faults are rules. Each names a ``kind``, the ``endpoint`` it applies to (``"*"``, an
exact ``"POST /v1/order"``, a path for every method ``"/v1/order"``, or a glob such
as ``"GET /v1/*"``), the fraction ``rate`` of matching requests it hits, and at most
how many ``times`` it fires. Draws come from one random stream per rule, seeded with
``f"{seed}/{rule id}"``: the same seed, rules and request sequence inject the same
faults. Only ``/v1`` requests are subject to faults; the admin API never is.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import asdict, dataclass
from typing import Any

from .counters import Counters
from .rate_limit import RateDecision, RequestWindow, TokenBucket
from .validation import BodyReader, FieldErrors

FAULT_KINDS: dict[str, str] = {
    "latency": "`seconds` added before the request is handled",
    "throttle": "429 rate_limited with Retry-After: `retry_after`; nothing is handled",
    "server_error": "500/502/503/504 (or `status`) with the JSON error body; nothing handled",
    "proxy_error": "502/503/504 (or `status`) with an HTML body from a proxy; nothing handled",
    "rate_limit": "`rps` requests per second, bursts of `burst`; beyond: 429 with Retry-After",
    "store_then_fail": "a create is stored, then answered 504 (`mode` 504) or dropped (drop)",
    "malformed_json": "a 2xx answer whose JSON body is cut short; the request is handled",
    "slow": "the answer is held `seconds` (default 30) after handling; past a read timeout",
}
REFUSING_KINDS = ("throttle", "server_error", "proxy_error")
AFTER_KINDS = ("store_then_fail", "malformed_json", "slow")
SERVER_ERROR_STATUSES = (500, 502, 503, 504)
PROXY_ERROR_STATUSES = (502, 503, 504)
STORE_THEN_FAIL_MODES = ("504", "drop")
RULE_FIELDS = (
    "kind",
    "endpoint",
    "rate",
    "times",
    "seconds",
    "status",
    "retry_after",
    "rps",
    "burst",
    "mode",
)
DEFAULT_SLOW_SECONDS = 30.0


@dataclass
class FaultRule:
    """One fault: what, where, how often, and its parameters."""

    kind: str
    endpoint: str = "*"
    rate: float = 1.0
    times: int | None = None
    seconds: float | None = None
    status: int | None = None
    retry_after: int = 1
    rps: float | None = None
    burst: float | None = None
    mode: str = "504"
    id: int = 0
    fired: int = 0

    def matches(self, endpoint: str) -> bool:
        """Whether the rule applies to ``endpoint`` (``"METHOD /path"``)."""
        pattern = f"* {self.endpoint}" if self.endpoint.startswith("/") else self.endpoint
        return fnmatch.fnmatchcase(endpoint, pattern)

    def to_dict(self) -> dict[str, Any]:
        """The rule as the admin API shows it."""
        return asdict(self)


def parse_rule(data: Any) -> FaultRule:
    """A rule from its JSON form; 422 ``validation_error`` naming each bad field."""
    errors = FieldErrors()
    reader = BodyReader(data, "", errors, RULE_FIELDS)
    kind = reader.choice("kind", FAULT_KINDS) if "kind" in reader.data else None
    if kind is None and "kind" not in errors.fields:
        errors.add("kind", f"required; one of {', '.join(FAULT_KINDS)}")
    rule = FaultRule(kind=kind or "latency", endpoint=reader.text("endpoint") or "*")
    rate = reader.number("rate")
    if rate is not None and rate > 1:
        reader.fail("rate", "must be a fraction from 0 to 1")
    rule.rate = 1.0 if rate is None else float(rate)
    rule.times = reader.count("times")
    retry_after = reader.count("retry_after")
    rule.retry_after = 1 if retry_after is None else retry_after
    rule.seconds = reader.number("seconds", required=kind == "latency")
    if kind == "slow" and rule.seconds is None:
        rule.seconds = DEFAULT_SLOW_SECONDS
    rule.rps = reader.number("rps", required=kind == "rate_limit", positive=True)
    rule.burst = reader.number("burst", positive=True)
    if rule.burst is not None and kind != "rate_limit":
        reader.fail("burst", "only a rate_limit has a burst")
    rule.status = _read_status(reader, kind)
    rule.mode = reader.choice("mode", STORE_THEN_FAIL_MODES) or "504"
    errors.raise_if_any()
    return rule


def _read_status(reader: BodyReader, kind: str | None) -> int | None:
    status = reader.data.get("status")
    if status is None:
        return None
    allowed = {"server_error": SERVER_ERROR_STATUSES, "proxy_error": PROXY_ERROR_STATUSES}
    if status not in allowed.get(kind or "", ()):
        choices = allowed.get(kind or "")
        reader.fail("status", f"one of {choices}" if choices else "not used by this kind")
        return None
    return int(status)


@dataclass(frozen=True)
class Refusal:
    """An answer given instead of handling the request."""

    kind: str
    status: int
    retry_after: int = 0


@dataclass(frozen=True)
class Admission:
    """What happens to a request before it is handled."""

    delay: float
    rate: RateDecision
    refusal: Refusal | None = None


@dataclass(frozen=True)
class Aftermath:
    """What happens to a handled request's answer."""

    kind: str
    seconds: float = 0.0
    mode: str = "504"


class FaultInjector:
    """The configured fault rules, their random streams and rate-limit buckets."""

    def __init__(self, counters: Counters, seed: int = 0) -> None:
        self.counters = counters
        self._lock = threading.Lock()
        self._seed = seed
        self._rules: list[FaultRule] = []
        self._streams: dict[int, random.Random] = {}
        self._buckets: dict[int, TokenBucket] = {}
        self._window = RequestWindow()
        self._next_id = 1

    @property
    def seed(self) -> int:
        """The seed of every rule's random stream."""
        return self._seed

    def configure(
        self, *, seed: int | None = None, rules: list[FaultRule | dict[str, Any]] | None = None
    ) -> None:
        """Replace the seed and/or all rules (ids restart at 1, so a replay is exact)."""
        parsed = [r if isinstance(r, FaultRule) else parse_rule(r) for r in (rules or [])]
        with self._lock:
            if seed is not None:
                self._seed = seed
            if rules is not None:
                self._rules, self._streams, self._buckets, self._next_id = [], {}, {}, 1
                for rule in parsed:
                    self._install(rule)
            else:
                for rule in self._rules:
                    self._streams[rule.id] = random.Random(f"{self._seed}/{rule.id}")

    def add(self, kind: str, **params: Any) -> FaultRule:
        """Add one rule, e.g. ``add("server_error", endpoint="POST /v1/order", rate=0.5)``."""
        rule = parse_rule({"kind": kind, **params})
        with self._lock:
            return self._install(rule)

    def _install(self, rule: FaultRule) -> FaultRule:
        rule.id, rule.fired = self._next_id, 0
        self._next_id += 1
        self._rules.append(rule)
        self._streams[rule.id] = random.Random(f"{self._seed}/{rule.id}")
        if rule.kind == "rate_limit" and rule.rps:
            self._buckets[rule.id] = TokenBucket(rule.rps, burst=rule.burst)
        return rule

    def remove(self, rule_id: int) -> bool:
        """Remove one rule; False if there was none with that id."""
        with self._lock:
            kept = [rule for rule in self._rules if rule.id != rule_id]
            removed = len(kept) != len(self._rules)
            self._rules = kept
            return removed

    def clear(self) -> None:
        """Remove every rule (ids restart at 1); the seed stays."""
        self.configure(rules=[])

    def rules(self) -> list[FaultRule]:
        """The rules in the order they are evaluated."""
        with self._lock:
            return list(self._rules)

    def describe(self) -> dict[str, Any]:
        """``{"seed", "rules", "kinds"}`` as ``GET /_sandbox/faults`` answers it."""
        with self._lock:
            return {
                "seed": self._seed,
                "rules": [rule.to_dict() for rule in self._rules],
                "kinds": dict(FAULT_KINDS),
            }

    def _fires(self, rule: FaultRule) -> bool:
        if rule.times is not None and rule.fired >= rule.times:
            return False
        if self._streams[rule.id].random() >= rule.rate:
            return False
        rule.fired += 1
        return True

    def admit(self, endpoint: str) -> Admission:
        """Rate limits, latency and refusals for a request about to be handled."""
        with self._lock:
            rules = [rule for rule in self._rules if rule.matches(endpoint)]
            rate, refusal = self._rate_limit(rules, endpoint)
            delay = 0.0
            for rule in rules:
                if rule.kind == "latency" and self._fires(rule):
                    delay += rule.seconds or 0.0
                    self.counters.injected("latency", endpoint)
            for rule in rules:
                if refusal is not None:
                    break
                if rule.kind in REFUSING_KINDS and self._fires(rule):
                    refusal = self._refusal(rule)
                    self.counters.injected(rule.kind, endpoint)
            return Admission(delay=delay, rate=rate, refusal=refusal)

    def _rate_limit(
        self, rules: list[FaultRule], endpoint: str
    ) -> tuple[RateDecision, Refusal | None]:
        reported: RateDecision | None = None
        for rule in rules:
            if rule.kind != "rate_limit" or rule.id not in self._buckets:
                continue
            decision = self._buckets[rule.id].take()
            reported = reported or decision
            if not decision.allowed:
                self.counters.injected("rate_limit", endpoint)
                return decision, Refusal("rate_limit", 429, decision.retry_after)
        return reported or self._window.take(), None

    def _refusal(self, rule: FaultRule) -> Refusal:
        if rule.kind == "throttle":
            return Refusal("throttle", 429, rule.retry_after)
        statuses = SERVER_ERROR_STATUSES if rule.kind == "server_error" else PROXY_ERROR_STATUSES
        status = rule.status or self._streams[rule.id].choice(statuses)
        return Refusal(rule.kind, status)

    def aftermath(self, endpoint: str, status: int, stored: bool) -> Aftermath | None:
        """What befalls a handled request's answer: ``stored`` says a create was committed."""
        with self._lock:
            for rule in self._rules:
                if rule.kind not in AFTER_KINDS or not rule.matches(endpoint):
                    continue
                if rule.kind == "store_then_fail" and not stored:
                    continue
                if rule.kind == "malformed_json" and not 200 <= status < 300:
                    continue
                if self._fires(rule):
                    self.counters.injected(rule.kind, endpoint)
                    return Aftermath(rule.kind, rule.seconds or 0.0, rule.mode)
        return None
