"""Databases: create, retrieve, update and trash in every API version."""

from __future__ import annotations

import pytest

from db_support import db_create_raw, db_update, error_of, make_db, parent_for, schema
from support import VERSIONS, text


@pytest.mark.parametrize("version", VERSIONS)
def test_create_and_retrieve_database(ws, version):
    db, ds_id = make_db(ws, version, {"Name": {"title": {}}, "Done": {"checkbox": {}}}, description=text("About"))
    notion = ws.client(version)
    got = notion.databases.retrieve(db["id"])
    assert got["object"] == "database"
    assert got["title"][0]["plain_text"] == "Tasks"
    assert got["description"][0]["plain_text"] == "About"
    assert got["parent"] == {"type": "page_id", "page_id": ws.root_id}
    assert got["in_trash"] is False
    assert ("archived" in got) == (version != "2026-03-11")
    if version == "2022-06-28":
        assert set(got["properties"]) == {"Name", "Done"}
        assert got["properties"]["Name"] == {"id": "title", "name": "Name", "description": None, "type": "title", "title": {}}
        assert "data_sources" not in got
    else:
        assert "properties" not in got
        assert got["data_sources"] == [{"id": ds_id, "name": "Tasks"}]
        assert got["is_locked"] is False
    # The database is a child_database block of its page.
    children = notion.blocks.children.list(ws.root_id)["results"]
    assert [(c["type"], c["id"]) for c in children] == [("child_database", db["id"])]
    assert children[0]["child_database"] == {"title": "Tasks"}


def test_default_title_column_when_no_initial_data_source(ws):
    notion = ws.client("2025-09-03")
    db = notion.databases.create(parent={"page_id": ws.root_id}, title=text("Plain"))
    ds = notion.data_sources.retrieve(db["data_sources"][0]["id"])
    assert ds["properties"] == {"Name": {"id": "title", "name": "Name", "description": None, "type": "title", "title": {}}}


@pytest.mark.parametrize("version", VERSIONS)
def test_update_database_title_description_icon_inline(ws, version):
    db, ds_id = make_db(ws, version, {"Name": {"title": {}}})
    notion = ws.client(version)
    out = notion.databases.update(db["id"], title=text("Renamed"), description=text("D"), icon={"emoji": "🚀"}, is_inline=True)
    assert out["title"][0]["plain_text"] == "Renamed"
    assert out["description"][0]["plain_text"] == "D"
    assert out["icon"] == {"type": "emoji", "emoji": "🚀"}
    assert out["is_inline"] is True
    # The single data source follows the database's name.
    assert ws.client("2025-09-03").databases.retrieve(db["id"])["data_sources"][0]["name"] == "Renamed"
    out = notion.databases.update(db["id"], icon=None)
    assert out["icon"] is None


@pytest.mark.parametrize("version", VERSIONS)
def test_trash_and_restore_database(ws, version):
    db, ds_id = make_db(ws, version, {"Name": {"title": {}}})
    notion = ws.client(version)
    page = notion.pages.create(parent=parent_for(version, db["id"], ds_id), properties={"Name": {"title": text("Row")}})
    out = notion.databases.update(db["id"], in_trash=True)
    assert out["in_trash"] is True
    assert notion.pages.retrieve(page["id"])["in_trash"] is True
    assert notion.blocks.children.list(ws.root_id)["results"] == []
    err = error_of(notion.databases.update, db["id"], title=text("No"))
    assert (err.status, err.code) == (400, "validation_error")
    assert err.body["message"] == "Can't edit database that is archived. You must unarchive the database before editing."
    out = notion.databases.update(db["id"], in_trash=False)
    assert out["in_trash"] is False
    assert notion.pages.retrieve(page["id"])["in_trash"] is False


def test_archived_alias_in_old_versions_and_rejected_in_2026(ws):
    db, _ = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    out = db_update(ws, "2025-09-03", db["id"], archived=True)
    assert out["archived"] is True and out["in_trash"] is True
    err = error_of(db_update, ws, "2026-03-11", db["id"], archived=False)
    assert err.status == 400
    assert err.body["message"] == "body failed validation: body.archived should be not present, instead was `false`."


def test_create_requires_exactly_one_title(ws):
    notion = ws.client("2022-06-28")
    err = error_of(db_create_raw, ws, "2022-06-28", parent={"page_id": ws.root_id}, properties={"Done": {"checkbox": {}}})
    assert (err.status, err.code, err.body["message"]) == (400, "validation_error", "Title is not provided")
    err = error_of(db_create_raw, ws, "2022-06-28", parent={"page_id": ws.root_id},
                   properties={"A": {"title": {}}, "B": {"title": {}}})
    assert err.body["message"] == "Only one title property is allowed."
    err = error_of(notion.databases.create, parent={"page_id": ws.root_id})
    assert err.body["message"] == "body failed validation: body.properties should be defined, instead was `undefined`."
    assert notion.blocks.children.list(ws.root_id)["results"] == []


def test_create_rejects_bad_bodies(ws):
    notion = ws.client("2025-09-03")
    err = error_of(db_create_raw, ws, "2025-09-03", parent={"page_id": ws.root_id}, properties={"Name": {"title": {}}})
    assert err.body["message"] == "body failed validation: body.properties should be not present, instead was `{\"Name\":{\"title\":{}}}`."
    err = error_of(notion.databases.create, parent={"page_id": ws.root_id},
                   initial_data_source={"properties": {"Name": {"title": {}}, "N": {"number": {"format": "bitcoin"}}}})
    assert err.body["message"].startswith(
        "body failed validation: body.initial_data_source.properties.N.number.format should be `\"number\"`, `\"number_with_commas\"`")
    err = error_of(notion.databases.create, parent={"workspace": True}, title=text("x"))
    assert err.body["message"].startswith("Internal integrations can't create workspace-level pages")
    assert notion.blocks.children.list(ws.root_id)["results"] == []


def test_unshared_and_unknown_database(ws):
    other = ws.server.new_workspace()
    db, _ = make_db(other, "2025-09-03", {"Name": {"title": {}}})
    err = error_of(ws.client().databases.retrieve, db["id"])
    assert (err.status, err.code) == (404, "object_not_found")
    assert err.body["message"].startswith(f"Could not find database with ID: {db['id']}.")
    r = ws.raw("GET", "/v1/databases/not-a-uuid")
    assert r.json()["message"] == "path failed validation: path.database_id should be a valid uuid, instead was `\"not-a-uuid\"`."


def test_old_version_on_multi_source_database(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    extra = ws.client("2025-09-03").data_sources.create(parent={"database_id": db["id"]}, properties={"T": {"title": {}}})
    err = error_of(ws.client("2022-06-28").databases.retrieve, db["id"])
    assert (err.status, err.code) == (400, "validation_error")
    assert err.body["additional_data"] == {
        "error_type": "multiple_data_sources_for_database", "database_id": db["id"],
        "child_data_source_ids": [ds_id, extra["id"]], "minimum_api_version": "2025-09-03",
    }
    err = error_of(ws.client("2022-06-28").pages.create, parent={"database_id": db["id"]}, properties={})
    assert err.body["additional_data"]["error_type"] == "multiple_data_sources_for_database"


def test_insert_only_integration_gets_partial_database(ws):
    token = ws.integration("Inserter", ("insert_content",))
    notion = ws.client("2025-09-03", token=token)
    db = notion.databases.create(parent={"page_id": ws.root_id}, title=text("x"))
    assert set(db) - {"request_id"} == {"object", "id"}
    err = error_of(notion.databases.retrieve, db["id"])
    assert (err.status, err.code) == (403, "restricted_resource")


@pytest.mark.parametrize("version", VERSIONS)
def test_database_pages_carry_each_versions_parent(ws, version):
    db, ds_id = make_db(ws, version, {"Name": {"title": {}}})
    page = ws.client(version).pages.create(parent={"data_source_id": ds_id}, properties={"Name": {"title": text("r")}})
    if version == "2022-06-28":
        assert page["parent"] == {"type": "database_id", "database_id": db["id"]}
    else:
        assert page["parent"] == {"type": "data_source_id", "data_source_id": ds_id, "database_id": db["id"]}
    assert schema(ws, version, db["id"], ds_id)["Name"]["id"] == "title"
