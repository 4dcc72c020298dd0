"""The receive cursor: encoding and ordering."""

from __future__ import annotations

import re

import pytest

from plugins.leanafy.cursor import BadCursor, Cursor, ResumePoint, Unplaced


def test_round_trip_keeps_leanafys_own_timestamp():
    cursor = Cursor.of({"_id": "a" * 24, "updated_at": "2026-01-02T03:04:05.000006Z"})
    text = cursor.encode()
    assert Cursor.decode(text) == cursor
    assert Cursor.decode(text).updated_at == "2026-01-02T03:04:05.000006Z"


def test_order_is_timestamp_then_id():
    early = Cursor("2026-01-01T00:00:00Z", "b" * 24)
    same_time = Cursor("2026-01-01T00:00:00+00:00", "c" * 24)
    later = Cursor("2026-01-01T00:00:01Z", "a" * 24)
    assert same_time.is_after(early) and later.is_after(same_time)
    assert not early.is_after(early)
    assert early.is_after(None)


@pytest.mark.parametrize("text", ["", "garbage", "v2|2026-01-01T00:00:00Z|x", "v1|not-a-time|x"])
def test_a_cursor_we_did_not_write_is_refused(text):
    with pytest.raises(BadCursor):
        Cursor.decode(text)


def test_none_means_from_the_start():
    assert Cursor.decode(None) is None


@pytest.mark.parametrize(
    ("record", "field", "said"),
    [
        ({"_id": "a" * 24}, "updated_at", "no updated_at"),
        ({"_id": "a" * 24, "updated_at": "yesterday"}, "updated_at", "'yesterday' is not an RFC"),
        ({"_id": "a" * 24, "updated_at": 5}, "updated_at", "5 is not an RFC 3339 timestamp"),
        ({"updated_at": "2026-01-01T00:00:00Z"}, "_id", "no _id"),
        ({"_id": ["x"], "updated_at": "2026-01-01T00:00:00Z"}, "_id", "['x'] is not a string"),
    ],
)
def test_a_record_without_a_readable_place_is_unplaced_naming_the_field(record, field, said):
    with pytest.raises(Unplaced, match=re.escape(said)) as unplaced:
        Cursor.of(record)
    assert unplaced.value.field == field


def test_the_resume_point_moves_with_passed_records_until_held():
    early = Cursor("2026-01-01T00:00:00Z", "a" * 24)
    later = Cursor("2026-01-02T00:00:00Z", "b" * 24)
    resume = ResumePoint(None)
    resume.passed(None)  # a record not ours without a place moves nothing
    assert resume.encode() is None
    resume.passed(early)
    resume.hold()
    resume.passed(later)
    assert resume.cursor == early and Cursor.decode(resume.encode()) == early
