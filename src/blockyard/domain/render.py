"""Internal nodes rendered as the JSON objects of the request's API version."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..clock import iso
from ..store.nodes import Node

if TYPE_CHECKING:
    from ..api.context import Ctx

NOTION_URL = "https://www.notion.so/"


def user_ref(user_id: str) -> dict[str, str]:
    return {"object": "user", "id": user_id}


def url_for(node: Node) -> str:
    compact = node.id.replace("-", "")
    if node.kind in ("database", "data_source"):
        return NOTION_URL + compact
    slug = re.sub(r"[^0-9A-Za-z]+", "-", node.data.get("_title_text", "")).strip("-")
    return NOTION_URL + (f"{slug}-{compact}" if slug else compact)


def parent(ctx: "Ctx", node: Node) -> dict[str, Any]:
    kind, pid = node.parent_type, node.parent_id
    if kind == "workspace":
        return {"type": "workspace", "workspace": True}
    if kind == "data_source_id":
        from . import databases

        database_id = databases.database_of(ctx, pid)
        if ctx.version.data_sources:
            return {"type": "data_source_id", "data_source_id": pid, "database_id": database_id}
        return {"type": "database_id", "database_id": database_id}
    return {"type": kind, kind: pid}


def _trash(ctx: "Ctx", out: dict[str, Any], node: Node) -> None:
    if ctx.version.archived:
        out["archived"] = node.in_trash


def page(ctx: "Ctx", node: Node, *, filter_properties: list[str] | None = None) -> dict[str, Any]:
    from . import properties

    data = node.data
    out: dict[str, Any] = {
        "object": "page",
        "id": node.id,
        "created_time": iso(node.created_time),
        "last_edited_time": iso(node.last_edited_time),
        "created_by": user_ref(node.created_by),
        "last_edited_by": user_ref(node.last_edited_by),
        "cover": data.get("cover"),
        "icon": data.get("icon"),
        "parent": parent(ctx, node),
        "in_trash": node.in_trash,
        "is_archived": data.get("is_archived", False),
        "is_locked": data.get("is_locked", False),
        "properties": properties.render_page_properties(ctx, node, filter_properties),
        "url": url_for(node),
        "public_url": None,
    }
    _trash(ctx, out, node)
    return out


def block(ctx: "Ctx", node: Node, has_children: bool) -> dict[str, Any]:
    from . import blocks

    out: dict[str, Any] = {
        "object": "block",
        "id": node.id,
        "parent": parent(ctx, node),
        "created_time": iso(node.created_time),
        "last_edited_time": iso(node.last_edited_time),
        "created_by": user_ref(node.created_by),
        "last_edited_by": user_ref(node.last_edited_by),
        "has_children": has_children,
        "in_trash": node.in_trash,
    }
    block_type, payload = blocks.render_payload(ctx, node)
    out["type"] = block_type
    out[block_type] = payload
    if ctx.version.archived:
        out["archived"] = node.in_trash  # last, as Notion sends it before 2026-03-11
    return out
