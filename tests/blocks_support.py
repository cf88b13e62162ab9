"""Helpers for the block tests: a fresh page to write into, and raw-HTTP error checks."""

from __future__ import annotations

from typing import Any

from support import text


def new_page(ws: Any, version: str = "2026-03-11", title: str = "Blocks") -> str:
    page = ws.client(version).pages.create(parent={"page_id": ws.root_id}, properties={"title": {"title": text(title)}})
    return page["id"]


def append(ws: Any, parent: str, children: list[dict[str, Any]], version: str = "2026-03-11", **extra: Any) -> list[dict[str, Any]]:
    return ws.client(version).blocks.children.append(parent, children=children, **extra)["results"]


def children(ws: Any, parent: str, version: str = "2026-03-11", **query: Any) -> list[dict[str, Any]]:
    return ws.client(version).blocks.children.list(parent, **query)["results"]


def error(resp: Any, status: int = 400, code: str = "validation_error") -> str:
    assert resp.status_code == status, (resp.status_code, resp.text)
    body = resp.json()
    assert body["object"] == "error" and body["code"] == code, body
    return body["message"]


def block(block_type: str, **payload: Any) -> dict[str, Any]:
    return {"object": "block", "type": block_type, block_type: payload}


def row(*cells: str) -> dict[str, Any]:
    return block("table_row", cells=[text(c) if c else [] for c in cells])
