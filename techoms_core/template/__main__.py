"""``python -m techoms_core.template NAME``: start a channel plugin package.

The same as the reference host's ``techoms new-plugin NAME``, for a plugin
author who installed the framework alone (no ``host`` extra).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from techoms_core.template import PluginNameError, create_plugin, next_steps, plugin_names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m techoms_core.template",
        description="Create a new channel plugin package, techoms-NAME, whose tests pass "
        "as created (a fake WMS, the entry point wired, the conformance suite).",
    )
    parser.add_argument("name", help="the plugin's name, e.g. acme or acme-wms")
    parser.add_argument(
        "--dir", type=Path, default=Path("."), help="where to create it (default: here)"
    )
    arguments = parser.parse_args(argv)
    try:
        names = plugin_names(arguments.name)
        folder = create_plugin(arguments.name, arguments.dir)
    except (PluginNameError, FileExistsError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Created {folder} (channel key {names['key']!r}, package {names['package']}).")
    for line in next_steps(folder):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
