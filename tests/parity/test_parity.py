"""Parity with real Notion: replay the recorded traffic and hold the identical share at its threshold.

The threshold (`threshold.json`) only ever rises: set it to the share measured, rounded down, when
parity improves. The report of every mismatch is written to build/parity/report.md (and .json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parity_cassettes import CASSETTE_ROOT
from parity_compare import Comparer

THRESHOLD_FILE = Path(__file__).with_name("threshold.json")


def test_identical_share_holds_threshold() -> None:
    if not CASSETTE_ROOT.is_dir():
        pytest.skip(f"no recorded Notion traffic at {CASSETTE_ROOT.resolve()} (../shared/notion-traffic from the repo)")
    from parity_harness import DEFAULT_REPORT_DIR, run, table

    threshold = json.loads(THRESHOLD_FILE.read_text())["identical_share"]
    summary = run(CASSETTE_ROOT, DEFAULT_REPORT_DIR)
    print(table(summary))
    assert summary["interactions"] > 1000, "the replay measured far fewer interactions than were recorded"
    assert summary["identical_share"] >= threshold, (
        f"identical share {summary['identical_share']:.2%} fell below the threshold {threshold:.2%}; "
        f"see {DEFAULT_REPORT_DIR / 'report.md'}")


def _diffs(rec, ours, sorted_results=False):  # type: ignore[no-untyped-def]
    cmp = Comparer(lambda i: i, sorted_results)
    cmp.compare(rec, ours)
    return [(d.where, d.kind) for d in cmp.diffs]


def test_compare_accepts_same_shape_with_other_values() -> None:
    rec = {"object": "page", "id": "a", "n": 1, "t": [{"plain_text": "x"}], "url": "https://a", "request_id": "r"}
    ours = {"object": "page", "id": "b", "n": 2.5, "t": [{"plain_text": "y"}], "url": None}
    assert _diffs(rec, ours) == []


def test_compare_reports_keys_types_nulls_and_enum_values() -> None:
    rec = {"object": "block", "type": "paragraph", "gone": 1, "v": "s", "z": None, "has_children": True}
    ours = {"object": "block", "type": "heading_1", "new": 1, "v": 3, "z": "x", "has_children": False}
    assert sorted(_diffs(rec, ours)) == sorted([
        ("$.gone", "missing_key"), ("$.new", "extra_key"), ("$.type", "value"), ("$.v", "type"), ("$.z", "null"),
        ("$.has_children", "value")])


def test_compare_results_as_sets_and_in_order_when_sorted() -> None:
    rec = {"object": "list", "results": [{"id": "1"}, {"id": "2"}], "has_more": False}
    swapped = {"object": "list", "results": [{"id": "2"}, {"id": "1"}], "has_more": False}
    assert _diffs(rec, swapped) == []
    assert _diffs(rec, swapped, sorted_results=True) == [("$.results", "order")]
    fewer = {"object": "list", "results": [{"id": "1"}], "has_more": False}
    assert _diffs(rec, fewer) == [("$.results", "results")]
