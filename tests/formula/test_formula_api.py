"""The public API of blockyard.formula: names, attributes, dependencies, rendering, purity."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import datetime, timezone

import pytest

import formula_fakes as fakes
from blockyard import formula
from blockyard.formula import (CompiledFormula, FormulaError, PropertyInfo, compile_formula,
                               compute_rollup)
from formula_fakes import MAIN, MAIN_DS, WORKSPACE_ID, FakeRow, FakeSchema, P

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def test_exported_names():
    assert sorted(formula.__all__) == sorted(
        ["FormulaError", "PropertyInfo", "Schema", "Row", "CompiledFormula", "compile_formula", "compute_rollup"])


def test_formula_error_has_a_message():
    with pytest.raises(FormulaError) as info:
        compile_formula('prop("Missing") + 1', MAIN)
    assert isinstance(info.value, Exception)
    assert info.value.message == str(info.value)
    assert "Missing" in info.value.message
    assert info.value.kind == "MissingPropertyOnThisRow"
    assert (info.value.start, info.value.end) == (0, 15)


def test_property_info_is_a_frozen_dataclass():
    info = PropertyInfo("a%3Bb", "A", "number", {})
    assert [f.name for f in dataclasses.fields(info)] == ["id", "name", "type", "config"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.name = "B"  # type: ignore[misc]


def test_compiled_formula_shape():
    compiled = compile_formula('prop("Number") * 2', MAIN)
    assert isinstance(compiled, CompiledFormula)
    assert compiled.result_type == "number"
    assert compiled.dependencies == frozenset({"num1"})
    assert compiled.related_dependencies == frozenset()
    assert compiled.uses_now is False
    assert compiled.evaluate(FakeRow(MAIN, {"Number": 4}), NOW) == {"type": "number", "number": 8}


@pytest.mark.parametrize("expr,api_type", [
    ("1", "number"), ('"a"', "string"), ("true", "boolean"), ("now()", "date"),
    ("[1, 2]", "string"), ('prop("People")', "string"), ('prop("Tasks")', "string"),
    ('if(true, 1, "a")', "string"), ("empty()", "string"), ('prop("Formula Unknown")', "string"),
    ('prop("Formula Number")', "number"), ('prop("Task Count")', "number"), ('prop("First Due")', "date"),
    ('if(true, now(), empty())', "date"), ('prop("Created By")', "string"),
])
def test_result_types(expr, api_type):
    assert compile_formula(expr, MAIN).result_type == api_type


def test_dependencies_through_relations():
    compiled = compile_formula(
        'prop("Number") + prop("Tasks").map(current.prop("Points")).sum() + prop("Tasks").length()', MAIN)
    assert compiled.dependencies == frozenset({"num1", "rel1"})
    assert compiled.related_dependencies == frozenset({("rel1", "tpts")})


def test_nested_relation_dependencies_are_per_hop():
    compiled = compile_formula('prop("Tasks").map(current.prop("Subtasks").map(current.prop("Name")))', MAIN)
    assert compiled.dependencies == frozenset({"rel1"})
    assert compiled.related_dependencies == frozenset({("rel1", "tsub"), ("tsub", "title")})


def test_uses_now_flags_clock_dependent_formulas():
    assert compile_formula("dateBetween(now(), parseDate(\"2024-01-01\"), \"days\")", MAIN).uses_now
    assert compile_formula("today()", MAIN).uses_now
    assert not compile_formula('formatDate(prop("Date"), "YYYY")', MAIN).uses_now


def test_now_is_passed_in_and_naive_means_utc():
    compiled = compile_formula("now()", MAIN)
    row = FakeRow(MAIN)
    naive = compiled.evaluate(row, datetime(2024, 5, 1, 12, 0))
    aware = compiled.evaluate(row, datetime(2024, 5, 1, 14, 0, tzinfo=timezone.utc))
    assert naive["date"]["start"] == "2024-05-01T12:00:00.000+00:00"
    assert aware["date"]["start"] == "2024-05-01T14:00:00.000+00:00"


def test_runtime_errors_give_null_of_the_result_type():
    compiled = compile_formula('-prop("Number")', MAIN)
    assert compiled.evaluate(FakeRow(MAIN), NOW) == {"type": "number", "number": None}


def test_one_compiled_formula_serves_many_rows():
    compiled = compile_formula('prop("Name") + "!"', MAIN)
    assert [compiled.evaluate(FakeRow(MAIN, {"Name": n}), NOW)["string"] for n in ("a", "b")] == ["a!", "b!"]


def test_stored_form_survives_a_rename():
    compiled = compile_formula('/* double */ prop("Number") * 2', MAIN)
    stored = compiled.expression_for_api(MAIN, MAIN_DS, WORKSPACE_ID, style="stored")
    assert stored == ("/* double */ {{notion:block_property:num1:" + MAIN_DS + ":" + WORKSPACE_ID + "}} * 2")
    renamed = MAIN.renamed("num1", "Amount")
    again = compile_formula(stored, renamed)
    assert again.expression_for_api(renamed, MAIN_DS, WORKSPACE_ID) == '/* double */ prop("Amount") * 2'
    # expression_for_api with a newer schema re-resolves by id
    assert compiled.expression_for_api(renamed, MAIN_DS, WORKSPACE_ID) == '/* double */ prop("Amount") * 2'


def test_a_name_that_does_not_identify_the_property_renders_as_a_token():
    schema = FakeSchema([P("a1", "Dup", "number"), P("a2", "Dup", "number")])
    token = "{{notion:block_property:a2:" + MAIN_DS + ":" + WORKSPACE_ID + "}}"
    compiled = compile_formula(token + " + 1", schema)
    assert compiled.dependencies == frozenset({"a2"})
    assert compiled.expression_for_api(schema, MAIN_DS, WORKSPACE_ID) == token + " + 1"


def test_canonical_token_print():
    compiled = compile_formula('(prop("Number")+1)*2 > 3 and not prop("Done")', MAIN)
    tok = lambda pid: "{{notion:block_property:%s:%s:%s}}" % (pid, MAIN_DS, WORKSPACE_ID)  # noqa: E731
    assert compiled.expression_for_api(MAIN, MAIN_DS, WORKSPACE_ID, style="token") == (
        f"((({tok('num1')} + 1) * 2) > 3) and not {tok('chk1')}")


def test_member_tokens_use_the_related_data_source():
    compiled = compile_formula('prop("Tasks").map(current.prop("Points"))', MAIN)
    stored = compiled.expression_for_api(MAIN, MAIN_DS, WORKSPACE_ID, style="stored")
    assert stored == ("{{notion:block_property:rel1:%s:%s}}.map(current.{{notion:block_property:tpts:%s:%s}})"
                      % (MAIN_DS, WORKSPACE_ID, fakes.TASKS_DS, WORKSPACE_ID))
    assert compile_formula(stored, MAIN).expression_for_api(MAIN, MAIN_DS, WORKSPACE_ID) == \
        'prop("Tasks").map(current.prop("Points"))'


def test_relation_without_rows_falls_back_to_ids():
    class IdsOnlyRow(FakeRow):
        def related(self, relation_prop_id):
            return []
    row = IdsOnlyRow(MAIN, {"Tasks": [{"Name": "a"}, {"Name": "b"}]})
    assert compile_formula('prop("Tasks").length()', MAIN).evaluate(row, NOW) == {"type": "number", "number": 2}


def test_compute_rollup_is_exported():
    target = PropertyInfo("title", "Name", "title", {})
    assert compute_rollup("count", target, []) == {"type": "number", "number": 0, "function": "count"}


def test_import_is_light():
    code = ("import sys; import blockyard.formula; "
            "heavy = [m for m in ('sqlalchemy', 'httpx', 'uvicorn', 'yaml', 'orjson') if m in sys.modules]; "
            "print(','.join(heavy))")
    src = str(fakes.pathlib.Path(fakes.__file__).resolve().parents[2] / "src")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": src}, check=True)
    assert out.stdout.strip() == ""
