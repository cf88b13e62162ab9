"""Property test: generated schemas, rows, filters and sorts; every answer checked against a plain
Python evaluator of Notion's filter semantics."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from blockyard.query import dates
from query_support import insert_rows, make_db, query, rich, schema_of

TYPES = ("rich_text", "number", "checkbox", "select", "multi_select", "date")
OPTIONS = ("red", "green", "blue")
# Digits so that text sorts exercise natural order ("a9" before "a10").
WORDS = st.text(alphabet="abAB _%019", min_size=1, max_size=4)
DAY0 = date(2024, 3, 1)


def value_for(t: str) -> st.SearchStrategy[Any]:
    if t == "rich_text":
        return st.one_of(st.just(""), WORDS)
    if t == "number":
        return st.one_of(st.none(), st.integers(-3, 3), st.sampled_from([0.5, -1.5]))
    if t == "checkbox":
        return st.booleans()
    if t == "select":
        return st.one_of(st.none(), st.sampled_from(OPTIONS))
    if t == "multi_select":
        return st.lists(st.sampled_from(OPTIONS), unique=True, max_size=3)
    return st.one_of(
        st.none(),
        st.integers(0, 4).map(lambda d: (DAY0 + timedelta(days=d)).isoformat()),
        st.tuples(st.integers(0, 4), st.integers(0, 23)).map(
            lambda p: datetime(2024, 3, 1 + p[0], p[1], tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")),
    )


def condition_for(t: str) -> st.SearchStrategy[tuple[str, Any]]:
    empties = st.sampled_from([("is_empty", True), ("is_not_empty", True)])
    if t == "rich_text":
        ops = ("equals", "does_not_equal", "contains", "does_not_contain", "starts_with", "ends_with")
        return st.one_of(empties, st.tuples(st.sampled_from(ops), WORDS))
    if t == "number":
        ops = ("equals", "does_not_equal", "greater_than", "less_than", "greater_than_or_equal_to", "less_than_or_equal_to")
        return st.one_of(empties, st.tuples(st.sampled_from(ops), st.integers(-3, 3)))
    if t == "checkbox":
        return st.tuples(st.sampled_from(["equals", "does_not_equal"]), st.booleans())
    names = st.one_of(st.sampled_from(OPTIONS), st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=2))
    if t == "select":
        return st.one_of(empties, st.tuples(st.sampled_from(["equals", "does_not_equal"]), names))
    if t == "multi_select":
        return st.one_of(empties, st.tuples(st.sampled_from(["contains", "does_not_contain"]), names))
    operand = st.one_of(
        st.integers(0, 4).map(lambda d: (DAY0 + timedelta(days=d)).isoformat()),
        st.tuples(st.integers(0, 4), st.integers(0, 23)).map(
            lambda p: datetime(2024, 3, 1 + p[0], p[1], tzinfo=timezone.utc).isoformat()),
    )
    return st.one_of(empties, st.tuples(st.sampled_from(["equals", "before", "after", "on_or_before", "on_or_after"]), operand))


# --- the reference evaluator ----------------------------------------------------------------------

def holds(t: str, v: Any, op: str, x: Any) -> bool:
    empty = v in (None, "", []) if t != "checkbox" else False
    if op == "is_empty":
        return empty
    if op == "is_not_empty":
        return not empty
    if op.startswith("does_not_"):
        return not holds(t, v, {"does_not_equal": "equals", "does_not_contain": "contains"}[op], x)
    if t == "rich_text":
        a, b = v.lower(), x.lower()
        return bool(v) and {"equals": a == b, "contains": b in a, "starts_with": a.startswith(b), "ends_with": a.endswith(b)}[op]
    if t == "number":
        if v is None:
            return False
        return {"equals": v == x, "greater_than": v > x, "less_than": v < x,
                "greater_than_or_equal_to": v >= x, "less_than_or_equal_to": v <= x}[op]
    if t == "checkbox":
        return v == x
    xs = x if isinstance(x, list) else [x]
    if t == "select":
        return v in xs
    if t == "multi_select":
        return any(o in v for o in xs)
    if v is None:
        return False
    ms = dates.parse_operand(v)[0]
    at, day = dates.parse_operand(x)
    end = at + dates.DAY_MS if day else at
    return {"equals": at <= ms < end if day else ms == at, "before": ms < at,
            "after": ms >= end if day else ms > at, "on_or_before": ms < end if day else ms <= at,
            "on_or_after": ms >= at}[op]


def sort_key(t: str, v: Any, desc: bool) -> tuple[Any, ...]:
    if t == "checkbox":
        return (0, -int(v) if desc else int(v))
    if t == "multi_select":
        v = v[0] if v else None
    if v in (None, ""):
        return (1, 0)
    if t in ("select", "multi_select"):
        k: Any = OPTIONS.index(v)
    elif t == "rich_text":
        k = (natural(v.lower()), v.lower())
        return (0, _Rev(k) if desc else k)
    elif t == "date":
        k = dates.parse_operand(v)[0]
    else:
        k = v
    return (0, -k if desc else k)


def natural(s: str) -> list[tuple[int, ...]]:
    """Natural order, compared character by character: a run of digits counts as one digit character
    and compares with other runs by value (shortest unpadded form first)."""
    out: list[tuple[int, ...]] = []
    for chunk in re.findall(r"[0-9]+|[^0-9]", s):
        if chunk.isdigit():
            digits = chunk.lstrip("0") or "0"
            out.append((ord("0"), len(digits), int(digits)))
        else:
            out.append((ord(chunk),))
    return out


class _Rev:
    def __init__(self, s: Any) -> None:
        self.s = s

    def __lt__(self, other: "_Rev") -> bool:
        return self.s > other.s

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rev) and self.s == other.s


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=4))
    n = draw(st.integers(0, 8))
    rows = [[draw(value_for(t)) for t in types] for _ in range(n)]
    leaf = st.integers(0, len(types) - 1).flatmap(lambda i: condition_for(types[i]).map(lambda c: (i, c)))
    group = st.lists(leaf, min_size=1, max_size=3)
    flt = draw(st.one_of(
        leaf.map(lambda l: ("leaf", l)),
        st.tuples(st.sampled_from(["and", "or"]), st.lists(st.one_of(leaf.map(lambda l: ("leaf", l)),
                                                                    st.tuples(st.sampled_from(["and", "or"]), group)),
                                                          max_size=3)),
    ))
    sorts = draw(st.lists(st.tuples(st.integers(0, len(types) - 1), st.booleans()), max_size=2))
    return {"types": types, "rows": rows, "filter": flt, "sorts": sorts}


def filter_json(node: Any, types: list[str]) -> dict[str, Any]:
    kind, body = node
    if kind == "leaf":
        i, (op, x) = body
        return {"property": f"P{i}", types[i]: {op: x}}
    items = []
    for child in body:
        if child[0] == "leaf":
            items.append(filter_json(child, types))
        else:
            items.append({child[0]: [filter_json(("leaf", leafy), types) for leafy in child[1]]})
    return {kind: items}


def evaluate(node: Any, types: list[str], row: list[Any]) -> bool:
    kind, body = node
    if kind == "leaf":
        i, (op, x) = body
        return holds(types[i], row[i], op, x)
    results = []
    for child in body:
        if child[0] == "leaf":
            results.append(evaluate(child, types, row))
        else:
            inner = [evaluate(("leaf", leafy), types, row) for leafy in child[1]]
            results.append(all(inner) if child[0] == "and" else any(inner))
    # An empty group constrains nothing.
    return all(results) if kind == "and" or not results else any(results)


def stored(t: str, v: Any, prop: dict[str, Any]) -> Any:
    if t == "rich_text":
        return rich(v) if v else []
    if t == "select":
        return None if v is None else next({"id": o["id"], "name": o["name"], "color": o["color"]} for o in prop["select"]["options"] if o["name"] == v)
    if t == "multi_select":
        return [next({"id": o["id"], "name": o["name"], "color": o["color"]} for o in prop["multi_select"]["options"] if o["name"] == n) for n in v]
    if t == "date":
        return None if v is None else {"start": v, "end": None, "time_zone": None}
    return v


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(scenario=scenarios())
def test_filters_and_sorts_match_reference(ws, plan, scenario):  # type: ignore[no-untyped-def]
    types, rows = scenario["types"], scenario["rows"]
    schema_json: dict[str, Any] = {"Name": {"title": {}}}
    for i, t in enumerate(types):
        config: dict[str, Any] = {"options": [{"name": o} for o in OPTIONS]} if t in ("select", "multi_select") else {}
        schema_json[f"P{i}"] = {t: config}
    _db, ds = make_db(ws, schema_json)
    schema = schema_of(ws, ds)
    by_name = {p["name"]: (pid, p) for pid, p in schema.items()}
    stored_rows = []
    for n, row in enumerate(rows):
        props = {"title": rich(f"row{n}")}
        for i, t in enumerate(types):
            pid, prop = by_name[f"P{i}"]
            props[pid] = stored(t, row[i], prop)
        stored_rows.append(props)
    insert_rows(ws, ds, stored_rows)

    flt = filter_json(scenario["filter"], types)
    sorts = [{"property": f"P{i}", "direction": "descending" if d else "ascending"} for i, d in scenario["sorts"]]
    got = [r["properties"]["Name"]["title"][0]["plain_text"] for r in query(ws, ds, filter=flt, sorts=sorts)["results"]]

    expected = [n for n in range(len(rows)) if evaluate(scenario["filter"], types, rows[n])]
    expected.sort(key=lambda n: -n)  # ties: newest first
    for i, desc in reversed(scenario["sorts"]):
        expected.sort(key=lambda n: sort_key(types[i], rows[n][i], desc))
    assert got == [f"row{n}" for n in expected]
