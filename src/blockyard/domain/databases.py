"""Databases (containers) and their data sources: create, retrieve, update, trash.

In 2022-06-28 a database shows its single data source's schema as its own; from 2025-09-03 a
database lists its data sources, and schemas live on them (`properties/schema.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors, ids
from ..access import capabilities as caps
from ..clock import iso
from ..store import nodes as store_nodes
from ..store.nodes import Node
from . import access, rich_text, validate as v
from .properties import schema as prop_schema
from .render import parent as render_parent, url_for, user_ref

if TYPE_CHECKING:
    from ..context import Ctx

MAX_DATA_SOURCES = 100


def data_source_node(ctx: "Ctx", data_source_id: str) -> Node:
    node = store_nodes.get(ctx.tx, ctx.principal.workspace_id, data_source_id)
    if node is None:
        raise errors.not_found("data source", data_source_id, None, None)
    return node


def database_of(ctx: "Ctx", data_source_id: str) -> str | None:
    node = store_nodes.get(ctx.tx, ctx.principal.workspace_id, data_source_id)
    return node.parent_id if node is not None else None


def data_sources_of(ctx: "Ctx", database: Node) -> list[Node]:
    """Live data sources of a database (all of them, trashed too, when the database itself is trashed)."""
    found = [n for n in store_nodes.children(ctx.tx, database.id, limit=MAX_DATA_SOURCES + 1) if n.kind == "data_source"]
    if not found and database.in_trash:
        found = [n for n in _all_children(ctx, database) if n.kind == "data_source" and n.trash_root == database.trash_root]
    return found


def _all_children(ctx: "Ctx", database: Node) -> list[Node]:
    import sqlalchemy as sa

    from ..store.schema import nodes

    rows = ctx.tx.execute(sa.select(nodes).where(nodes.c.parent_id == database.id).order_by(nodes.c.sort_key))
    return [Node.from_row(r) for r in rows]


def single_data_source(ctx: "Ctx", database: Node) -> Node:
    sources = data_sources_of(ctx, database)
    if len(sources) != 1:
        raise errors.validation(
            "Databases with multiple data sources are not supported in this API version.",
            {
                "error_type": "multiple_data_sources_for_database",
                "database_id": database.id,
                "child_data_source_ids": [s.id for s in sources],
                "minimum_api_version": "2025-09-03",
            },
        )
    return sources[0]


# --- rendering -----------------------------------------------------------------------------------

def _full(ctx: "Ctx", value: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rich text with user mentions showing the user, as blocks and page properties show them."""
    return rich_text.render_user_mentions(ctx, value) if rich_text.has_user_mention(value) else value


def render_database(ctx: "Ctx", db: Node) -> dict[str, Any]:
    data = db.data
    if not ctx.version.data_sources:
        ds = single_data_source(ctx, db)
        return {
            "object": "database",
            "id": db.id,
            "cover": data.get("cover"),
            "icon": data.get("icon"),
            "created_time": iso(db.created_time),
            "created_by": user_ref(db.created_by),
            "last_edited_by": user_ref(db.last_edited_by),
            "last_edited_time": iso(db.last_edited_time),
            "title": _full(ctx, data.get("title", [])),
            "description": _full(ctx, data.get("description", [])),
            "is_inline": data.get("is_inline", False),
            "properties": prop_schema.render_schema(ctx, ds),
            "parent": render_parent(ctx, db),
            "url": url_for(db),
            "public_url": None,
            "archived": db.in_trash,
            "in_trash": db.in_trash,
        }
    out: dict[str, Any] = {
        "object": "database",
        "id": db.id,
        "title": _full(ctx, data.get("title", [])),
        "description": _full(ctx, data.get("description", [])),
        "parent": render_parent(ctx, db),
        "is_inline": data.get("is_inline", False),
        "in_trash": db.in_trash,
    }
    if ctx.version.archived:
        out["archived"] = db.in_trash
    out.update({
        "is_locked": data.get("is_locked", False),
        "created_time": iso(db.created_time),
        "last_edited_time": iso(db.last_edited_time),
        # An untitled data source goes by its database's name.
        "data_sources": [{"id": s.id, "name": s.data.get("_title_text", "") or data.get("_title_text", "")}
                         for s in data_sources_of(ctx, db)],
        "icon": data.get("icon"),
        "cover": data.get("cover"),
        "url": url_for(db),
        "public_url": None,
    })
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
        "title": _full(ctx, data.get("title", [])),
        # The description is the database's: Notion shows the container's on its data sources.
        "description": _full(ctx, db.data.get("description", [])) if db else [],
        "is_inline": db.data.get("is_inline", False) if db else False,
        "properties": prop_schema.render_schema(ctx, ds),
        "parent": {"type": "database_id", "database_id": ds.parent_id},
        "database_parent": render_parent(ctx, db) if db else {"type": "workspace", "workspace": True},
        "url": url_for(db) if db else url_for(ds),
        "public_url": None,
    }
    if ctx.version.archived:
        out["archived"] = ds.in_trash
    out["in_trash"] = ds.in_trash
    return out


def render_schema(ctx: "Ctx", ds: Node) -> dict[str, Any]:
    return prop_schema.render_schema(ctx, ds)


# --- create --------------------------------------------------------------------------------------

DEFAULT_TITLE = "New database"


def _title(ctx: "Ctx", value: Any, path: str) -> list[dict[str, Any]]:
    from .blocks import resolver_for

    return rich_text.parse(value, path, resolver_for(ctx))


def create(ctx: "Ctx", body: dict[str, Any], node_id: str | None = None, data_source_id: str | None = None) -> Node:
    from .media import parse_cover, parse_icon
    from .pages import new_node, parse_parent, resolve_container

    ctx.require(caps.INSERT_CONTENT)
    allowed = ["parent", "title", "description", "is_inline", "icon", "cover", "is_locked"]
    allowed.append("initial_data_source" if ctx.version.data_sources else "properties")
    v.no_extra(body, allowed, "body")
    kind, target = parse_parent(ctx, v.required(body, "parent", "body"), allowed=("page_id", "workspace"))
    parent_type, parent = resolve_container(ctx, kind, target)
    if parent is not None:
        access.ensure_editable(parent, "block")
    if ctx.version.data_sources:
        initial = v.obj(body.get("initial_data_source", {}), "body.initial_data_source")
        v.no_extra(initial, ("properties",), "body.initial_data_source")
        schema_json = initial.get("properties", {"Name": {"title": {}}})
        schema_path = "body.initial_data_source.properties"
    else:
        schema_json = v.required(body, "properties", "body")
        schema_path = "body.properties"
    title = _title(ctx, body.get("title", []), "body.title")
    ds_title = title
    if "title" not in body and ctx.version.data_sources:
        # Notion names an untitled database "New database"; its data source keeps an empty title.
        title = [rich_text.text_item(DEFAULT_TITLE)]
    description = _title(ctx, body.get("description", []), "body.description")
    title_text = rich_text.plain_text(title)
    ds_title_text = rich_text.plain_text(ds_title)
    ds_id = data_source_id or ids.new_id()
    schema, _env = prop_schema.parse_create(ctx, schema_json, schema_path, ds_id, title_text)
    parent_id = parent.id if parent else None
    key = store_nodes.keys_for_insert(ctx.tx, parent_id, 1)[0] if parent_id else store_nodes.order.FIRST
    icon = parse_icon(ctx, body.get("icon"), "body.icon")
    db = new_node(ctx, kind="database", type_="child_database", parent_type=parent_type, parent_id=parent_id, sort_key=key,
                  node_id=node_id, title=title_text, data={
                      "title": title, "description": description, "icon": icon,
                      "cover": parse_cover(ctx, body.get("cover"), "body.cover"),
                      "is_inline": v.boolean(body.get("is_inline", False), "body.is_inline"),
                      "is_locked": v.boolean(body.get("is_locked", False), "body.is_locked"), "_title_text": title_text,
                  })
    store_nodes.insert(ctx.tx, db)
    ds = new_node(ctx, kind="data_source", type_="data_source", parent_type="database_id", parent_id=db.id,
                  sort_key=store_nodes.order.FIRST, node_id=ds_id, title=ds_title_text, data={
                      "title": ds_title, "icon": icon, "properties": schema, "_title_text": ds_title_text,
                  })
    store_nodes.insert(ctx.tx, ds)
    if parent is not None and parent.kind == "page":
        store_nodes.touch(ctx.tx, parent.id, ctx.principal.user_id)
    return db


def create_data_source(ctx: "Ctx", body: dict[str, Any]) -> Node:
    from .media import parse_icon
    from .pages import new_node

    ctx.require(caps.INSERT_CONTENT)
    v.no_extra(body, ("parent", "properties", "title", "icon"), "body")
    parent = v.obj(v.required(body, "parent", "body"), "body.parent")
    if parent.get("type", "database_id") != "database_id":
        raise v.fail("body.parent.type", '`"database_id"`', parent.get("type"))
    v.no_extra(parent, ("type", "database_id"), "body.parent")
    db_id = v.uuid(v.required(parent, "database_id", "body.parent"), "body.parent.database_id")
    db = access.load(ctx, db_id, "database", kinds=("database",), need="edit")
    access.ensure_editable(db, "database")
    if len(data_sources_of(ctx, db)) >= MAX_DATA_SOURCES:
        raise errors.validation(f"A database can have at most {MAX_DATA_SOURCES} data sources.")
    title = _title(ctx, body.get("title", []), "body.title")
    title_text = rich_text.plain_text(title)
    ds_id = ids.new_id()
    schema, _env = prop_schema.parse_create(ctx, v.required(body, "properties", "body"), "body.properties", ds_id, title_text)
    key = store_nodes.keys_for_insert(ctx.tx, db.id, 1)[0]
    ds = new_node(ctx, kind="data_source", type_="data_source", parent_type="database_id", parent_id=db.id, sort_key=key,
                  node_id=ds_id, title=title_text, data={
                      "title": title, "icon": parse_icon(ctx, body.get("icon"), "body.icon"), "properties": schema,
                      "_title_text": title_text,
                  })
    store_nodes.insert(ctx.tx, ds)
    store_nodes.touch(ctx.tx, db.id, ctx.principal.user_id)
    return ds


# --- update --------------------------------------------------------------------------------------

def _edited(ctx: "Ctx", node: Node) -> None:
    node.last_edited_time = ctx.now - ctx.now % 60_000
    node.last_edited_by = ctx.principal.user_id


def _set_title(ds: Node, title: list[dict[str, Any]]) -> None:
    text = rich_text.plain_text(title)
    ds.data = {**ds.data, "title": title, "_title_text": text}
    ds.title = text.lower()


def _begin_update(ctx: "Ctx", node: Node, body: dict[str, Any], allowed: list[str], label: str) -> tuple[bool | None, set[str]]:
    """What a database or data source update does first: check the body, restore from the trash if asked,
    and refuse other edits to something still in the trash. Returns the trash flag and the edited keys."""
    from .pages import _trash_flag

    ctx.require(caps.UPDATE_CONTENT)
    v.no_extra(body, allowed + ["archived"] if ctx.version.archived else allowed, "body")
    trash = _trash_flag(ctx, body)
    if trash is False and node.in_trash:
        store_nodes.set_trash(ctx.tx, node, False, ctx.principal.user_id)
    edits = set(body) - {"in_trash", "archived"}
    if edits:
        access.ensure_editable(node, label)
    return trash, edits


def _finish_update(ctx: "Ctx", node: Node, trash: bool | None, edits: set[str]) -> None:
    if edits:
        _edited(ctx, node)
    store_nodes.save(ctx.tx, node)
    if trash and not node.in_trash:
        store_nodes.set_trash(ctx.tx, node, True, ctx.principal.user_id)


def update_database(ctx: "Ctx", db: Node, body: dict[str, Any]) -> None:
    from .media import parse_cover, parse_icon

    allowed = ["title", "description", "icon", "cover", "is_inline", "in_trash", "is_locked"]
    allowed += ["parent"] if ctx.version.data_sources else ["properties"]
    trash, edits = _begin_update(ctx, db, body, allowed, "database")
    data = dict(db.data)
    single = None if ctx.version.data_sources else single_data_source(ctx, db)
    if "title" in body:
        title = _title(ctx, body["title"], "body.title")
        sources = [single] if single else data_sources_of(ctx, db)
        # A data source that carried the database's name follows it.
        for ds in sources:
            if single is not None or ds.data.get("_title_text", "") == data.get("_title_text", ""):
                _set_title(ds, title)
                store_nodes.save(ctx.tx, ds)
        data["title"] = title
        data["_title_text"] = rich_text.plain_text(title)
        db.title = data["_title_text"].lower()
    if "description" in body:
        data["description"] = _title(ctx, body["description"], "body.description")
    if "icon" in body:
        data["icon"] = parse_icon(ctx, body["icon"], "body.icon")
    if "cover" in body:
        data["cover"] = parse_cover(ctx, body["cover"], "body.cover")
    for flag in ("is_inline", "is_locked"):
        if flag in body:
            data[flag] = v.boolean(body[flag], f"body.{flag}")
    if "parent" in body:
        _move_database(ctx, db, body["parent"])
    if "properties" in body and single is not None:
        prop_schema.apply_update(ctx, single, body["properties"], "body.properties")
        _edited(ctx, single)
        store_nodes.save(ctx.tx, single)
    db.data = data
    _finish_update(ctx, db, trash, edits)


def _move_database(ctx: "Ctx", db: Node, value: Any) -> None:
    from .pages import parse_parent, resolve_container

    kind, target = parse_parent(ctx, value, "body.parent", allowed=("page_id", "workspace"))
    parent_type, parent = resolve_container(ctx, kind, target)
    if parent is not None and (parent.id == db.id or db.id in [a.id for a in store_nodes.ancestors(ctx.tx, parent)]):
        raise errors.validation("Cannot move a database into itself or one of its descendants.")
    old = db.parent_id
    db.parent_type, db.parent_id = parent_type, parent.id if parent else None
    db.sort_key = store_nodes.keys_for_insert(ctx.tx, parent.id, 1)[0] if parent else store_nodes.order.FIRST
    for pid in (old, db.parent_id):
        if pid:
            store_nodes.touch(ctx.tx, pid, ctx.principal.user_id)


def update_data_source(ctx: "Ctx", ds: Node, body: dict[str, Any]) -> None:
    from .media import parse_icon

    trash, edits = _begin_update(ctx, ds, body, ["title", "icon", "properties", "in_trash", "parent"], "data source")
    if "title" in body:
        _set_title(ds, _title(ctx, body["title"], "body.title"))
    if "icon" in body:
        ds.data = {**ds.data, "icon": parse_icon(ctx, body["icon"], "body.icon")}
    if "properties" in body:
        prop_schema.apply_update(ctx, ds, body["properties"], "body.properties")
    if "parent" in body:
        parent = v.obj(body["parent"], "body.parent")
        v.no_extra(parent, ("type", "database_id"), "body.parent")
        db_id = v.uuid(v.required(parent, "database_id", "body.parent"), "body.parent.database_id")
        db = access.load(ctx, db_id, "database", kinds=("database",), need="edit")
        access.ensure_editable(db, "database")
        if db.id != ds.parent_id:
            old = ds.parent_id
            ds.parent_id = db.id
            ds.sort_key = store_nodes.keys_for_insert(ctx.tx, db.id, 1)[0]
            for pid in (old, db.id):
                if pid:
                    store_nodes.touch(ctx.tx, pid, ctx.principal.user_id)
    _finish_update(ctx, ds, trash, edits)
