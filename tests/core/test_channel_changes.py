"""Unsaved mapping changes: rows added, replaced and removed before Save."""

from __future__ import annotations

import pytest

from techoms_core.channel_changes import MappingChanges, row_columns
from techoms_core.mappings import MappingError, ReferenceRow

STORED = [("a", ("A", "a-1")), ("b", ("B", "b-1"))]


def test_added_rows_are_edited_in_place_and_stored_rows_are_removed():
    changes = MappingChanges(kind="sku").adding([("C", "c-1"), ("D", "d-1")])
    changes = changes.replacing("new-0", ("C", "c-2")).removing("new-1").removing("a")
    assert changes.rows(STORED) == [("b", ("B", "b-1")), ("new-0", ("C", "c-2"))]
    assert changes.problems(STORED) == ()
    replaced = changes.replacing("b", ("B", "b-2"))
    assert replaced.rows(STORED) == [("new-0", ("C", "c-2")), ("new-1", ("B", "b-2"))]
    assert not replaced.empty and MappingChanges(kind="sku").empty
    # An added row the page showed before a Save emptied the draft.
    with pytest.raises(MappingError, match="'new-0' is not there"):
        MappingChanges(kind="sku").removing("new-0")


def test_problems_are_the_stores_rules_over_the_rows_kept():
    contradicting = MappingChanges(kind="sku", added=[("Z", "a-1")])
    [problem] = contradicting.problems(STORED)
    assert problem.index == 0 and "a-1" in problem.message
    # Once the row holding a-1 is removed, the same row is fine.
    assert contradicting.removing("a").problems(STORED) == ()
    [gone] = MappingChanges(kind="sku", removed={"x"}).problems(STORED)
    assert gone.index == -1 and "'x' is not there" in gone.message


def test_an_unknown_kind_is_refused_and_rows_read_as_csv_columns():
    with pytest.raises(ValueError, match="mapping kind: 'colour'"):
        MappingChanges(kind="colour")
    row = ReferenceRow(level="sales_order", code="PO", property="customer_po")
    assert row_columns("reference", row) == {
        "level": "sales_order",
        "code": "PO",
        "property": "customer_po",
    }
