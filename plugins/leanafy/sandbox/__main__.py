"""``python -m plugins.leanafy.sandbox``: serve the Leanafy sandbox."""

from .cli import main

main()
