"""How long one evaluation of a channel's settings form takes (each change on
the console's settings tab runs one).

``python -m bench.settings_form``: starts a Leanafy sandbox on loopback and
evaluates Leanafy's settings form with ``evaluate_form``: without listed
choices, with the warehouses read from the sandbox (``GET /v1/me``) each time,
with the warehouses kept from the last evaluation, and then with Leanafy
answering ``GET /v1/me`` :data:`SLOW_SECONDS` late: the warehouses read each
time (what a page would wait for) against the console's evaluation that never
asks the WMS (``form_choices(..., wait=False)``: the field is ``loading`` and
listed by a request of its own). Prints the median and the slowest of several
evaluations, in milliseconds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from plugins.leanafy.declaration import SETTINGS
from plugins.leanafy.sandbox.server import SandboxServer
from techoms_core.registry import Registry
from techoms_core.settings import evaluate_form

REPEATS = 25
#: How late the slow Leanafy answers ``GET /v1/me`` (seconds).
SLOW_SECONDS = 0.5


def _timed(evaluate: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        evaluate()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    with SandboxServer() as sandbox:
        submitted = {
            "api_url": sandbox.url,
            "api_key": sandbox.api_key,
            "api_secret": sandbox.api_secret,
            "throughput": "custom",
            "concurrent_requests": "4",
            "requests_per_second": "20",
        }

        plugin = Registry.discover(strict=False).get("leanafy")
        choices = plugin.form_choices("bench")
        spellings = iter(range(10_000))

        def read_each_time():
            # The same Api Url spelt with one more trailing slash each time:
            # nothing kept applies, so the warehouses are read again.
            api_url = sandbox.url + "/" * next(spellings)
            return evaluate_form(SETTINGS, {**submitted, "api_url": api_url}, choices=choices)

        waiting = plugin.form_choices("bench-slow")
        not_waiting = plugin.form_choices("bench-slow", wait=False)

        def slow_each_time(source):
            def evaluate():
                api_url = sandbox.url + "/" * next(spellings)
                return evaluate_form(SETTINGS, {**submitted, "api_url": api_url}, choices=source)

            return evaluate

        cases = {
            "no listed choices": lambda: evaluate_form(SETTINGS, submitted),
            "warehouses read each time": read_each_time,
            "warehouses kept": lambda: evaluate_form(SETTINGS, submitted, choices=choices),
        }
        slow_cases = {
            "read each time, waiting": slow_each_time(waiting),
            "not kept, not waiting": slow_each_time(not_waiting),
        }
        print(f"evaluate_form on Leanafy's settings, {REPEATS} evaluations each (ms)")
        _print(cases)
        sandbox.faults.add("latency", endpoint="GET /v1/me", seconds=SLOW_SECONDS)
        print(f"Leanafy answering GET /v1/me {SLOW_SECONDS * 1000:.0f} ms late:")
        _print(slow_cases)


def _print(cases: dict[str, Callable[[], object]]) -> None:
    for name, evaluate in cases.items():
        median, slowest = _timed(evaluate)
        print(f"  {name:<28} median {median:7.2f}   slowest {slowest:7.2f}")


if __name__ == "__main__":
    main()
