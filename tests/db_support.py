"""Helpers for the database, data-source and property tests: make a database in any API version."""

from __future__ import annotations

from typing import Any

from support import text


def make_db(ws, version: str, properties: dict[str, Any], title: str = "Tasks", **extra: Any) -> tuple[dict, str]:
    """Create a database under the root page; returns (database object, data source id)."""
    notion = ws.client(version)
    if version == "2022-06-28":
        # The 5.x Python client drops `properties` from databases.create: send the 2022 body as is.
        body = {"parent": {"page_id": ws.root_id}, "title": text(title), "properties": properties, **extra}
        db = notion.request(path="databases", method="POST", body=body)
        ds_id = ws.client("2025-09-03").databases.retrieve(db["id"])["data_sources"][0]["id"]
    else:
        db = notion.databases.create(parent={"page_id": ws.root_id}, title=text(title),
                                     initial_data_source={"properties": properties}, **extra)
        ds_id = db["data_sources"][0]["id"]
    return db, ds_id


def schema(ws, version: str, db_id: str, ds_id: str) -> dict[str, Any]:
    """The schema as the version shows it (database in 2022-06-28, data source after)."""
    if version == "2022-06-28":
        return ws.client(version).databases.retrieve(db_id)["properties"]
    return ws.client(version).data_sources.retrieve(ds_id)["properties"]


def update_schema(ws, version: str, db_id: str, ds_id: str, properties: dict[str, Any]) -> dict[str, Any]:
    if version == "2022-06-28":
        return db_update(ws, version, db_id, properties=properties)["properties"]
    return ws.client(version).data_sources.update(ds_id, properties=properties)["properties"]


def parent_for(version: str, db_id: str, ds_id: str) -> dict[str, str]:
    return {"database_id": db_id} if version == "2022-06-28" else {"data_source_id": ds_id}


def error_of(call, *args, **kwargs):
    from notion_client import APIResponseError
    import pytest

    import json
    from types import SimpleNamespace

    with pytest.raises(APIResponseError) as err:
        call(*args, **kwargs)
    body = json.loads(err.value.body)
    return SimpleNamespace(status=err.value.status, code=err.value.code, message=body["message"], body=body)


def db_update(ws, version: str, db_id: str, **body: Any) -> dict[str, Any]:
    """PATCH a database with any body (the Python client drops `properties` and `archived`)."""
    return ws.client(version).request(path=f"databases/{db_id}", method="PATCH", body=body)


def db_create_raw(ws, version: str, **body: Any) -> dict[str, Any]:
    return ws.client(version).request(path="databases", method="POST", body=body)
