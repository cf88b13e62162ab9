"""Databases (containers) and their data sources.

First cut for the getting-started journey: create with a schema, retrieve in every version.
The data-source work extends this module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors, ids
from ..clock import iso
from ..store import nodes as store_nodes
from ..store.nodes import Node
from . import rich_text, validate as v
from .render import parent as render_parent, url_for, user_ref

if TYPE_CHECKING:
    from ..api.context import Ctx


def data_source_node(ctx: "Ctx", data_source_id: str) -> Node:
    node = store_nodes.get(ctx.tx, ctx.principal.workspace_id, data_source_id)
    if node is None:
        raise errors.not_found("data source", data_source_id, None, None)
    return node


def database_of(ctx: "Ctx", data_source_id: str) -> str | None:
    node = store_nodes.get(ctx.tx, ctx.principal.workspace_id, data_source_id)
    return node.parent_id if node is not None else None


def data_sources_of(ctx: "Ctx", database: Node) -> list[Node]:
    return [n for n in store_nodes.children(ctx.tx, database.id, limit=101) if n.kind == "data_source"]


def single_data_source(ctx: "Ctx", database: Node) -> Node:
    sources = data_sources_of(ctx, database)
    if len(sources) != 1:
        raise errors.validation(
            f"Databases with multiple data sources are not supported in this API version.",
            {
                "error_type": "multiple_data_sources_for_database",
                "database_id": database.id,
                "child_data_source_ids": [s.id for s in sources],
                "minimum_api_version": "2025-09-03",
            },
        )
    return sources[0]


def render_database(ctx: "Ctx", db: Node) -> dict[str, Any]:
    data = db.data
    if not ctx.version.data_sources:
        ds = single_data_source(ctx, db)
        out: dict[str, Any] = {
            "object": "database",
            "id": db.id,
            "cover": data.get("cover"),
            "icon": data.get("icon"),
            "created_time": iso(db.created_time),
            "created_by": user_ref(db.created_by),
            "last_edited_by": user_ref(db.last_edited_by),
            "last_edited_time": iso(db.last_edited_time),
            "title": data.get("title", []),
            "description": data.get("description", []),
            "is_inline": data.get("is_inline", False),
            "properties": render_schema(ctx, ds),
            "parent": render_parent(ctx, db),
            "url": url_for(db),
            "public_url": None,
            "archived": db.in_trash,
            "in_trash": db.in_trash,
        }
        return out
    out = {
        "object": "database",
        "id": db.id,
        "title": data.get("title", []),
        "description": data.get("description", []),
        "parent": render_parent(ctx, db),
        "is_inline": data.get("is_inline", False),
        "in_trash": db.in_trash,
        "is_locked": data.get("is_locked", False),
        "created_time": iso(db.created_time),
        "last_edited_time": iso(db.last_edited_time),
        "data_sources": [{"id": s.id, "name": s.data.get("_title_text", "")} for s in data_sources_of(ctx, db)],
        "icon": data.get("icon"),
        "cover": data.get("cover"),
        "url": url_for(db),
        "public_url": None,
    }
    if ctx.version.archived:
        out["archived"] = db.in_trash
    return out


def render_data_source(ctx: "Ctx", ds: Node) -> dict[str, Any]:
    db = store_nodes.get(ctx.tx, ctx.principal.workspace_id, ds.parent_id) if ds.parent_id else None
    data = ds.data
    out: dict[str, Any] = {
        "object": "data_source",
        "id": ds.id,
        "cover": db.data.get("cover") if db else None,
        "icon": data.get("icon"),
        "created_time": iso(ds.created_time),
        "created_by": user_ref(ds.created_by),
        "last_edited_by": user_ref(ds.last_edited_by),
        "last_edited_time": iso(ds.last_edited_time),
        "title": data.get("title", []),
        "description": data.get("description", []),
        "is_inline": db.data.get("is_inline", False) if db else False,
        "properties": render_schema(ctx, ds),
        "parent": {"type": "database_id", "database_id": ds.parent_id},
        "database_parent": render_parent(ctx, db) if db else {"type": "workspace", "workspace": True},
        "url": url_for(ds),
        "public_url": None,
        "in_trash": ds.in_trash,
    }
    if ctx.version.archived:
        out["archived"] = ds.in_trash
    return out


def render_schema(ctx: "Ctx", ds: Node) -> dict[str, Any]:
    out = {}
    for pid, prop in ds.data.get("properties", {}).items():
        t = prop["type"]
        out[prop["name"]] = {"id": pid, "name": prop["name"], "description": prop.get("description"), "type": t, t: prop.get(t, {})}
    return out


# --- create --------------------------------------------------------------------------------------

DEFAULT_STATUS = (
    ("Not started", "default", "To-do"),
    ("In progress", "blue", "In progress"),
    ("Done", "green", "Complete"),
)
OPTION_COLORS = ("default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red")


def parse_schema(ctx: "Ctx", value: Any, path: str) -> dict[str, dict[str, Any]]:
    v.obj(value, path)
    out: dict[str, dict[str, Any]] = {}
    titles = 0
    for name, config in value.items():
        v.obj(config, f"{path}.{name}")
        t = config.get("type") or next((k for k in config if k not in ("name", "description", "id")), None)
        if t is None:
            raise v.fail(f"{path}.{name}.type", "defined")
        body = config.get(t, {})
        pid = "title" if t == "title" else ids.new_property_id(set(out))
        prop: dict[str, Any] = {"id": pid, "name": config.get("name", name), "type": t}
        if t == "title":
            titles += 1
        if t in ("select", "multi_select"):
            prop[t] = {"options": [_option(o, i) for i, o in enumerate((body or {}).get("options", []))]}
        elif t == "status":
            prop[t] = _status_config(body or {})
        elif t == "number":
            prop[t] = {"format": (body or {}).get("format", "number")}
        else:
            prop[t] = body or {}
        out[pid] = prop
    if titles != 1:
        raise errors.validation("Title is not provided" if titles == 0 else "Only one title property is allowed.")
    return out


def _option(o: dict[str, Any], i: int) -> dict[str, Any]:
    return {"id": o.get("id") or ids.new_property_id(), "name": o["name"], "color": o.get("color") or OPTION_COLORS[i % 10], "description": o.get("description")}


def _status_config(body: dict[str, Any]) -> dict[str, Any]:
    options = []
    groups: dict[str, dict[str, Any]] = {}
    for name, color, group in DEFAULT_STATUS:
        oid = ids.new_property_id()
        options.append({"id": oid, "name": name, "color": color, "description": None})
        g = groups.setdefault(group, {"id": ids.new_property_id(), "name": group, "color": {"To-do": "gray", "In progress": "blue", "Complete": "green"}[group], "option_ids": []})
        g["option_ids"].append(oid)
    return {"options": options, "groups": list(groups.values())}


def create(ctx: "Ctx", body: dict[str, Any], node_id: str | None = None, data_source_id: str | None = None) -> Node:
    from ..access import capabilities as caps
    from .blocks import resolver_for
    from .pages import new_node, parse_parent, resolve_container

    ctx.require(caps.INSERT_CONTENT)
    kind, target = parse_parent(ctx, v.required(body, "parent", "body"), allowed=("page_id", "workspace"))
    parent_type, parent = resolve_container(ctx, kind, target)
    if ctx.version.data_sources:
        initial = body.get("initial_data_source") or {}
        schema_json = initial.get("properties", {"Name": {"title": {}}})
        schema_path = "body.initial_data_source.properties"
    else:
        schema_json = v.required(body, "properties", "body")
        schema_path = "body.properties"
    schema = parse_schema(ctx, schema_json, schema_path)
    resolver = resolver_for(ctx)
    title = rich_text.parse(body.get("title", []), "body.title", resolver)
    description = rich_text.parse(body.get("description", []), "body.description", resolver)
    from .media import parse_cover, parse_icon

    title_text = rich_text.plain_text(title)
    parent_id = parent.id if parent else None
    key = store_nodes.keys_for_insert(ctx.tx, parent_id, 1)[0] if parent_id else store_nodes.order.FIRST
    db = new_node(ctx, kind="database", type_="child_database", parent_type=parent_type, parent_id=parent_id, sort_key=key,
                  node_id=node_id, title=title_text, data={
                      "title": title, "description": description,
                      "icon": parse_icon(ctx, body.get("icon"), "body.icon"),
                      "cover": parse_cover(ctx, body.get("cover"), "body.cover"),
                      "is_inline": v.boolean(body.get("is_inline", False), "body.is_inline"),
                      "is_locked": False, "_title_text": title_text,
                  })
    store_nodes.insert(ctx.tx, db)
    ds = new_node(ctx, kind="data_source", type_="data_source", parent_type="database_id", parent_id=db.id,
                  sort_key=store_nodes.order.FIRST, node_id=data_source_id, title=title_text, data={
                      "title": title, "description": description, "icon": db.data["icon"], "properties": schema,
                      "_title_text": title_text,
                  })
    store_nodes.insert(ctx.tx, ds)
    return db
