"""The command line of ``python -m plugins.leanafy.sandbox``.

``techoms sandbox`` can reuse :func:`build_parser` or call
:func:`~.server.serve` directly.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from .seed import SEEDS
from .server import DEFAULT_HOST, DEFAULT_PORT, serve

API_KEY_VARIABLE = "LEANAFY_SANDBOX_API_KEY"
API_SECRET_VARIABLE = "LEANAFY_SANDBOX_API_SECRET"
ADMIN_TOKEN_VARIABLE = "LEANAFY_SANDBOX_ADMIN_TOKEN"


def build_parser() -> argparse.ArgumentParser:
    """The sandbox's options: host, port, credentials, seed and state file."""
    parser = argparse.ArgumentParser(
        prog="python -m plugins.leanafy.sandbox",
        description="Serve a Leanafy sandbox (leanafy-api.md) on loopback.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind (%(default)s)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port (%(default)s; 0 = a free one)"
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get(API_KEY_VARIABLE),
        help=f"the accepted X-API-Key (or ${API_KEY_VARIABLE}; default: generated)",
    )
    parser.add_argument(
        "--api-secret",
        default=os.environ.get(API_SECRET_VARIABLE),
        help=f"the accepted X-API-Secret (or ${API_SECRET_VARIABLE}; default: generated)",
    )
    parser.add_argument(
        "--admin-token",
        default=os.environ.get(ADMIN_TOKEN_VARIABLE),
        help=f"bound beyond loopback, the admin API needs it (or ${ADMIN_TOKEN_VARIABLE}; "
        "default: generated)",
    )
    parser.add_argument(
        "--seed",
        choices=SEEDS,
        default="empty",
        help="initial data when no state file exists yet (%(default)s)",
    )
    parser.add_argument(
        "--state",
        dest="state_path",
        metavar="FILE.json",
        help="keep the state in this JSON file so it survives a restart",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Parse ``argv`` and serve until interrupted."""
    options = build_parser().parse_args(argv)
    serve(
        host=options.host,
        port=options.port,
        api_key=options.api_key,
        api_secret=options.api_secret,
        seed=options.seed,
        state_path=options.state_path,
        admin_token=options.admin_token,
    )
