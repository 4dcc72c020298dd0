"""How long masking secrets takes on a large output: ``python -m bench.secret_mask``.

Every line the CLI prints passes through :class:`~techoms_core.http.secret_mask.SecretMask`
(whole forms of each secret, then starts of one cut short before ``...``/``…``).
This prints the time per megabyte of a table of 20,000 rows whose cells are cut
with ``…``, with two secrets known: once without any secret in the text, once
with a cut secret in every hundredth row.
"""

from __future__ import annotations

import statistics
import time

from techoms_core.http.secret_mask import SecretMask

SECRETS = ("c197cf85b1a6aed255e14422b8f44410d0f4245f6a75ac5d", "sbx_key_0123456789abcdef")
ROW = "│ SKU-000123   │ Product name that is lo… │ each │ 12.5 lb │\n"
ROWS = 20_000
REPEATS = 5


def _table(with_secret: bool) -> str:
    cut = f"│ SKU-000999   │ {SECRETS[0][:20]}… │ each │ 12.5 lb │\n"
    return "".join(cut if with_secret and n % 100 == 0 else ROW for n in range(ROWS))


def _seconds_per_megabyte(mask: SecretMask, text: str) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        mask(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times) / (len(text.encode()) / 1e6)


def main() -> None:
    mask = SecretMask(SECRETS)
    for with_secret in (False, True):
        text = _table(with_secret)
        per_mb = _seconds_per_megabyte(mask, text)
        label = "a cut secret every 100 rows" if with_secret else "no secret in the text"
        print(f"{label:30} {per_mb * 1000:8.1f} ms per MB ({len(text):,} characters)")


if __name__ == "__main__":
    main()
