"""Views through notion-client's views methods: the default view, every view type created, read, updated,
queried and deleted, dashboards and their widgets, view queries as snapshots, and what access allows."""

from __future__ import annotations

import time

import pytest

from db_support import error_of, make_db
from support import assert_error, custom_server, text

V = "2025-09-03"

SCHEMA = {
    "Name": {"title": {}},
    "Priority": {"select": {"options": [{"name": "High"}, {"name": "Low"}]}},
    "State": {"status": {}},
    "Due": {"date": {}},
    "Hours": {"number": {}},
    "Done": {"checkbox": {}},
    "Owner": {"people": {}},
}


@pytest.fixture
def tasks(ws):
    db, ds_id = make_db(ws, V, SCHEMA)
    notion = ws.client(V)
    rows = {}
    for name, prio, hours, done in (("a", "High", 5, False), ("b", "Low", 3, True), ("c", "High", 1, True),
                                    ("d", "Low", 8, False)):
        rows[name] = notion.pages.create(parent={"data_source_id": ds_id}, properties={
            "Name": {"title": text(name)}, "Priority": {"select": {"name": prio}}, "Hours": {"number": hours},
            "Done": {"checkbox": done},
        })["id"]
    return db["id"], ds_id, rows


def _view(ws, db_id, ds_id, **body):
    return ws.client(V).views.create(database_id=db_id, data_source_id=ds_id, **body)


def test_a_new_database_has_its_default_table_view(ws, tasks):
    db_id, ds_id, _ = tasks
    notion = ws.client(V)
    listed = notion.views.list(database_id=db_id)
    assert listed["object"] == "list" and listed["type"] == "view" and listed["view"] == {}
    assert len(listed["results"]) == 1 and set(listed["results"][0]) == {"object", "id"}
    view = notion.views.retrieve(listed["results"][0]["id"])
    assert view["object"] == "view" and view["type"] == "table" and view["name"] == "Default view"
    assert view["parent"] == {"type": "database_id", "database_id": db_id}
    assert view["data_source_id"] == ds_id
    assert view["filter"] is None and view["sorts"] is None and view["quick_filters"] is None
    assert view["configuration"] is None
    assert view["url"].endswith(f"{db_id.replace('-', '')}?v={view['id'].replace('-', '')}")
    assert view["created_by"]["object"] == "user"
    assert notion.views.list(data_source_id=ds_id)["results"] == listed["results"]


CONFIGS = {
    "table": {"type": "table", "properties": [{"property_id": "Hours", "visible": True, "width": 120}],
              "group_by": {"type": "select", "property_id": "Priority", "sort": {"type": "manual"}},
              "wrap_cells": True, "frozen_column_index": 1},
    "board": {"type": "board", "group_by": {"type": "status", "property_id": "State", "group_by": "group",
                                             "sort": {"type": "manual"}},
              "cover": {"type": "page_cover"}, "cover_size": "small", "card_layout": "compact"},
    "list": {"type": "list", "properties": [{"property_id": "Due", "date_format": "relative"}]},
    "calendar": {"type": "calendar", "date_property_id": "Due", "view_range": "week", "show_weekends": False},
    "timeline": {"type": "timeline", "date_property_id": "Due", "preference": {"zoom_level": "month"},
                 "show_table": True},
    "gallery": {"type": "gallery", "cover": {"type": "page_content"}, "cover_aspect": "cover"},
    "form": {"type": "form", "is_form_closed": False, "submission_permissions": "reader"},
    "chart": {"type": "chart", "chart_type": "column",
              "x_axis": {"type": "select", "property_id": "Priority", "sort": {"type": "ascending"}},
              "y_axis": {"aggregator": "sum", "property_id": "Hours"}, "legend_position": "bottom"},
    "map": {"type": "map", "height": "large"},
}


@pytest.mark.parametrize("view_type", sorted(CONFIGS))
def test_every_view_type_is_created_read_updated_queried_and_deleted(ws, tasks, view_type):
    db_id, ds_id, rows = tasks
    notion = ws.client(V)
    made = _view(ws, db_id, ds_id, name=f"My {view_type}", type=view_type, configuration=CONFIGS[view_type],
                 filter={"property": "Done", "checkbox": {"equals": False}},
                 sorts=[{"property": "Hours", "direction": "descending"}])
    assert made["type"] == view_type and made["name"] == f"My {view_type}"
    got = notion.views.retrieve(made["id"])
    assert {k: val for k, val in got.items() if k != "request_id"} == {k: val for k, val in made.items() if k != "request_id"}
    conf = got["configuration"]
    assert conf["type"] == view_type
    if view_type == "table":
        assert conf["group_by"]["property_name"] == "Priority"
        assert conf["properties"][0]["property_name"] == "Hours"
        assert conf["wrap_cells"] is True
    if view_type == "calendar":
        assert conf["date_property_name"] == "Due"
    # Query: the filter and sorts apply, as a data-source query would apply them.
    q = notion.views.queries.create(made["id"])
    assert q["object"] == "view_query" and q["view_id"] == made["id"] and q["total_count"] == 2
    assert [r["id"] for r in q["results"]] == [rows["d"], rows["a"]]
    assert all(set(r) == {"object", "id"} for r in q["results"])
    # Update: a rename and a configuration merged over the stored one.
    patched = notion.views.update(made["id"], name="Renamed", configuration={**CONFIGS[view_type]})
    assert patched["name"] == "Renamed" and patched["configuration"]["type"] == view_type
    deleted = notion.views.delete(made["id"])
    assert {k: val for k, val in deleted.items() if k != "request_id"} == {
        "object": "view", "id": made["id"], "parent": {"type": "database_id", "database_id": db_id}, "type": view_type}
    assert error_of(notion.views.retrieve, made["id"]).status == 404


def test_configuration_is_checked_as_notion_checks_it(ws, tasks):
    db_id, ds_id, _ = tasks
    notion = ws.client(V)

    def refused(view_type, configuration, needle):
        err = error_of(_view, ws, db_id, ds_id, name="x", type=view_type, configuration=configuration)
        assert err.status == 400 and err.code == "validation_error", err.body
        assert needle in err.message, err.message

    refused("board", {"type": "board"}, "body.configuration.group_by should be defined")
    refused("table", {"type": "board"}, "body.configuration.type")
    refused("calendar", {"type": "calendar", "date_property_id": "Hours"}, "body.configuration.date_property_id")
    refused("calendar", {"type": "calendar", "date_property_id": "Nope"}, "body.configuration.date_property_id")
    refused("table", {"type": "table", "wrap_cells": "yes"}, "body.configuration.wrap_cells")
    refused("table", {"type": "table", "colour": "red"}, "body.configuration.colour should be not present")
    refused("board", {"type": "board", "group_by": {"type": "select", "property_id": "Hours", "sort": {"type": "manual"}}},
            "body.configuration.group_by.property_id")
    refused("chart", {"type": "chart", "chart_type": "pie"}, "body.configuration.chart_type")
    refused("chart", {"type": "chart", "chart_type": "number"}, "body.configuration.value should be defined")
    refused("chart", {"type": "chart", "chart_type": "column", "y_axis": {"aggregator": "sum"}},
            "body.configuration.y_axis.property_id should be defined")
    refused("dashboard", {"type": "dashboard", "rows": []}, "body.configuration")
    # A name works as well as an ID, and the ID comes back.
    made = _view(ws, db_id, ds_id, name="by name", type="calendar",
                 configuration={"type": "calendar", "date_property_id": "Due"})
    ds = notion.data_sources.retrieve(ds_id)
    assert made["configuration"]["date_property_id"] == ds["properties"]["Due"]["id"]


def test_bodies_name_one_place_and_valid_values(ws, tasks):
    db_id, ds_id, _ = tasks
    both = ws.raw("POST", "/v1/views", version=V, json={"database_id": db_id, "view_id": db_id, "data_source_id": ds_id,
                                                         "name": "x", "type": "table"})
    assert "exactly one of" in assert_error(both, 400, "validation_error")["message"]
    none = ws.raw("POST", "/v1/views", version=V, json={"data_source_id": ds_id, "name": "x", "type": "table"})
    assert_error(none, 400, "validation_error")
    assert_error(ws.raw("POST", "/v1/views", version=V, json={"database_id": db_id, "data_source_id": ds_id,
                                                                "name": "x", "type": "grid"}), 400, "validation_error")
    unknown_option = ws.raw("POST", "/v1/views", version=V, json={
        "database_id": db_id, "data_source_id": ds_id, "name": "x", "type": "table",
        "filter": {"property": "Priority", "select": {"equals": "Urgent"}}})
    message = assert_error(unknown_option, 400, "validation_error")["message"]
    assert '"High"' in message and '"Low"' in message and "Urgent" in message
    # Status filters take group names too.
    ok = _view(ws, db_id, ds_id, name="groups", type="table", filter={"property": "State", "status": {"equals": "Complete"}})
    assert ok["filter"] == {"property": "State", "status": {"equals": "Complete"}}
    bad_filter = ws.raw("POST", "/v1/views", version=V, json={
        "database_id": db_id, "data_source_id": ds_id, "name": "x", "type": "table",
        "filter": {"property": "Hours", "number": {"greater_than": "five"}}})
    assert_error(bad_filter, 400, "validation_error")
    other_db, other_ds = make_db(ws, V, {"Name": {"title": {}}}, title="Other")
    mismatched = ws.raw("POST", "/v1/views", version=V, json={"database_id": db_id, "data_source_id": other_ds,
                                                                "name": "x", "type": "table"})
    assert "body.data_source_id" in assert_error(mismatched, 400, "validation_error")["message"]
    assert other_db


def test_view_queries_are_snapshots_that_page_and_expire(ws, tasks, server, tmp_path):
    db_id, ds_id, rows = tasks
    notion = ws.client(V)
    view = _view(ws, db_id, ds_id, name="all", type="table", sorts=[{"property": "Hours", "direction": "ascending"}])
    q = notion.views.queries.create(view["id"], page_size=3)
    order = [rows[k] for k in ("c", "b", "a", "d")]
    assert [r["id"] for r in q["results"]] == order[:3] and q["has_more"] and q["next_cursor"] == order[3]
    # A page made afterwards is not in the snapshot.
    notion.pages.create(parent={"data_source_id": ds_id}, properties={"Name": {"title": text("e")}, "Hours": {"number": 0}})
    rest = notion.views.queries.results(view["id"], q["id"], start_cursor=q["next_cursor"], page_size=3)
    assert rest["object"] == "list" and rest["type"] == "page" and rest["page"] == {}
    assert [r["id"] for r in rest["results"]] == order[3:] and rest["has_more"] is False and rest["next_cursor"] is None
    again = notion.views.queries.results(view["id"], q["id"])
    assert [r["id"] for r in again["results"]] == order
    # A new query sees the new page first.
    assert notion.views.queries.create(view["id"])["total_count"] == 5
    # Delete is idempotent, and a deleted (or unknown, or another view's) query is 404.
    gone = notion.views.queries.delete(view["id"], q["id"])
    assert (gone["object"], gone["id"], gone["deleted"]) == ("view_query", q["id"], True)
    assert notion.views.queries.delete(view["id"], q["id"])["deleted"] is True
    assert error_of(notion.views.queries.results, view["id"], q["id"]).status == 404
    other = notion.views.list(database_id=db_id)["results"][0]["id"]
    q2 = notion.views.queries.create(view["id"])
    assert error_of(notion.views.queries.results, other, q2["id"]).status == 404
    assert q2["expires_at"] > q2["expires_at"][:10]
    # With a short-lived snapshot (a setting), the query expires.
    srv = custom_server(server, tmp_path, view_query_seconds=0.5)
    try:
        w = srv.new_workspace()
        db2, ds2 = make_db(w, V, {"Name": {"title": {}}})
        vid = w.client(V).views.list(database_id=db2["id"])["results"][0]["id"]
        short = w.client(V).views.queries.create(vid)
        assert w.client(V).views.queries.results(vid, short["id"])["results"] == []
        time.sleep(0.7)
        assert error_of(w.client(V).views.queries.results, vid, short["id"]).status == 404
    finally:
        srv.stop()


def test_quick_filters_narrow_a_view_query(ws, tasks):
    db_id, ds_id, rows = tasks
    notion = ws.client(V)
    view = _view(ws, db_id, ds_id, name="quick", type="table", filter={"property": "Done", "checkbox": {"equals": True}},
                 quick_filters={"Priority": {"select": {"equals": "High"}}, "Due": {}})
    ds = notion.data_sources.retrieve(ds_id)
    prio_id = ds["properties"]["Priority"]["id"]
    assert set(view["quick_filters"]) == {prio_id, ds["properties"]["Due"]["id"]}
    assert [r["id"] for r in notion.views.queries.create(view["id"])["results"]] == [rows["c"]]
    cleared = notion.views.update(view["id"], quick_filters={"Priority": None})
    assert prio_id not in cleared["quick_filters"]
    assert {r["id"] for r in notion.views.queries.create(view["id"])["results"]} == {rows["b"], rows["c"]}
    assert notion.views.update(view["id"], quick_filters=None)["quick_filters"] is None


def test_tabs_are_placed_by_position(ws, tasks):
    db_id, ds_id, _ = tasks
    notion = ws.client(V)
    default = notion.views.list(database_id=db_id)["results"][0]["id"]
    last = _view(ws, db_id, ds_id, name="last", type="list")["id"]
    first = _view(ws, db_id, ds_id, name="first", type="list", position={"type": "start"})["id"]
    middle = _view(ws, db_id, ds_id, name="middle", type="list", position={"type": "after_view", "view_id": default})["id"]
    assert [r["id"] for r in notion.views.list(database_id=db_id)["results"]] == [first, default, middle, last]
    page = notion.views.list(database_id=db_id, page_size=2)
    assert [r["id"] for r in page["results"]] == [first, default] and page["next_cursor"] == middle
    rest = notion.views.list(database_id=db_id, page_size=2, start_cursor=page["next_cursor"])
    assert [r["id"] for r in rest["results"]] == [middle, last] and rest["has_more"] is False


def test_dashboards_hold_widgets_in_rows(ws, tasks):
    db_id, ds_id, _ = tasks
    notion = ws.client(V)
    board = _view(ws, db_id, ds_id, name="Dash", type="dashboard")
    assert board["data_source_id"] is None and board["configuration"] == {"type": "dashboard", "rows": []}
    w1 = notion.views.create(view_id=board["id"], data_source_id=ds_id, name="w1", type="chart",
                             configuration={"type": "chart", "chart_type": "number", "value": {"aggregator": "count"}})
    assert w1["dashboard_view_id"] == board["id"] and w1["parent"]["database_id"] == db_id
    others = [notion.views.create(view_id=board["id"], data_source_id=ds_id, name=f"w{i}", type="table",
                                  placement={"type": "existing_row", "row_index": 0}) for i in range(2, 5)]
    rows = notion.views.retrieve(board["id"])["configuration"]["rows"]
    assert len(rows) == 1 and [w["width"] for w in rows[0]["widgets"]] == [3, 3, 3, 3]
    full = error_of(notion.views.create, view_id=board["id"], data_source_id=ds_id, name="w5", type="table",
                    placement={"type": "existing_row", "row_index": 0})
    assert full.status == 400 and "at most 4" in full.message
    nested = error_of(notion.views.create, view_id=board["id"], data_source_id=ds_id, name="d", type="dashboard")
    assert nested.status == 400
    notion.views.create(view_id=board["id"], data_source_id=ds_id, name="w5", type="list")
    rows = notion.views.retrieve(board["id"])["configuration"]["rows"]
    assert [len(r["widgets"]) for r in rows] == [4, 1] and rows[1]["widgets"][0]["row_index"] == 1
    # Widgets are not tabs of the database, but they are views of the data source.
    assert board["id"] in {r["id"] for r in notion.views.list(database_id=db_id)["results"]}
    assert w1["id"] not in {r["id"] for r in notion.views.list(database_id=db_id)["results"]}
    assert w1["id"] in {r["id"] for r in notion.views.list(data_source_id=ds_id)["results"]}
    notion.views.delete(others[0]["id"])
    rows = notion.views.retrieve(board["id"])["configuration"]["rows"]
    assert [w["width"] for w in rows[0]["widgets"]] == [4, 4, 4]
    assert error_of(notion.views.queries.create, board["id"]).status == 400
    notion.views.delete(board["id"])
    assert error_of(notion.views.retrieve, w1["id"]).status == 404


def test_views_follow_their_database_access(ws, tasks):
    db_id, ds_id, _ = tasks
    view_id = ws.client(V).views.list(database_id=db_id)["results"][0]["id"]
    outsider = ws.integration("Outsider", share=None)
    other = ws.client(V, token=outsider)
    assert error_of(other.views.retrieve, view_id).status == 404
    assert error_of(other.views.list, database_id=db_id).status == 404
    assert error_of(other.views.queries.create, view_id).status == 404
    reader = ws.integration("Reader", share="view")
    viewer = ws.client(V, token=reader)
    assert viewer.views.retrieve(view_id)["id"] == view_id
    assert error_of(viewer.views.update, view_id, name="mine").status == 403
    assert error_of(viewer.views.create, database_id=db_id, data_source_id=ds_id, name="x", type="list").status == 403
    # Queries list only what the integration can see of the data source, and views are 2025-09-03 and later.
    assert viewer.views.queries.create(view_id)["total_count"] == 4
    assert_error(ws.raw("GET", f"/v1/views/{view_id}", version="2022-06-28"), 400, "invalid_request_url")


def test_a_new_data_source_gets_a_default_view(ws, tasks):
    db_id, _, _ = tasks
    notion = ws.client(V)
    ds = notion.data_sources.create(parent={"database_id": db_id}, properties={"Title": {"title": {}}}, title=text("More"))
    assert len(notion.views.list(data_source_id=ds["id"])["results"]) == 1
    assert len(notion.views.list(database_id=db_id)["results"]) == 2
