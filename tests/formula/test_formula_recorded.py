"""Regression tests from recorded Notion API traffic (computed.md §7, cassettes S1).

* recorded_printing.yaml: formula expressions as sent (prop("...") form) and as Notion's
  2026-03-11 schema responses printed them (token form), with the data source's schema.
* The task-database rows: the same formulas evaluated on the recorded pages give the recorded
  values.
"""

from __future__ import annotations

import pathlib
from datetime import datetime, timezone

import pytest
import yaml

import formula_fakes  # noqa: F401  (puts src on sys.path)
from blockyard.formula import PropertyInfo, compile_formula
from formula_fakes import FakeRow, FakeSchema

WORKSPACE = "00000000-0000-4000-8000-0000000000f0"
PAIRS = yaml.safe_load((pathlib.Path(__file__).parent / "cases" / "recorded_printing.yaml").read_text("utf-8"))


def schema_of(pair) -> FakeSchema:
    return FakeSchema([PropertyInfo(p["id"], p["name"], p["type"], {}) for p in pair["schema"]])


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p['source'].split('/')[-1]}:{p['property']}" for p in PAIRS])
def test_token_form_printing_matches_recording(pair):
    schema = schema_of(pair)
    compiled = compile_formula(pair["request"], schema)
    printed = compiled.expression_for_api(schema, pair["data_source_id"], WORKSPACE, style="token")
    assert printed == pair["response"]


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p['source'].split('/')[-1]}:{p['property']}" for p in PAIRS])
def test_token_form_is_accepted_and_rendered_back_with_names(pair):
    schema = schema_of(pair)
    from_tokens = compile_formula(pair["response"], schema)
    from_names = compile_formula(pair["request"], schema)
    assert from_tokens.result_type == from_names.result_type
    assert from_tokens.dependencies == from_names.dependencies
    # canonical printing is a fixed point
    assert from_tokens.expression_for_api(schema, pair["data_source_id"], WORKSPACE, style="token") == pair["response"]
    # today's behaviour: the request form comes back as written
    assert from_names.expression_for_api(schema, pair["data_source_id"], WORKSPACE) == pair["request"]
    # and a token-form expression is shown with prop("Name")
    assert "{{notion:" not in from_tokens.expression_for_api(schema, pair["data_source_id"], WORKSPACE)


def _pair(source, prop):
    return next(p for p in PAIRS if p["source"].endswith(source) and p["property"] == prop)


# test_simple_taskdb: pages created at 2026-06-27T16:58Z, Urgency as recorded.
SIMPLE_ROWS = [
    ("Backlog", "2026-07-21T18:58:00.000+02:00", "🕐 3w3d"),
    ("Backlog", "2026-07-13T18:58:00.000+02:00", "🕐 2w2d"),
    ("In Progress", "2026-07-02T18:58:00.000+02:00", "🕐 5d"),
    ("In Progress", "2026-06-28T18:58:00.000+02:00", "🕐 1d"),
    ("In Progress", "2026-06-27T18:58:00.000+02:00", "🔹 Today"),
    ("Done", "2026-06-26T18:58:00.000+02:00", "✅"),
    ("Blocked", "2026-06-22T18:58:00.000+02:00", "🔥 -5d"),
    ("Done", "2026-06-19T18:58:00.000+02:00", "✅"),
    ("In Progress", "2026-06-11T18:58:00.000+02:00", "🔥 -2w2d"),
]


@pytest.mark.parametrize("form", ["request", "response"])
@pytest.mark.parametrize("status,due,expected", SIMPLE_ROWS)
def test_simple_taskdb_urgency(form, status, due, expected):
    pair = _pair("test_simple_taskdb.yaml", "Urgency")
    schema = schema_of(pair)
    compiled = compile_formula(pair[form], schema)
    assert compiled.result_type == "string"
    row = FakeRow(schema, {"Status": status, "Due Date": due})
    # seconds past the minute do not matter: formula dates have minute precision
    now = datetime(2026, 6, 27, 16, 58, 41, tzinfo=timezone.utc)
    assert compiled.evaluate(row, now) == {"type": "string", "string": expected}


NEW_TASK_ROWS = [
    ("Done", "2024-01-01", "2024-01-01", "✅ Done", True),
    ("Backlog", "2024-01-02", "2024-01-02", "🔥 Overdue", False),
    ("In Progress", "2024-01-01", "2024-01-01", "🔥 Overdue", False),
]


@pytest.mark.parametrize("status,due,due_by,urgency,done", NEW_TASK_ROWS)
def test_new_task_db_formulas(status, due, due_by, urgency, done):
    now = datetime(2026, 6, 27, 17, 2, tzinfo=timezone.utc)
    for prop, expected in (("Due by", {"type": "date", "date": {"start": due_by, "end": None, "time_zone": None}}),
                           ("Urgency", {"type": "string", "string": urgency}),
                           ("Done", {"type": "boolean", "boolean": done})):
        pair = _pair("test_query_new_task_db.yaml", prop)
        schema = schema_of(pair)
        row = FakeRow(schema, {"Status": status, "Due Date": due, "Repeats": None})
        for form in ("request", "response"):
            assert compile_formula(pair[form], schema).evaluate(row, now) == expected, (prop, form)


def test_salary_formula_recorded_shape():
    pair = _pair("test_db_advanced.yaml", "Salary")
    schema = schema_of(pair)
    compiled = compile_formula(pair["request"], schema)
    assert compiled.result_type == "number"
    row = FakeRow(schema, {"Hiring Date": "2020-03-01"})
    now = datetime(2026, 6, 27, tzinfo=timezone.utc)
    # dateBetween(hiring, now) is negative: 50000 + (-6 * 1000)
    assert compiled.evaluate(row, now) == {"type": "number", "number": 44000}
