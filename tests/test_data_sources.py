"""Data sources (2025-09-03 and later): create in a database, retrieve, update, trash, templates."""

from __future__ import annotations

import pytest

from db_support import error_of, make_db
from support import text

NEW = ("2025-09-03", "2026-03-11")


@pytest.mark.parametrize("version", NEW)
def test_retrieve_data_source_shape(ws, version):
    db, ds_id = make_db(ws, version, {"Name": {"title": {}}, "N": {"number": {}}}, description=text("desc"))
    ds = ws.client(version).data_sources.retrieve(ds_id)
    keys = ["object", "id", "cover", "icon", "created_time", "created_by", "last_edited_by", "last_edited_time", "title",
            "description", "is_inline", "properties", "parent", "database_parent", "url", "public_url"]
    keys += ["archived", "in_trash"] if version == "2025-09-03" else ["in_trash"]
    assert [k for k in ds if k != "request_id"] == keys
    assert ds["parent"] == {"type": "database_id", "database_id": db["id"]}
    assert ds["database_parent"] == {"type": "page_id", "page_id": ws.root_id}
    assert ds["title"][0]["plain_text"] == "Tasks"
    assert ds["description"][0]["plain_text"] == "desc"
    assert ds["url"] == db["url"]
    assert ds["created_time"].endswith(":00.000Z")


@pytest.mark.parametrize("version", NEW)
def test_add_second_data_source(ws, version):
    db, ds_id = make_db(ws, version, {"Name": {"title": {}}})
    notion = ws.client(version)
    extra = notion.data_sources.create(parent={"type": "database_id", "database_id": db["id"]}, title=text("Second"),
                                       properties={"Title": {"title": {}}, "Tag": {"select": {"options": [{"name": "t"}]}}})
    assert extra["object"] == "data_source"
    assert set(extra["properties"]) == {"Title", "Tag"}
    got = notion.databases.retrieve(db["id"])
    assert got["data_sources"] == [{"id": ds_id, "name": "Tasks"}, {"id": extra["id"], "name": "Second"}]
    page = notion.pages.create(parent={"data_source_id": extra["id"]}, properties={"Tag": {"select": {"name": "t"}}})
    assert page["parent"] == {"type": "data_source_id", "data_source_id": extra["id"], "database_id": db["id"]}
    err = error_of(notion.pages.create, parent={"database_id": db["id"]}, properties={})
    assert err.body["additional_data"]["child_data_source_ids"] == [ds_id, extra["id"]]


def test_create_data_source_errors(ws):
    notion = ws.client()
    db, ds_id = make_db(ws, "2026-03-11", {"Name": {"title": {}}})
    err = error_of(notion.data_sources.create, parent={"page_id": ws.root_id}, properties={"Name": {"title": {}}})
    assert err.message == "body failed validation: body.parent.page_id should be not present, instead was `\"" + ws.root_id + "\"`."
    err = error_of(notion.data_sources.create, parent={"database_id": db["id"]})
    assert err.message == "body failed validation: body.properties should be defined, instead was `undefined`."
    err = error_of(notion.data_sources.create, parent={"database_id": ds_id}, properties={"Name": {"title": {}}})
    assert (err.status, err.code) == (404, "object_not_found")
    assert err.message.startswith(f"Could not find database with ID: {ds_id}.")


@pytest.mark.parametrize("version", NEW)
def test_update_title_icon_and_trash(ws, version):
    db, ds_id = make_db(ws, version, {"Name": {"title": {}}})
    notion = ws.client(version)
    page = notion.pages.create(parent={"data_source_id": ds_id}, properties={})
    out = notion.data_sources.update(ds_id, title=text("Renamed"), icon={"emoji": "📚"})
    assert out["title"][0]["plain_text"] == "Renamed" and out["icon"] == {"type": "emoji", "emoji": "📚"}
    assert notion.databases.retrieve(db["id"])["data_sources"] == [{"id": ds_id, "name": "Renamed"}]
    out = notion.data_sources.update(ds_id, in_trash=True)
    assert out["in_trash"] is True
    assert notion.pages.retrieve(page["id"])["in_trash"] is True
    err = error_of(notion.data_sources.update, ds_id, title=text("no"))
    assert err.message == "Can't edit data source that is archived. You must unarchive the data source before editing."
    err = error_of(notion.pages.create, parent={"data_source_id": ds_id}, properties={})
    assert err.code == "validation_error"
    out = notion.data_sources.update(ds_id, in_trash=False)
    assert out["in_trash"] is False and notion.pages.retrieve(page["id"])["in_trash"] is False


def test_move_data_source_to_another_database(ws):
    a, a_ds = make_db(ws, "2025-09-03", {"Name": {"title": {}}}, title="A")
    b, b_ds = make_db(ws, "2025-09-03", {"Name": {"title": {}}}, title="B")
    notion = ws.client("2025-09-03")
    out = notion.data_sources.update(b_ds, parent={"type": "database_id", "database_id": a["id"]})
    assert out["parent"] == {"type": "database_id", "database_id": a["id"]}
    assert [d["id"] for d in notion.databases.retrieve(a["id"])["data_sources"]] == [a_ds, b_ds]
    assert notion.databases.retrieve(b["id"])["data_sources"] == []


def test_templates_envelope(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    notion = ws.client("2025-09-03")
    out = notion.data_sources.list_templates(ds_id)
    assert {k: v for k, v in out.items() if k != "request_id"} == {"templates": [], "has_more": False, "next_cursor": None}
    err = error_of(notion.data_sources.list_templates, ds_id, page_size=0)
    assert err.message == "query failed validation: query.page_size should be ≥ `1`, instead was `0`."


def test_data_sources_do_not_exist_in_2022(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    r = ws.raw("GET", f"/v1/data_sources/{ds_id}", version="2022-06-28")
    assert r.status_code == 400 and r.json()["code"] == "invalid_request_url"


def test_partial_data_source_for_insert_only_integration(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    token = ws.integration("Inserter", ("insert_content",))
    out = ws.client("2025-09-03", token=token).data_sources.create(parent={"database_id": db["id"]}, properties={"T": {"title": {}}})
    assert set(out) - {"request_id"} == {"object", "id", "properties"}
    assert out["properties"]["T"]["id"] == "title"
