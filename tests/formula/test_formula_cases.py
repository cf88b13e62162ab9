"""The table-driven formula suite: every case in cases/*.yaml is one test.

A case:
    expr:    the formula (request form, token form, comments...)
    props:   shorthand values of the row's properties (see formula_fakes.api_value)
    now:     the evaluation instant (default 2023-09-07T10:00Z, the date of Notion's examples)
    page_id: the row's page id
    one expected result:
      number: 4 | string: "x" | boolean: true | date: {start, end, time_zone} (null = empty)
      error: <FormulaError kind>        (optionally message: <text the message contains>)
    rendered: expected expression_for_api(style="prop")
    token:    expected expression_for_api(style="token")
"""

from __future__ import annotations

import pathlib
from datetime import datetime, timezone

import pytest
import yaml

import formula_fakes  # noqa: F401  (puts src on sys.path)
from blockyard.formula import FormulaError, compile_formula
from formula_fakes import MAIN, MAIN_DS, WORKSPACE_ID, FakeRow

CASES_DIR = pathlib.Path(__file__).parent / "cases"
DEFAULT_NOW = datetime(2023, 9, 7, 10, 0, tzinfo=timezone.utc)
RESULT_KEYS = ("number", "string", "boolean", "date")


def load_cases():
    cases = []
    for path in sorted(CASES_DIR.glob("formula_*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            cases.append(pytest.param(case, id=f"{path.stem}[{i}] {case['expr'][:60]}"))
    return cases


CASES = load_cases()


def parse_now(value) -> datetime:
    if value is None:
        return DEFAULT_NOW
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def test_there_are_enough_cases():
    assert len(CASES) >= 300


@pytest.mark.parametrize("case", CASES)
def test_formula_case(case):
    expected_keys = [k for k in RESULT_KEYS if k in case]
    assert len(expected_keys) + ("error" in case) == 1, "a case states exactly one expected result"
    if "error" in case:
        with pytest.raises(FormulaError) as info:
            compile_formula(case["expr"], MAIN)
        assert info.value.kind == case["error"], info.value.message
        if "message" in case:
            assert case["message"] in info.value.message
        assert info.value.message
        return
    compiled = compile_formula(case["expr"], MAIN)
    key = expected_keys[0]
    assert compiled.result_type == key
    row = FakeRow(MAIN, case.get("props") or {}, case.get("page_id"))
    result = compiled.evaluate(row, parse_now(case.get("now")))
    expected = case[key]
    if key == "date" and expected is not None:
        expected = {"start": expected["start"], "end": expected.get("end"),
                    "time_zone": expected.get("time_zone")}
    assert result == {"type": key, key: expected}
    if key == "number" and expected is not None and float(expected).is_integer():
        assert isinstance(result["number"], int), "integral numbers print without a fraction"
    if "rendered" in case:
        assert compiled.expression_for_api(MAIN, MAIN_DS, WORKSPACE_ID) == case["rendered"]
    if "token" in case:
        assert compiled.expression_for_api(MAIN, MAIN_DS, WORKSPACE_ID, style="token") == case["token"]


def test_every_function_has_blank_and_error_cases():
    """Each library function (and if/ifs/let/lets) appears in at least one error case and in at
    least one case fed by a blank property, an empty list or empty()."""
    import re

    from blockyard.formula.functions import load

    cases = [c.values[0] for c in CASES]
    missing = []
    for name in sorted(set(load()) | {"if", "ifs", "let", "lets"}):
        call = re.compile(r"(?<![\w])" + re.escape(name) + r"\(")
        has_error = any("error" in c and call.search(c["expr"]) for c in cases)
        has_blank = any("error" not in c and call.search(c["expr"]) and not c.get("props")
                        and ("prop(" in c["expr"] or "empty()" in c["expr"] or "[]" in c["expr"]
                             or name in ("now", "today", "pi", "e"))
                        for c in cases)
        if not (has_error and has_blank):
            missing.append(name)
    assert missing == []
