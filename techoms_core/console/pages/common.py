"""What the page modules share: the console state of a request, paging."""

from __future__ import annotations

from starlette.requests import Request

from techoms_core.console.state import ConsoleState

#: Rows per page of every paged list.
PAGE_SIZE = 50


def console(request: Request) -> ConsoleState:
    """The console's shared state."""
    return request.app.state.console


def offset_of(request: Request) -> int:
    """The ``offset`` query parameter: a whole number, 0 when absent or bad."""
    try:
        return max(0, int(request.query_params.get("offset", "0")))
    except ValueError:
        return 0
