"""Rollup cases (cases/rollups.yaml): every rollup function with its value shape."""

from __future__ import annotations

import pathlib

import pytest
import yaml

import formula_fakes as fakes
from blockyard.formula import PropertyInfo, compute_rollup

CASES = yaml.safe_load((pathlib.Path(__file__).parent / "cases" / "rollups.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['function']}:{c['target']}" for i, c in enumerate(CASES)])
def test_rollup_case(case):
    target = PropertyInfo("tgt1", "Target", case["target"], {})
    values = [fakes.api_value(target, v) for v in case["values"]]
    result = compute_rollup(case["function"], target, values)
    if "expect" in case:
        assert result == case["expect"]
    else:
        assert result["type"] == "array"
        assert len(result["array"]) == case["expect_len"]
        assert [e["type"] for e in result["array"]] == case["expect_types"]
        assert all("id" not in e for e in result["array"])


def test_every_rollup_function_has_cases():
    from blockyard.formula.rollups import FUNCTIONS
    covered = {fakes_name(c["function"]) for c in CASES}
    assert set(FUNCTIONS) <= covered


def fakes_name(fn: str) -> str:
    from blockyard.formula.rollups import LEGACY_NAMES
    return LEGACY_NAMES.get(fn, fn)


def test_values_may_be_bare_inner_values():
    target = PropertyInfo("n", "N", "number", {})
    assert compute_rollup("sum", target, [1, 2, None]) == {"type": "number", "number": 3, "function": "sum"}


def test_show_original_elements_have_no_id_and_keep_order():
    target = PropertyInfo("n", "N", "number", {})
    values = [{"id": "n", "type": "number", "number": v} for v in (3, 1, 2)]
    result = compute_rollup("show_original", target, values)
    assert result == {"type": "array", "array": [{"type": "number", "number": v} for v in (3, 1, 2)],
                      "function": "show_original"}
    assert list(result) == ["type", "array", "function"]


def test_rollup_of_rollup_values_are_flattened_for_sums():
    target = PropertyInfo("r", "R", "rollup", {})
    values = [{"type": "rollup", "rollup": {"type": "array", "array": [{"type": "number", "number": 1},
                                                                     {"type": "number", "number": 2}],
                                           "function": "show_original"}},
              {"type": "rollup", "rollup": {"type": "number", "number": 4, "function": "sum"}}]
    assert compute_rollup("sum", target, values)["number"] == 7
