"""The ``techoms`` console script: the reference host's command line, or what
to install to get it.

A plain ``pip install techoms-channels`` is the framework alone; the script is
installed with it, but the command line needs the ``host`` extra (click, rich,
SQLAlchemy...). Without it, ``techoms`` says so instead of a traceback.
"""

from __future__ import annotations

import sys

#: What to install for the ``techoms`` command.
INSTALL_HINT = "pip install 'techoms-channels[host]'"


def main() -> None:
    try:
        from techoms_core.cli import main as cli
    except ModuleNotFoundError as missing:
        if missing.name and missing.name.startswith("techoms_core"):
            raise
        sys.stderr.write(
            f"techoms: the reference host is not installed ({missing.name} is missing); "
            f"install it with: {INSTALL_HINT}\n"
        )
        raise SystemExit(1) from None
    cli()


if __name__ == "__main__":
    main()
