"""Internal nodes rendered as the JSON objects of the request's API version."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..clock import iso
from ..store.nodes import Node

if TYPE_CHECKING:
    from ..context import Ctx

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
    return pages(ctx, [node], filter_properties=filter_properties)[0]


def pages(ctx: "Ctx", nodes: list[Node], *, filter_properties: list[str] | None = None) -> list[dict[str, Any]]:
    """Pages in bulk (a page of query results): each data source's schema is read once, and each
    parent, user reference and timestamp is rendered once, however many pages share it."""
    from . import properties
    from .databases import data_source_node
    from .properties.values import PageRenderer

    renderers: dict[str, PageRenderer] = {}
    parents: dict[tuple[str, str | None], dict[str, Any]] = {}
    times: dict[int, str] = {}
    archived = ctx.version.archived
    out: list[dict[str, Any]] = []

    def when(ms: int) -> str:
        text = times.get(ms)
        if text is None:
            text = times[ms] = iso(ms)
        return text

    for node in nodes:
        data = node.data
        if node.parent_type == "data_source_id":
            renderer = renderers.get(node.parent_id)  # type: ignore[arg-type]
            if renderer is None:
                ds = data_source_node(ctx, node.parent_id)  # type: ignore[arg-type]
                renderer = renderers[ds.id] = PageRenderer(ctx, ds, filter_properties)
            props = renderer.render(node)
        else:
            props = properties.render_page_properties(ctx, node, filter_properties)
        key = (node.parent_type, node.parent_id)
        par = parents.get(key)
        if par is None:
            par = parents[key] = parent(ctx, node)
        item: dict[str, Any] = {
            "object": "page",
            "id": node.id,
            "created_time": when(node.created_time),
            "last_edited_time": when(node.last_edited_time),
            "created_by": user_ref(node.created_by),
            "last_edited_by": user_ref(node.last_edited_by),
            "cover": data.get("cover"),
            "icon": data.get("icon"),
            "parent": dict(par),
            "in_trash": node.in_trash,
            "is_archived": data.get("is_archived", False),
            "is_locked": data.get("is_locked", False),
            "properties": props,
            "url": url_for(node),
            "public_url": None,
        }
        if archived:
            item["archived"] = node.in_trash
        out.append(item)
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
