"""Helpers for query and search tests: databases through the API, rows through the API or the store."""

from __future__ import annotations

from typing import Any

from blockyard import ids
from blockyard.query import index
from blockyard.store import nodes as store_nodes
from blockyard.store.nodes import Node

from support import Workspace, text


def make_db(ws: Workspace, schema: dict[str, Any], title: str = "Tasks") -> tuple[str, str]:
    """(database id, data source id) of a new database under the root page."""
    db = ws.client("2025-09-03").databases.create(
        parent={"type": "page_id", "page_id": ws.root_id},
        title=text(title),
        initial_data_source={"properties": schema},
    )
    return db["id"], db["data_sources"][0]["id"]


def add_row(ws: Workspace, ds_id: str, props: dict[str, Any]) -> str:
    page = ws.client("2025-09-03").pages.create(parent={"type": "data_source_id", "data_source_id": ds_id}, properties=props)
    return page["id"]


def schema_of(ws: Workspace, ds_id: str) -> dict[str, dict[str, Any]]:
    with ws.server.store.read() as tx:
        ds = store_nodes.get(tx, ws.info.id, ds_id)
        assert ds is not None
        return ds.data["properties"]


def sync(ws: Workspace, ds_id: str) -> None:
    """Rebuild the data source's index (idempotent; covers writers that do not reindex yet)."""
    with ws.server.store.write() as tx:
        ds = store_nodes.get(tx, ws.info.id, ds_id)
        assert ds is not None
        index.reindex_data_source(tx, ds)


def insert_rows(ws: Workspace, ds_id: str, rows: list[dict[str, Any]], *, created: list[int] | None = None,
                trashed: set[int] = frozenset()) -> list[str]:
    """Rows with stored property values (keyed by property ID), written through the store and indexed."""
    out = []
    with ws.server.store.write() as tx:
        ds = store_nodes.get(tx, ws.info.id, ds_id)
        assert ds is not None
        keys = store_nodes.keys_for_insert(tx, ds_id, len(rows))
        schema = ds.data["properties"]
        title_id = next(pid for pid, p in schema.items() if p["type"] == "title")
        user = ws.info.owner_id
        new = []
        for i, (props, key) in enumerate(zip(rows, keys)):
            t = tx.now - tx.now % 60_000 if created is None else created[i]
            title = "".join(x.get("plain_text", "") for x in props.get(title_id, []))
            node = Node(ids.new_id(), ws.info.id, "page", "child_page", "data_source_id", ds_id, key, i in trashed,
                        None, t, user, t, user, title.lower(), {"properties": props, "_title_text": title})
            new.append(node)
            out.append(node.id)
        store_nodes.insert_many(tx, new)
        for node in new:
            index.reindex_page(tx, node, ds)
    return out


def rich(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content, "link": None}, "annotations": {
        "bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False, "color": "default"},
        "plain_text": content, "href": None}]


def titles(result: dict[str, Any]) -> list[str]:
    out = []
    for page in result["results"]:
        for value in page["properties"].values():
            if value["type"] == "title":
                out.append("".join(t["plain_text"] for t in value["title"]))
    return out


def query(ws: Workspace, ds_id: str, version: str = "2026-03-11", **body: Any) -> dict[str, Any]:
    return ws.client(version).data_sources.query(data_source_id=ds_id, **body)
