"""GET /v1/pages/{id}/properties/{property_id}: Notion's property items.

title, rich_text, relation and people page through a list of single-element property items;
rollups list the relation's items with the rolled-up value alongside; every other type is one item."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ... import errors
from ...store.nodes import Node
from .. import validate as v
from .base import LIST_TYPES, TITLE_ID, encode_id
from .text import mentions_in_full
from .values import find_property, render_value

if TYPE_CHECKING:
    from ...context import Ctx


def _page_schema(ctx: "Ctx", page: Node) -> tuple[dict[str, dict[str, Any]], Node | None]:
    if page.parent_type == "data_source_id":
        from ..databases import data_source_node

        ds = data_source_node(ctx, page.parent_id)
        return ds.data.get("properties", {}), ds
    return {TITLE_ID: {"id": TITLE_ID, "name": "title", "type": "title", "title": {}}}, None


def _cursor(raw: str | None, total: int) -> int:
    if raw is None:
        return 0
    if not raw.isdigit() or int(raw) > total:
        from ...api.lists import bad_cursor

        raise bad_cursor("query.start_cursor", raw)
    return int(raw)


def property_item(ctx: "Ctx", page: Node, property_id: str, start_cursor: str | None, page_size: int) -> dict[str, Any]:
    schema, ds = _page_schema(ctx, page)
    found = find_property(schema, property_id)
    if found is None:
        raise errors.NotionError(404, "object_not_found", f"Could not find property with ID: {property_id}.")
    pid, prop = found
    t = prop["type"]
    eid = encode_id(pid)
    if ds is None:
        value = mentions_in_full(ctx, page.data.get("properties", {}).get(TITLE_ID, []))
    else:
        value = render_value(ctx, page, prop, ds, cap=False)
    if t == "rollup" and ds is not None:
        return _rollup_items(ctx, page, prop, ds, start_cursor, page_size)
    if t not in LIST_TYPES:
        return {"object": "property_item", "type": t, "id": eid, t: value}
    elements = list(value or [])
    start = _cursor(start_cursor, len(elements))
    chunk = elements[start : start + page_size]
    more = start + page_size < len(elements)
    next_cursor = str(start + page_size) if more else None
    return {
        "object": "list",
        "results": [{"object": "property_item", "type": t, "id": eid, t: e} for e in chunk],
        "next_cursor": next_cursor,
        "has_more": more,
        "type": "property_item",
        "property_item": {"id": eid, "next_url": _next_url(ctx, page, eid, next_cursor, page_size), "type": t, t: {}},
    }


def _next_url(ctx: "Ctx", page: Node, eid: str, cursor: str | None, page_size: int) -> str | None:
    if cursor is None:
        return None
    scope = ctx.request.scope
    base = f"{scope.get('scheme', 'http')}://{ctx.request.headers.get('host', 'localhost')}"
    return f"{base}/v1/pages/{page.id}/properties/{eid}?start_cursor={cursor}&page_size={page_size}"


def _rollup_items(ctx: "Ctx", page: Node, prop: dict[str, Any], ds: Node, start_cursor: str | None, page_size: int) -> dict[str, Any]:
    from .relation import rollup_value

    config = prop["rollup"]
    eid = encode_id(prop["id"])
    relation = ds.data.get("properties", {}).get(config["relation_property_id"])
    related = [r["id"] for r in page.data.get("properties", {}).get(config["relation_property_id"]) or []] if relation else []
    start = _cursor(start_cursor, len(related))
    chunk = related[start : start + page_size]
    more = start + page_size < len(related)
    next_cursor = str(start + page_size) if more else None
    rel_id = encode_id(config["relation_property_id"])
    value = {"type": "incomplete", "incomplete": {}, "function": config["function"]} if more else rollup_value(ctx, page, prop, ds)
    return {
        "object": "list",
        "results": [{"object": "property_item", "type": "relation", "id": rel_id, "relation": {"id": i}} for i in chunk],
        "next_cursor": next_cursor,
        "has_more": more,
        "type": "property_item",
        "property_item": {"id": eid, "next_url": _next_url(ctx, page, eid, next_cursor, page_size), "type": "rollup", "rollup": value},
    }


def page_size_of(ctx: "Ctx") -> int:
    return v.page_size(ctx.request.query("page_size"), "query.page_size", from_query=True)

