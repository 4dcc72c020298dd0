"""The sync options carry what it takes to call their hooks and treat their records."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from techoms_core import hookspecs, rules
from techoms_core.models import Product
from techoms_core.models.results import Status
from techoms_core.options import SYNC_OPTIONS, Shape, option_named

ROOT = Path(__file__).resolve().parents[2]
OPTION_FIELDS = {"key", "hook", "records", "shape", "batch", "label"}


@pytest.mark.parametrize("option", SYNC_OPTIONS, ids=lambda option: option.key)
def test_an_option_gives_exactly_the_parameters_its_hook_specifies(option) -> None:
    specified = [name for name in inspect.signature(getattr(hookspecs, option.hook)).parameters]
    given = option.arguments(batch=["a record"], cursor="c-1")
    assert ["context", *given] == specified
    if option.shape is Shape.SEND:
        assert given == {option.batch: ["a record"]}
    elif option.shape is Shape.RECEIVE:
        assert given == {"cursor": "c-1"} and option.batch is None
    else:
        assert given == {} and option.batch is None


def test_the_options_keyed_by_sku_are_the_product_and_inventory_ones() -> None:
    keyed = [option.key for option in SYNC_OPTIONS if option.keyed_by_sku]
    assert keyed == ["import-products", "export-products", "update-products", "receive-inventory"]


def _product(sku: str, description: str | None = "A thing") -> Product:
    return Product(sku=sku, name=sku, uom="EA", description=description)


def test_one_screening_for_every_send_batch() -> None:
    export = option_named("export-products")
    batch = [_product("CAP"), _product(" cap "), _product("MUG", description=None)]
    ready, early = rules.screen_batch(export, batch, ("sku", "name", "uom", "description"))
    assert [product.sku for product in ready] == ["CAP"]
    assert {(result.key, result.status) for result in early} == {
        ("cap", Status.SKIPPED),
        ("MUG", Status.FAILED),
    }


def test_no_module_compares_an_option_field_with_a_literal() -> None:
    """What an option means for a call is on the option (batch, keyed_by_sku,
    shape, arguments), never decided by testing its key or hook by name."""
    found = []
    for path in sorted([*(ROOT / "techoms_core").rglob("*.py"), *(ROOT / "plugins").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            names_option_field = any(
                isinstance(side, ast.Attribute)
                and side.attr in OPTION_FIELDS
                and "option" in ast.unparse(side.value).lower()
                for side in sides
            )
            literal = any(
                isinstance(side, ast.Constant | ast.Tuple | ast.Set | ast.List)
                and all(isinstance(c, ast.Constant) for c in getattr(side, "elts", [side]))
                for side in sides
            )
            if names_option_field and literal:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert found == []
