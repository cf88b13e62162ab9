"""Data-source queries through the official client: every type and condition, sorts, pagination, errors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from blockyard.clock import parse_iso
from query_support import add_row, insert_rows, make_db, query, rich, schema_of, sync, titles
from support import VERSIONS, text

SCHEMA = {
    "Name": {"title": {}}, "Notes": {"rich_text": {}}, "N": {"number": {}}, "Done": {"checkbox": {}},
    "S": {"select": {"options": [{"name": "b"}, {"name": "a"}, {"name": "c"}]}}, "St": {"status": {}},
    "Tags": {"multi_select": {"options": [{"name": "x"}, {"name": "y"}, {"name": "z"}]}},
    "When": {"date": {}}, "Who": {"people": {}}, "Rel": None,
    "Files": {"files": {}}, "Link": {"url": {}}, "Mail": {"email": {}}, "Phone": {"phone_number": {}},
    "ID": {"unique_id": {"prefix": "T"}}, "F": {"formula": {"expression": "if(prop(\"N\") == 1, \"one\", if(prop(\"N\") == 2.5, \"two\", \"\"))"}}, "R": {"rollup": {"function": "show_original", "relation_property_name": "Rel", "rollup_property_name": "Name"}},
    "Created": {"created_time": {}}, "Editor": {"last_edited_by": {}},
}
REL_A = "11111111-1111-4111-8111-111111111111"
REL_B = "22222222-2222-4222-8222-222222222222"
BASE = parse_iso("2024-01-01T00:00:00Z")
MIN = 60_000


def _opt(prop: dict[str, Any], t: str, name: str) -> dict[str, Any]:
    o = next(o for o in prop[t]["options"] if o["name"] == name)
    return {"id": o["id"], "name": o["name"], "color": o["color"]}


@pytest.fixture
def typed(ws):  # type: ignore[no-untyped-def]
    """A data source with one property of every type and rows covering values and empties."""
    _tdb, target = make_db(ws, {"Name": {"title": {}}}, title="Target")
    schema_json = {**SCHEMA, "Rel": {"relation": {"data_source_id": target, "single_property": {}}}}
    _db, ds = make_db(ws, schema_json)
    schema = schema_of(ws, ds)
    pid = {p["name"]: k for k, p in schema.items()}
    bot = ws.client().users.me()["id"]
    today = datetime.now(timezone.utc).date()

    def row(**values: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in values.items():
            t = schema[pid[name]]["type"]
            if t in ("title", "rich_text"):
                value = rich(value)
            elif t in ("select", "status"):
                value = _opt(schema[pid[name]], t, value)
            elif t == "multi_select":
                value = [_opt(schema[pid[name]], t, v) for v in value]
            elif t == "people":
                value = [{"object": "user", "id": u} for u in value]
            elif t == "relation":
                value = [{"id": r} for r in value]
            out[pid[name]] = value
        return out

    rows = [
        row(Name="Apple pie", Notes="Sweet and SOUR", N=1, Done=True, S="a", St="Done", Tags=["x", "y"],
            When={"start": "2024-01-15", "end": None, "time_zone": None}, Who=[ws.info.owner_id], Rel=[REL_A],
            Files=[{"name": "a.png", "type": "external", "external": {"url": "https://x/a.png"}}],
            Link="https://apple.com", Mail="pie@apple.com", Phone="+1 555", ID={"prefix": "T", "number": 1},
            F={"type": "string", "string": "one"}, R={"type": "array", "array": [{"type": "number", "number": 5}, {"type": "number", "number": 7}]}),
        row(Name="Banana", Notes="", N=2.5, Done=False, S="b", St="In progress", Tags=["y"],
            When={"start": "2024-01-15T10:30:00.000", "end": None, "time_zone": "Europe/Berlin"}, Who=[bot], Rel=[REL_A, REL_B],
            ID={"prefix": "T", "number": 2}, F={"type": "string", "string": "two"},
            R={"type": "array", "array": [{"type": "number", "number": 1}]}),
        row(Name="cherry", N=-3, Tags=[], When={"start": "2024-02-01", "end": "2024-02-03", "time_zone": None},
            ID={"prefix": "T", "number": 3}, F={"type": "string", "string": None}, R={"type": "array", "array": []}),
        row(Name="", ID={"prefix": "T", "number": 4}),
        row(Name="Today", When={"start": today.isoformat(), "end": None, "time_zone": None}, ID={"prefix": "T", "number": 5}),
        row(Name="Soon", When={"start": (today + timedelta(days=3)).isoformat(), "end": None, "time_zone": None},
            ID={"prefix": "T", "number": 6}),
    ]
    created = [BASE + i * MIN for i in range(len(rows))]
    insert_rows(ws, ds, rows, created=created)
    return ds, bot


def names(ws, ds, version="2026-03-11", **body):  # type: ignore[no-untyped-def]
    return set(titles(query(ws, ds, version, **body)))


ALL = {"Apple pie", "Banana", "cherry", "", "Today", "Soon"}

CASES: list[tuple[str, dict[str, Any], set[str]]] = [
    # text: case-insensitive; negative conditions include empty values
    ("Name", {"title": {"equals": "banana"}}, {"Banana"}),
    ("Name", {"rich_text": {"does_not_equal": "Banana"}}, ALL - {"Banana"}),
    ("Name", {"title": {"contains": "AN"}}, {"Banana"}),
    ("Name", {"title": {"does_not_contain": "a"}}, {"cherry", "", "Soon"}),
    ("Name", {"title": {"starts_with": "app"}}, {"Apple pie"}),
    ("Name", {"title": {"ends_with": "RY"}}, {"cherry"}),
    ("Name", {"title": {"is_empty": True}}, {""}),
    ("Name", {"title": {"is_not_empty": True}}, ALL - {""}),
    ("Notes", {"rich_text": {"contains": "sour"}}, {"Apple pie"}),
    ("Notes", {"rich_text": {"is_empty": True}}, ALL - {"Apple pie"}),
    ("Notes", {"rich_text": {"contains": "%"}}, set()),
    ("Link", {"url": {"contains": "apple"}}, {"Apple pie"}),
    ("Mail", {"email": {"ends_with": "@apple.com"}}, {"Apple pie"}),
    ("Phone", {"phone_number": {"starts_with": "+1"}}, {"Apple pie"}),
    ("Phone", {"rich_text": {"is_not_empty": True}}, {"Apple pie"}),
    # number
    ("N", {"number": {"equals": 2.5}}, {"Banana"}),
    ("N", {"number": {"does_not_equal": 1}}, ALL - {"Apple pie"}),
    ("N", {"number": {"greater_than": 1}}, {"Banana"}),
    ("N", {"number": {"greater_than_or_equal_to": 1}}, {"Apple pie", "Banana"}),
    ("N", {"number": {"less_than": 1}}, {"cherry"}),
    ("N", {"number": {"less_than_or_equal_to": 1}}, {"Apple pie", "cherry"}),
    ("N", {"number": {"is_empty": True}}, {"", "Today", "Soon"}),
    ("N", {"number": {"is_not_empty": True}}, {"Apple pie", "Banana", "cherry"}),
    # checkbox: a page without a value is unchecked
    ("Done", {"checkbox": {"equals": True}}, {"Apple pie"}),
    ("Done", {"checkbox": {"equals": False}}, ALL - {"Apple pie"}),
    ("Done", {"checkbox": {"does_not_equal": True}}, ALL - {"Apple pie"}),
    ("Done", {"checkbox": {"does_not_equal": False}}, {"Apple pie"}),
    # select / status, one value or several
    ("S", {"select": {"equals": "a"}}, {"Apple pie"}),
    ("S", {"select": {"equals": ["a", "b"]}}, {"Apple pie", "Banana"}),
    ("S", {"select": {"does_not_equal": "a"}}, ALL - {"Apple pie"}),
    ("S", {"select": {"does_not_equal": ["a", "b"]}}, ALL - {"Apple pie", "Banana"}),
    ("S", {"select": {"is_empty": True}}, ALL - {"Apple pie", "Banana"}),
    ("S", {"select": {"is_not_empty": True}}, {"Apple pie", "Banana"}),
    ("St", {"status": {"equals": "Done"}}, {"Apple pie"}),
    ("St", {"status": {"does_not_equal": ["Done", "In progress"]}}, ALL - {"Apple pie", "Banana"}),
    # multi_select
    ("Tags", {"multi_select": {"contains": "y"}}, {"Apple pie", "Banana"}),
    ("Tags", {"multi_select": {"contains": ["x", "z"]}}, {"Apple pie"}),
    ("Tags", {"multi_select": {"does_not_contain": "x"}}, ALL - {"Apple pie"}),
    ("Tags", {"multi_select": {"is_empty": True}}, ALL - {"Apple pie", "Banana"}),
    ("Tags", {"multi_select": {"is_not_empty": True}}, {"Apple pie", "Banana"}),
    # date: a date operand compares whole UTC days, a datetime its whole minute; no offset means UTC
    ("When", {"date": {"equals": "2024-01-15"}}, {"Apple pie", "Banana"}),
    ("When", {"date": {"equals": "2024-01-15T09:30:00Z"}}, {"Banana"}),
    ("When", {"date": {"equals": "2024-01-15T10:30:00+01:00"}}, {"Banana"}),
    ("When", {"date": {"equals": "2024-01-15T10:30:00"}}, set()),
    ("When", {"date": {"before": "2024-01-15"}}, set()),
    ("When", {"date": {"after": "2024-01-15"}}, {"cherry", "Today", "Soon"}),
    ("When", {"date": {"on_or_before": "2024-01-15"}}, {"Apple pie", "Banana"}),
    ("When", {"date": {"on_or_after": "2024-01-16"}}, {"cherry", "Today", "Soon"}),
    # Recorded (test_date_query): `before 18:01:15.377` leaves out 18:01, `equals` and `on_or_after` find it.
    ("When", {"date": {"before": "2024-01-15T09:30:00.001Z"}}, {"Apple pie"}),
    ("When", {"date": {"before": "2024-01-15T09:31:00Z"}}, {"Apple pie", "Banana"}),
    ("When", {"date": {"equals": "2024-01-15T09:30:42.377Z"}}, {"Banana"}),
    ("When", {"date": {"on_or_after": "2024-01-15T09:30:59Z"}}, {"Banana", "cherry", "Today", "Soon"}),
    ("When", {"date": {"on_or_before": "2024-01-15T09:30:59Z"}}, {"Apple pie", "Banana"}),
    ("When", {"date": {"after": "2024-01-15T09:29:59.999Z"}}, {"Banana", "cherry", "Today", "Soon"}),
    ("When", {"date": {"after": "2024-01-15T09:30:00Z"}}, {"cherry", "Today", "Soon"}),
    ("When", {"date": {"on_or_after": "2024-01-15T09:30:00Z"}}, {"Banana", "cherry", "Today", "Soon"}),
    ("When", {"date": {"equals": "today"}}, {"Today"}),
    ("When", {"date": {"after": "today"}}, {"Soon"}),
    ("When", {"date": {"on_or_before": "yesterday"}}, {"Apple pie", "Banana", "cherry"}),
    ("When", {"date": {"before": "one_week_from_now"}}, {"Apple pie", "Banana", "cherry", "Today", "Soon"}),
    ("When", {"date": {"on_or_after": "one_month_ago"}}, {"Today", "Soon"}),
    ("When", {"date": {"past_week": {}}}, {"Today"}),
    ("When", {"date": {"next_week": {}}}, {"Today", "Soon"}),
    ("When", {"date": {"next_month": {}}}, {"Today", "Soon"}),
    ("When", {"date": {"past_year": {}}}, {"Today"}),
    ("When", {"date": {"is_empty": True}}, {""}),
    ("When", {"date": {"is_not_empty": True}}, ALL - {""}),
    # relation, files, unique_id
    ("Rel", {"relation": {"contains": REL_B}}, {"Banana"}),
    ("Rel", {"relation": {"contains": REL_A.replace("-", "")}}, {"Apple pie", "Banana"}),
    ("Rel", {"relation": {"does_not_contain": REL_A}}, ALL - {"Apple pie", "Banana"}),
    ("Rel", {"relation": {"is_empty": True}}, ALL - {"Apple pie", "Banana"}),
    ("Files", {"files": {"is_not_empty": True}}, {"Apple pie"}),
    ("Files", {"files": {"is_empty": True}}, ALL - {"Apple pie"}),
    ("ID", {"unique_id": {"greater_than": 4}}, {"Today", "Soon"}),
    ("ID", {"unique_id": {"equals": 2}}, {"Banana"}),
    ("ID", {"unique_id": {"less_than_or_equal_to": 1}}, {"Apple pie"}),
    # computed values (rollup conditions are covered with real related pages in test_computed.py)
    ("F", {"formula": {"string": {"equals": "one"}}}, {"Apple pie"}),
    ("F", {"formula": {"string": {"is_empty": True}}}, ALL - {"Apple pie", "Banana"}),
    # created/last-edited properties
    ("Created", {"created_time": {"on_or_before": "2024-01-01T00:01:00Z"}}, {"Apple pie", "Banana"}),
    ("Created", {"date": {"after": "2024-01-01T00:04:00Z"}}, {"Soon"}),
    ("Created", {"created_time": {"is_empty": True}}, set()),
]


def test_every_type_and_condition(ws, typed, plan):  # type: ignore[no-untyped-def]
    ds, _bot = typed
    for prop, cond, expected in CASES:
        got = names(ws, ds, filter={"property": prop, **cond})
        assert got == expected, (prop, cond)


def test_people_filters_and_me(ws, typed):  # type: ignore[no-untyped-def]
    ds, bot = typed
    assert names(ws, ds, filter={"property": "Who", "people": {"contains": "me"}}) == {"Banana"}
    assert names(ws, ds, filter={"property": "Who", "people": {"contains": ws.info.owner_id}}) == {"Apple pie"}
    assert names(ws, ds, filter={"property": "Who", "people": {"does_not_contain": "me"}}) == ALL - {"Banana"}
    assert names(ws, ds, filter={"property": "Who", "people": {"is_not_empty": True}}) == {"Apple pie", "Banana"}
    # The rows were written by the owner: every page's editor is the owner, none the bot.
    assert names(ws, ds, filter={"property": "Editor", "last_edited_by": {"contains": ws.info.owner_id}}) == ALL
    assert names(ws, ds, filter={"property": "Editor", "people": {"contains": "me"}}) == set()
    assert names(ws, ds, filter={"property": "Editor", "last_edited_by": {"does_not_contain": bot}}) == ALL


def test_timestamp_filters(ws, typed):  # type: ignore[no-untyped-def]
    ds, _ = typed
    f = {"timestamp": "created_time", "created_time": {"before": "2024-01-01T00:02:00Z"}}
    assert names(ws, ds, filter=f) == {"Apple pie", "Banana"}
    f = {"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": "2024-01-01"}}
    assert names(ws, ds, filter=f) == ALL
    f = {"timestamp": "created_time", "created_time": {"past_week": {}}}
    assert names(ws, ds, filter=f) == set()
    f = {"timestamp": "last_edited_time", "last_edited_time": {"is_not_empty": True}}
    assert names(ws, ds, filter=f) == ALL


def test_compound_filters(ws, typed, plan):  # type: ignore[no-untyped-def]
    ds, _ = typed
    f = {"and": [{"property": "Tags", "multi_select": {"contains": "y"}}, {"property": "N", "number": {"greater_than": 2}}]}
    assert names(ws, ds, filter=f) == {"Banana"}
    f = {"or": [{"property": "S", "select": {"equals": "a"}}, {"property": "N", "number": {"less_than": 0}}]}
    assert names(ws, ds, filter=f) == {"Apple pie", "cherry"}
    f = {"or": [
        {"and": [{"property": "Done", "checkbox": {"equals": False}}, {"property": "N", "number": {"is_not_empty": True}}]},
        {"property": "Name", "title": {"equals": "Soon"}},
        {"timestamp": "created_time", "created_time": {"equals": "2024-01-01T00:04:00Z"}},
    ]}
    assert names(ws, ds, filter=f) == {"Banana", "cherry", "Soon", "Today"}
    assert names(ws, ds, filter={"and": []}) == ALL


def test_property_by_id_and_name(ws, typed):  # type: ignore[no-untyped-def]
    ds, _ = typed
    schema = schema_of(ws, ds)
    n_id = next(k for k, p in schema.items() if p["name"] == "N")
    assert names(ws, ds, filter={"property": n_id, "number": {"equals": 1}}) == {"Apple pie"}
    sorted_ = titles(query(ws, ds, sorts=[{"property": n_id, "direction": "ascending"}]))
    assert sorted_[:3] == ["cherry", "Apple pie", "Banana"]


def _t(ws, ds, sorts, **body):  # type: ignore[no-untyped-def]
    return titles(query(ws, ds, sorts=sorts, **body))


def test_sorts(ws, typed, plan):  # type: ignore[no-untyped-def]
    ds, _ = typed
    # Empty values last in both directions; ties broken newest first.
    assert _t(ws, ds, [{"property": "N", "direction": "ascending"}]) == ["cherry", "Apple pie", "Banana", "Soon", "Today", ""]
    assert _t(ws, ds, [{"property": "N", "direction": "descending"}]) == ["Banana", "Apple pie", "cherry", "Soon", "Today", ""]
    assert _t(ws, ds, [{"property": "Name", "direction": "ascending"}]) == ["Apple pie", "Banana", "cherry", "Soon", "Today", ""]
    # Select sorts by the schema's option order (b, a, c), not by name.
    assert _t(ws, ds, [{"property": "S", "direction": "ascending"}])[:2] == ["Banana", "Apple pie"]
    assert _t(ws, ds, [{"property": "Done", "direction": "descending"}])[0] == "Apple pie"
    assert _t(ws, ds, [{"property": "When", "direction": "descending"}]) == ["Soon", "Today", "cherry", "Banana", "Apple pie", ""]
    assert _t(ws, ds, [{"timestamp": "created_time", "direction": "ascending"}]) == ["Apple pie", "Banana", "cherry", "", "Today", "Soon"]
    # Earlier sorts take precedence.
    two = [{"property": "Done", "direction": "ascending"}, {"property": "Name", "direction": "descending"}]
    assert _t(ws, ds, two) == ["Today", "Soon", "cherry", "Banana", "", "Apple pie"]
    # Default order: newest first.
    assert titles(query(ws, ds)) == ["Soon", "Today", "", "cherry", "Banana", "Apple pie"]


@pytest.mark.parametrize("version", VERSIONS)
def test_pagination_and_versions(ws, version, plan):  # type: ignore[no-untyped-def]
    db, ds = make_db(ws, {"Name": {"title": {}}, "N": {"number": {}}})
    for i in range(7):
        add_row(ws, ds, {"Name": {"title": text(f"r{i}")}, "N": {"number": i}})
    sync(ws, ds)
    client = ws.client(version)
    body = {"filter": {"property": "N", "number": {"greater_than": 0}}, "sorts": [{"property": "N", "direction": "ascending"}], "page_size": 4}

    def run(**extra: Any) -> dict[str, Any]:
        if version == "2022-06-28":
            return client.request(path=f"databases/{db}/query", method="POST", body={**body, **extra})
        return client.data_sources.query(data_source_id=ds, **body, **extra)

    first = run()
    assert first["object"] == "list" and first["type"] == ("page_or_database" if version == "2022-06-28" else "page_or_data_source")
    assert first[first["type"]] == {}
    assert titles(first) == ["r1", "r2", "r3", "r4"] and first["has_more"] is True
    second = run(start_cursor=first["next_cursor"])
    assert titles(second) == ["r5", "r6"] and second["has_more"] is False and second["next_cursor"] is None
    assert "request_status" not in second
    page = first["results"][0]
    assert page["object"] == "page"
    if version == "2022-06-28":
        assert page["parent"] == {"type": "database_id", "database_id": db}
    else:
        assert page["parent"] == {"type": "data_source_id", "data_source_id": ds, "database_id": db}
    assert ("archived" in page) == (version != "2026-03-11")


def test_cursor_is_bound_to_its_query(ws):  # type: ignore[no-untyped-def]
    _db, ds = make_db(ws, {"Name": {"title": {}}})
    for i in range(3):
        add_row(ws, ds, {"Name": {"title": text(f"r{i}")}})
    sync(ws, ds)
    first = query(ws, ds, page_size=1)
    cursor = first["next_cursor"]
    assert titles(query(ws, ds, page_size=1, start_cursor=cursor)) == ["r1"]
    r = ws.raw("POST", f"/v1/data_sources/{ds}/query", json={"start_cursor": cursor, "filter": {"property": "Name", "title": {"is_not_empty": True}}})
    assert r.status_code == 400
    assert r.json()["message"] == f'body failed validation: body.start_cursor should be a valid cursor, instead was `"{cursor}"`.'
    r = ws.raw("POST", f"/v1/data_sources/{ds}/query", json={"start_cursor": "nope"})
    assert r.json()["code"] == "validation_error"


def test_in_trash_and_filter_properties(ws, plan):  # type: ignore[no-untyped-def]
    _db, ds = make_db(ws, {"Name": {"title": {}}, "N": {"number": {}}})
    schema = schema_of(ws, ds)
    n_id = next(k for k, p in schema.items() if p["name"] == "N")
    insert_rows(ws, ds, [{"title": rich("live"), n_id: 1}, {"title": rich("gone"), n_id: 2}], trashed={1})
    assert titles(query(ws, ds)) == ["live"]
    assert titles(query(ws, ds, in_trash=True)) == ["gone"]
    assert titles(query(ws, ds, "2025-09-03", archived=True)) == ["gone"]
    r = query(ws, ds, filter_properties=[n_id])
    assert list(r["results"][0]["properties"]) == ["N"]
    # Trashing through the API takes the row out of results.
    live = r["results"][0]["id"]
    ws.client().pages.update(page_id=live, in_trash=True)
    assert query(ws, ds)["results"] == []


def test_result_limit(ws):  # type: ignore[no-untyped-def]
    from blockyard.query.engine import RESULT_LIMIT

    if ws.server.database.startswith("postgres"):
        pytest.skip("walking 10,000 rows is slow on PostgreSQL; the ceiling logic does not depend on the backend")

    _db, ds = make_db(ws, {"Name": {"title": {}}})
    insert_rows(ws, ds, [{"title": rich(f"r{i}")} for i in range(RESULT_LIMIT + 5)])
    r = query(ws, ds, filter_properties=["title"])
    seen = len(r["results"])
    while r["has_more"]:
        r = query(ws, ds, start_cursor=r["next_cursor"], filter_properties=["title"])
        seen += len(r["results"])
    assert seen == RESULT_LIMIT
    assert r["next_cursor"] is None
    assert r["request_status"] == {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}


def _err(ws, ds, body, version="2026-03-11"):  # type: ignore[no-untyped-def]
    r = ws.raw("POST", f"/v1/data_sources/{ds}/query", json=body, version=version)
    assert r.status_code == 400, r.text
    j = r.json()
    assert j["code"] == "validation_error"
    return j["message"]


def test_errors(ws, typed):  # type: ignore[no-untyped-def]
    ds, _ = typed
    e = lambda body: _err(ws, ds, body)  # noqa: E731
    assert e({"filter": {"property": "Nope", "number": {"equals": 1}}}) == "Could not find property with name or id: Nope"
    assert e({"filter": {"property": "S", "checkbox": {"equals": True}}}) == "database property select does not match filter checkbox"
    assert e({"filter": {"property": "St", "select": {"equals": "Done"}}}) == "database property status does not match filter select"
    assert e({"filter": {"property": "N", "number": {"is_empty": False}}}) == (
        "body failed validation: body.filter.number.is_empty should be `true`, instead was `false`.")
    assert e({"filter": {"timestamp": "created_time", "property": "Name", "created_time": {"past_week": {}}}}) == (
        'body failed validation: body.filter.property should be not present, instead was `"Name"`.')
    leaf = {"property": "N", "number": {"equals": 1}}
    assert e({"filter": {"and": [{"or": [{"and": [leaf]}]}]}}) == (
        f"body failed validation: body.filter.and[0].or[0].and should be not present, instead was `[{{\"property\":\"N\",\"number\":{{\"equals\":1}}}}]`.")
    assert e({"filter": {"or": [leaf] * 101}}) == "body failed validation: body.filter.or.length should be ≤ `100`, instead was `101`."
    assert e({"filter": {"property": "N", "number": {"equals": "1"}}}) == (
        'body failed validation: body.filter.number.equals should be a number, instead was `"1"`.')
    assert e({"filter": {"property": "N", "number": {"between": 1}}}) == (
        "body failed validation: body.filter.number.between should be not present, instead was `1`.")
    assert e({"filter": {"property": "When", "date": {"equals": "soon"}}}) == (
        'body failed validation: body.filter.date.equals should be a valid ISO 8601 date string or a relative date, instead was `"soon"`.')
    assert e({"filter": {"property": "When", "date": {"past_week": True}}}) == (
        "body failed validation: body.filter.date.past_week should be an empty object, instead was `true`.")
    assert e({"filter": {"property": "Who", "people": {"contains": "bob"}}}) == (
        'body failed validation: body.filter.people.contains should be a valid uuid or `"me"`, instead was `"bob"`.')
    assert e({"sorts": [{"property": "Nope", "direction": "ascending"}]}) == "Could not find sort property with name or id: Nope"
    assert e({"sorts": [{"property": "N", "direction": "up"}]}) == (
        'body failed validation: body.sorts[0].direction should be `"ascending"` or `"descending"`, instead was `"up"`.')
    assert e({"page_size": 101}) == "body failed validation: body.page_size should be ≤ `100`, instead was `101`."
    assert e({"archived": True}) == "body failed validation: body.archived should be not present, instead was `true`."
    assert e({"nope": 1}) == "body failed validation: body.nope should be not present, instead was `1`."


def test_database_query_route_by_version(ws):  # type: ignore[no-untyped-def]
    db, ds = make_db(ws, {"Name": {"title": {}}})
    r = ws.raw("POST", f"/v1/databases/{db}/query", json={}, version="2025-09-03")
    assert r.status_code == 400 and r.json()["code"] == "invalid_request_url"
    r = ws.raw("POST", f"/v1/databases/{ds}/query", json={}, version="2022-06-28")
    assert r.status_code == 404 and r.json()["code"] == "object_not_found"
    r = ws.raw("POST", f"/v1/data_sources/{db}/query", json={})
    assert r.status_code == 404
    other = ws.integration("Stranger", share=None)
    r = ws.raw("POST", f"/v1/data_sources/{ds}/query", json={}, token=other)
    assert r.status_code == 404


def test_reindex_follows_writes(ws):  # type: ignore[no-untyped-def]
    """Rows written through the API are found once indexed, and updates replace their index rows."""
    _db, ds = make_db(ws, {"Name": {"title": {}}, "N": {"number": {}}})
    page = add_row(ws, ds, {"Name": {"title": text("one")}, "N": {"number": 1}})
    sync(ws, ds)
    assert names(ws, ds, filter={"property": "N", "number": {"equals": 1}}) == {"one"}
    ws.client().pages.update(page_id=page, properties={"N": {"number": 2}})
    sync(ws, ds)
    assert names(ws, ds, filter={"property": "N", "number": {"equals": 1}}) == set()
    assert names(ws, ds, filter={"property": "N", "number": {"equals": 2}}) == {"one"}


def test_option_filters_follow_the_schema(ws):  # type: ignore[no-untyped-def]
    """Select, status and multi-select conditions match option names exactly, and follow a renamed option."""
    schema = {"Name": {"title": {}}, "S": {"select": {"options": [{"name": "Tech"}, {"name": "Politics"}]}},
              "Tags": {"multi_select": {"options": [{"name": "x"}, {"name": "y"}]}}, "St": {"status": {}}}
    _db, ds = make_db(ws, schema)
    add_row(ws, ds, {"Name": {"title": text("one")}, "S": {"select": {"name": "Tech"}}, "Tags": {"multi_select": [{"name": "x"}]}})
    add_row(ws, ds, {"Name": {"title": text("two")}, "S": {"select": {"name": "Politics"}}, "Tags": {"multi_select": [{"name": "x"}, {"name": "y"}]},
                     "St": {"status": {"name": "Done"}}})
    add_row(ws, ds, {"Name": {"title": text("three")}})
    assert names(ws, ds, filter={"property": "S", "select": {"equals": "Tech"}}) == {"one"}
    assert names(ws, ds, filter={"property": "S", "select": {"equals": "tech"}}) == set()
    assert names(ws, ds, filter={"property": "S", "select": {"equals": "Nope"}}) == set()
    assert names(ws, ds, filter={"property": "S", "select": {"does_not_equal": "Nope"}}) == {"one", "two", "three"}
    assert names(ws, ds, filter={"property": "S", "select": {"does_not_equal": "Tech"}}) == {"two", "three"}
    assert names(ws, ds, filter={"property": "Tags", "multi_select": {"contains": "y"}}) == {"two"}
    assert names(ws, ds, filter={"property": "Tags", "multi_select": {"does_not_contain": "x"}}) == {"three"}
    assert names(ws, ds, filter={"property": "St", "status": {"equals": "Done"}}) == {"two"}
    assert names(ws, ds, filter={"property": "St", "status": {"equals": "Not started"}}) == {"one", "three"}
    options = ws.client().data_sources.retrieve(data_source_id=ds)["properties"]["S"]["select"]["options"]
    tech = next(o for o in options if o["name"] == "Tech")
    ws.client().data_sources.update(data_source_id=ds, properties={"S": {"select": {"options": [
        {"id": tech["id"], "name": "Technology"}, *[{"id": o["id"]} for o in options if o["id"] != tech["id"]]]}}})
    assert names(ws, ds, filter={"property": "S", "select": {"equals": "Technology"}}) == {"one"}
    assert names(ws, ds, filter={"property": "S", "select": {"equals": "Tech"}}) == set()


def test_and_groups_probe_every_condition(ws, typed, plan):  # type: ignore[no-untyped-def]
    """An `and` drives from one condition and checks the others per page: negative conditions, timestamps
    and nested groups included."""
    ds, _ = typed
    f = {"and": [
        {"property": "Tags", "multi_select": {"contains": "y"}},
        {"property": "S", "select": {"does_not_equal": "b"}},
        {"property": "Notes", "rich_text": {"does_not_contain": "zzz"}},
        {"timestamp": "created_time", "created_time": {"on_or_before": "2024-01-01T00:05:00Z"}},
    ]}
    assert names(ws, ds, filter=f) == {"Apple pie"}
    f = {"and": [
        {"property": "When", "date": {"is_not_empty": True}},
        {"property": "Tags", "multi_select": {"is_empty": True}},
        {"or": [{"property": "N", "number": {"less_than": 0}}, {"property": "Name", "title": {"equals": "Soon"}}]},
    ]}
    assert names(ws, ds, filter=f) == {"cherry", "Soon"}
    f = {"and": [{"property": "S", "select": {"equals": ["a", "b"]}}, {"property": "Done", "checkbox": {"equals": False}}]}
    assert names(ws, ds, filter=f) == {"Banana"}


def test_query_results_render_as_pages_do(ws, typed):  # type: ignore[no-untyped-def]
    """Pages rendered in bulk for a query are the pages that retrieving each one answers."""
    ds, _ = typed
    for version in ("2025-09-03", "2026-03-11"):
        client = ws.client(version)
        results = client.data_sources.query(data_source_id=ds)["results"]
        assert len(results) == len(ALL)
        for page in results:
            retrieved = client.pages.retrieve(page_id=page["id"])
            retrieved.pop("request_id", None)
            assert page == retrieved
        some = client.data_sources.query(data_source_id=ds, filter_properties=["Name", "S"])["results"]
        assert all(set(p["properties"]) == {"Name", "S"} for p in some)


def test_text_sorts_are_natural(ws, plan):  # type: ignore[no-untyped-def]
    """Digit runs sort by value ("Article 4" before "Article 10"), as Notion's recorded queries show, for
    every text-like sort; case is ignored; empty values stay last."""
    _db, ds = make_db(ws, {"Name": {"title": {}}, "Code": {"rich_text": {}}, "Link": {"url": {}},
                           "Released": {"date": {}}})
    schema = schema_of(ws, ds)
    pid = {p["name"]: k for k, p in schema.items()}
    names = ["Article 10", "article 4", "Article 1", "Article 007", "Article 16", "Article", "Article 4b", ""]
    insert_rows(ws, ds, [{pid["Name"]: rich(n) if n else [], pid["Code"]: rich(f"v{n[8:]}.2") if n else [],
                          pid["Link"]: f"https://x.test/{n[8:]}" if n else None,
                          pid["Released"]: {"start": "2024-01-01", "end": None, "time_zone": None}} for n in names])
    natural = ["Article", "Article 1", "article 4", "Article 4b", "Article 007", "Article 10", "Article 16"]

    def sorted_by(*sorts: dict[str, Any], **body: Any) -> list[str]:
        return titles(query(ws, ds, sorts=list(sorts), **body))

    assert sorted_by({"property": "Name", "direction": "ascending"}) == natural + [""]
    assert sorted_by({"property": "Name", "direction": "descending"}) == natural[::-1] + [""]
    # After an equal first key (the recorded case: date descending, then title ascending).
    assert sorted_by({"property": "Released", "direction": "descending"},
                     {"property": "Name", "direction": "ascending"}) == natural + [""]
    by_code = sorted_by({"property": "Code", "direction": "ascending"})
    assert by_code[:3] == ["Article", "Article 1", "article 4"] and by_code[-1] == ""
    assert sorted_by({"property": "Link", "direction": "ascending"})[:2] == ["Article", "Article 1"]
    # Paging through a walk and into the pages with no value.
    first = query(ws, ds, sorts=[{"property": "Name", "direction": "ascending"}], page_size=5)
    rest = query(ws, ds, sorts=[{"property": "Name", "direction": "ascending"}], page_size=5, start_cursor=first["next_cursor"])
    assert titles(first) + titles(rest) == natural + [""]
    # A page that starts exactly where the pages with a value end.
    first = query(ws, ds, sorts=[{"property": "Name", "direction": "descending"}], page_size=7)
    rest = query(ws, ds, sorts=[{"property": "Name", "direction": "descending"}], page_size=7, start_cursor=first["next_cursor"])
    assert titles(first) == natural[::-1] and titles(rest) == [""] and not rest["has_more"]
    flt = {"property": "Name", "title": {"starts_with": "article 1"}}
    assert sorted_by({"property": "Name", "direction": "descending"}, filter=flt) == ["Article 16", "Article 10", "Article 1"]


def test_migration_fills_natural_sort_keys(server, tmp_path):  # type: ignore[no-untyped-def]
    """A store from before natural sort keys (schema 1) gets the column, its index and its values."""
    import sqlalchemy as sa

    from blockyard.store.migrations import SCHEMA_VERSION, schema_version
    from blockyard.store.schema_query import property_values as pv
    from support import custom_server

    srv = custom_server(server, tmp_path)
    try:
        w = srv.new_workspace()
        _db, ds = make_db(w, {"Name": {"title": {}}})
        for n in ("Item 10", "Item 9", "Item 100"):
            add_row(w, ds, {"Name": {"title": text(n)}})
        with srv.store.engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_pv_sort")
            conn.exec_driver_sql("ALTER TABLE property_values DROP COLUMN text_sort")
            conn.execute(schema_version.delete())
            conn.execute(schema_version.insert().values(version=1))
        srv.store.dispose()
        srv.store.migrate()
        with srv.store.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() == SCHEMA_VERSION
            assert conn.execute(sa.select(sa.func.count()).where(pv.c.text_sort.is_(None), pv.c.text.is_not(None))).scalar() == 0
        assert titles(query(w, ds, sorts=[{"property": "Name", "direction": "ascending"}])) == ["Item 9", "Item 10", "Item 100"]
    finally:
        srv.stop()
