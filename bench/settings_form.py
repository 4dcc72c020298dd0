"""How long one evaluation of a channel's settings form takes (each change on
the console's settings tab runs one).

``python -m bench.settings_form``: starts a Leanafy sandbox on loopback and
evaluates Leanafy's settings form with ``evaluate_form``: without listed
choices, with the warehouses read from the sandbox (``GET /v1/me``) each time,
and with the warehouses kept from the last evaluation. Prints the median and
the slowest of several evaluations, in milliseconds.
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

        choices = Registry.discover(strict=False).get("leanafy").form_choices("bench")
        spellings = iter(range(10_000))

        def read_each_time():
            # The same Api Url spelt with one more trailing slash each time:
            # nothing kept applies, so the warehouses are read again.
            api_url = sandbox.url + "/" * next(spellings)
            return evaluate_form(SETTINGS, {**submitted, "api_url": api_url}, choices=choices)

        cases = {
            "no listed choices": lambda: evaluate_form(SETTINGS, submitted),
            "warehouses read each time": read_each_time,
            "warehouses kept": lambda: evaluate_form(SETTINGS, submitted, choices=choices),
        }
        print(f"evaluate_form on Leanafy's settings, {REPEATS} evaluations each (ms)")
        for name, evaluate in cases.items():
            median, slowest = _timed(evaluate)
            print(f"  {name:<28} median {median:7.2f}   slowest {slowest:7.2f}")


if __name__ == "__main__":
    main()
