"""``techoms review``: the updates kept for a person to accept or dismiss (spec §11).

The decisions themselves are the host's (:meth:`~techoms_core.host.Host.accept_review`,
:meth:`~techoms_core.host.Host.dismiss_review`); this module lists items and
prints what a decision did.
"""

from __future__ import annotations

import click
from rich.table import Table

from techoms_core.cli.app import CliState, pass_state
from techoms_core.cli.output import plain
from techoms_core.reviews import ReviewDecision, ReviewItem, ReviewStatus


@click.group("review")
def review_group() -> None:
    """Short-shipped updates kept for review, and the decisions on them.

    A shipment the warehouse shipped short is not applied on its own: it waits
    here. Accepting applies what the warehouse shipped (the shipment becomes
    shipped, with the shipped quantities and packages); dismissing closes the
    item and applies nothing. Both are recorded in the run log (option review).

    \b
      techoms review list [NAME] [--all]
      techoms review accept ID
      techoms review dismiss ID
    """


@review_group.command("list")
@click.argument("name", required=False)
@click.option("--all", "show_all", is_flag=True, help="Include accepted and dismissed items.")
@click.option("--json", "as_json", is_flag=True, help="Print the items as a JSON array.")
@pass_state
def review_list(state: CliState, name: str | None, show_all: bool, as_json: bool) -> None:
    """List the pending review items (of channel NAME, or all channels).

    Each item shows its id, the shipment, the channel and, per line, how much
    was ordered and how much the warehouse shipped.
    """
    host = state.host
    if name is not None:
        host.channel(name)
    items = host.review_items(name, status=None if show_all else ReviewStatus.PENDING)
    if as_json:
        state.out.json([item.as_json() for item in items])
        return
    if not items:
        state.out.out.print("Nothing to review." if not show_all else "No review items.")
        return
    state.out.out.print(_items_table(items))


@review_group.command("accept")
@click.argument("item_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@pass_state
def review_accept(state: CliState, item_id: int, as_json: bool) -> None:
    """Apply what the warehouse shipped for review item ID.

    The shipment becomes shipped with the shipped quantities and packages of
    the kept update, exactly as receiving a full update would have left it.
    Refused, with nothing changed, when the item is not pending or the
    shipment was shipped or cancelled since.
    """
    _print_decision(state, state.host.accept_review(item_id), as_json)


@review_group.command("dismiss")
@click.argument("item_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@pass_state
def review_dismiss(state: CliState, item_id: int, as_json: bool) -> None:
    """Close review item ID without applying anything."""
    _print_decision(state, state.host.dismiss_review(item_id), as_json)


def _print_decision(state: CliState, decision: ReviewDecision, as_json: bool) -> None:
    if as_json:
        state.out.json(decision.as_json())
        return
    state.out.out.print(plain(f"{decision.message} (run {decision.run_id})"))


def _items_table(items: list[ReviewItem]) -> Table:
    table = Table("ID", "Shipment", "Channel", "Status", "Received (UTC)", "Shipped / ordered")
    for item in items:
        lines = ", ".join(
            f"{line.sku} {line.shipped_quantity}/{line.ordered_quantity}" for line in item.lines
        )
        table.add_row(
            str(item.id),
            plain(item.shipment_number),
            plain(item.channel),
            item.status.value,
            item.received_at.strftime("%m-%d %H:%M:%S"),
            plain(lines),
        )
    return table


def register(group: click.Group) -> None:
    group.add_command(review_group)
