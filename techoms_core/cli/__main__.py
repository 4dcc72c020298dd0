"""``python -m techoms_core.cli``: the ``techoms`` command without the console script."""

from techoms_core.cli import main

main(prog_name="techoms")
