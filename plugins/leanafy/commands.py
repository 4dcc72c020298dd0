"""The commands Leanafy adds to the ``techoms`` command line: ``sandbox`` and ``demo``.

They need the reference host and the sandbox (the ``host`` and ``leanafy``
extras); they are imported only when the host's command line asks for them, so
the Leanafy channel itself loads on the framework alone.
"""

from __future__ import annotations

import click


def add_commands(cli: click.Group) -> None:
    """Add ``techoms sandbox`` and ``techoms demo`` to ``cli``."""
    from plugins.leanafy.demo.command import demo
    from plugins.leanafy.sandbox.command import sandbox

    cli.add_command(sandbox)
    cli.add_command(demo)
