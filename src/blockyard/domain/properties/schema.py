"""Data-source schemas: parsing on create, updates (api-surface §5.3), and rendering."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ... import errors, ids
from ...store import nodes as store_nodes
from ...store.nodes import Node
from ...store.schema import nodes as nodes_table
from .. import validate as v
from .base import REGISTRY, TITLE_ID, SchemaEnv, encode_id
from .relation import DETACH, detached
from .values import find_property

if TYPE_CHECKING:
    from ...context import Ctx

MAX_PROPERTY_NAME = 100
_META = ("name", "type", "description", "id")


def render_schema(ctx: "Ctx", ds: Node) -> dict[str, Any]:
    out = {}
    for pid, prop in ds.data.get("properties", {}).items():
        t = prop["type"]
        ptype = REGISTRY.get(t)
        config = ptype.render_config(ctx, prop, ds) if ptype else {}
        out[prop["name"]] = {"id": encode_id(pid), "name": prop["name"], "description": prop.get("description"), "type": t, t: config}
    return out


def _split(key: str, config: Any, path: str) -> tuple[str | None, Any]:
    """(type, type config) of one property in a schema request."""
    v.obj(config, path)
    typed = [k for k in config if k not in _META]
    if "type" in config and config["type"] is not None:
        t = v.enum(config["type"], f"{path}.type", REGISTRY)
    elif typed:
        t = typed[0]
    else:
        return None, None
    for k in typed:
        if k != t:
            raise v.fail(f"{path}.{k}", "not present", config[k])
    if t not in REGISTRY:
        raise v.fail(f"{path}.type", v.one_of(REGISTRY), t)
    return t, config.get(t, {})


def _name(value: Any, path: str) -> str:
    return v.string(value, path, max_len=MAX_PROPERTY_NAME, allow_empty=False)


def _description(config: dict[str, Any], path: str, old: str | None) -> str | None:
    if "description" not in config:
        return old
    if config["description"] is None:
        return None
    return v.string(config["description"], f"{path}.description", max_len=280)


def _configure(ctx: "Ctx", env: SchemaEnv, pid: str, name: str, t: str, body: Any, path: str, old: dict[str, Any] | None) -> dict[str, Any]:
    env.pid, env.name = pid, name
    return REGISTRY[t].config(ctx, body, f"{path}.{t}", old, env)


def _rollups_last(items: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Plain properties first, then rollups (they read relations), then formulas (they read anything)."""
    def rank(item: tuple[str, Any]) -> int:
        cfg = item[1]
        if not isinstance(cfg, dict):
            return 0
        return 2 if cfg.get("type") == "formula" or "formula" in cfg else 1 if cfg.get("type") == "rollup" or "rollup" in cfg else 0

    return sorted(items, key=rank)


def parse_create(ctx: "Ctx", value: Any, path: str, ds_id: str, title: str) -> tuple[dict[str, dict[str, Any]], SchemaEnv]:
    v.obj(value, path)
    schema: dict[str, dict[str, Any]] = {}
    env = SchemaEnv(ctx, ds_id, schema, title)
    # Reserve IDs first so that rollups and relations may refer to properties in any order.
    planned: list[tuple[str, str, str, Any, dict[str, Any], str]] = []
    names: set[str] = set()
    for key, config in value.items():
        p = f"{path}.{key}"
        t, body = _split(key, config, p)
        if t is None:
            raise v.fail(f"{p}.type", "defined")
        name = _name(config.get("name", key), f"{p}.name")
        if name in names:
            raise errors.validation(f"Property names must be unique: {name}.")
        names.add(name)
        pid = TITLE_ID if t == "title" else ids.new_property_id(set(schema) | {x[0] for x in planned})
        planned.append((pid, name, t, body, config, p))
    titles = [x for x in planned if x[2] == "title"]
    if len(titles) != 1:
        raise errors.validation("Title is not provided" if not titles else "Only one title property is allowed.")
    for pid, name, t, _b, config, p in planned:
        schema[pid] = {"id": pid, "name": name, "type": t, "description": _description(config, p, None), t: {}}
    order = {"rollup": 1, "formula": 2}
    for pid, name, t, body, config, p in sorted(planned, key=lambda x: order.get(x[2], 0)):
        schema[pid][t] = _configure(ctx, env, pid, name, t, body, p, None)
    _apply_pending(ctx, env, [])
    return schema, env


def apply_update(ctx: "Ctx", ds: Node, value: Any, path: str) -> None:
    """Change a data source's schema in place: rename, delete (null), change type or config, add."""
    from ...query import index

    v.obj(value, path)
    schema = copy.deepcopy(ds.data.get("properties", {}))
    env = SchemaEnv(ctx, ds.id, schema, ds.data.get("_title_text", ""))
    rewrite: dict[str, str | None] = {}  # property id -> its old type (None: same type, config changed)
    retired = set(ds.data.get("_retired_ids", []))
    env.retired = retired
    moved: dict[str, str] = {}  # new property id -> the id whose values it takes over (type changes)
    deleted: list[str] = []
    for key, config in _rollups_last(list(value.items())):
        p = f"{path}.{key}"
        found = find_property(schema, key)
        if config is None:
            if found is None:
                raise errors.validation(f"{key} is not a property that exists.")
            pid, prop = found
            if prop["type"] == "title":
                raise errors.validation("Cannot delete the title property.")
            _drop_far_side(env, prop)
            del schema[pid]
            deleted.append(pid)
            continue
        t, body = _split(key, config, p)
        if found is None:
            if t is None:
                raise errors.validation(f"{key} is not a property that exists.")
            if t == "title":
                raise errors.validation("Cannot add another title property.")
            name = _name(config.get("name", key), f"{p}.name")
            _unique_name(schema, name, None)
            # Never reuse an ID: pages may still hold values stored under a deleted property's ID.
            pid = ids.new_property_id(set(schema) | {x[1] for x in env.pending} | retired)
            schema[pid] = {"id": pid, "name": name, "type": t, "description": _description(config, p, None), t: {}}
            schema[pid][t] = _configure(ctx, env, pid, name, t, body, p, None)
            if t in ("status", "unique_id"):  # existing rows get the default option or a number
                rewrite[pid] = "new"
            continue
        pid, prop = found
        if "name" in config:
            name = _name(config["name"], f"{p}.name")
            _unique_name(schema, name, pid)
            prop["name"] = name
        prop["description"] = _description(config, p, prop.get("description"))
        if t is None:
            continue
        if t != prop["type"]:
            if prop["type"] == "title" or t == "title":
                raise errors.validation("Cannot change the type of the title property." if prop["type"] == "title"
                                        else "Cannot add another title property.")
            _drop_far_side(env, prop)
            # Notion gives a property a new ID when its type changes (values carry over, converted).
            new_pid = ids.new_property_id(set(schema) | {x[1] for x in env.pending} | retired | set(deleted))
            changed = {"id": new_pid, "name": prop["name"], "type": t, "description": prop.get("description"), t: {}}
            order = list(schema.items())
            schema.clear()
            schema.update((new_pid, changed) if k == pid else (k, val) for k, val in order)
            changed[t] = _configure(ctx, env, new_pid, changed["name"], t, body, p, None)
            rewrite[new_pid] = prop["type"]
            moved[new_pid] = pid
            deleted.append(pid)
        else:
            new = _configure(ctx, env, pid, prop["name"], t, body, p, prop[t])
            if new != prop[t]:
                prop[t] = new
                rewrite.setdefault(pid, None)
    for target, synced, name in getattr(env, "renames", []):
        if target == ds.id and synced in schema:
            schema[synced]["name"] = name
    _apply_pending(ctx, env, deleted)
    ds.data = {**ds.data, "properties": schema}
    if deleted:
        ds.data["_retired_ids"] = sorted(retired | set(deleted))
    if rewrite:
        _rewrite_values(ctx, ds, rewrite, moved)
    store_nodes.save(ctx.tx, ds)
    for pid in deleted:
        index.drop_property(ctx.tx, ds, pid)
    for pid in rewrite:
        index.reindex_property(ctx.tx, ds, pid)


def _unique_name(schema: dict[str, dict[str, Any]], name: str, pid: str | None) -> None:
    for other, prop in schema.items():
        if other != pid and prop["name"] == name:
            raise errors.validation(f"Property names must be unique: {name}.")


def _drop_far_side(env: SchemaEnv, prop: dict[str, Any]) -> None:
    """A two-way relation is one relation seen from both sides: removing one side removes the other."""
    if prop["type"] == "relation" and prop["relation"]["type"] == "dual_property":
        env.pending.append((prop["relation"]["data_source_id"], prop["relation"]["dual_property"]["synced_property_id"], None))


def _apply_pending(ctx: "Ctx", env: SchemaEnv, deleted: list[str]) -> None:
    from ...query import index

    by_ds: dict[str, list[tuple[str, dict[str, Any] | None]]] = {}
    for ds_id, pid, prop in env.pending:
        by_ds.setdefault(ds_id, []).append((pid, prop))
    for target, name_target_pid, name in getattr(env, "renames", []):
        by_ds.setdefault(target, [])
    for ds_id, changes in by_ds.items():
        if ds_id == env.ds_id:
            for pid, prop in changes:
                if prop is None:
                    if env.schema.pop(pid, None) is not None:
                        deleted.append(pid)
                elif DETACH in prop:
                    if pid in env.schema:
                        env.schema[pid] = detached(env.schema[pid], prop[DETACH])
                else:
                    env.schema[pid] = prop
            continue
        node = store_nodes.get(ctx.tx, ctx.principal.workspace_id, ds_id)
        if node is None:
            continue
        props = copy.deepcopy(node.data.get("properties", {}))
        gone = []
        for pid, prop in changes:
            if prop is None:
                if props.pop(pid, None) is not None:
                    gone.append(pid)
            elif DETACH in prop:
                if pid in props:
                    props[pid] = detached(props[pid], prop[DETACH])
            else:
                props[pid] = prop
        for target, synced, name in getattr(env, "renames", []):
            if target == ds_id and synced in props:
                props[synced]["name"] = name
        node.data = {**node.data, "properties": props}
        if gone:
            node.data["_retired_ids"] = sorted(set(node.data.get("_retired_ids", [])) | set(gone))
        store_nodes.save(ctx.tx, node)
        for pid in gone:
            index.drop_property(ctx.tx, node, pid)


def pages_of(ctx: "Ctx", ds: Node) -> list[Node]:
    """Every page of a data source, trashed ones too, in creation order."""
    rows = ctx.tx.execute(
        sa.select(nodes_table).where(nodes_table.c.parent_id == ds.id, nodes_table.c.kind == "page")
        .order_by(nodes_table.c.created_time, nodes_table.c.sort_key)
    )
    out = []
    for row in rows:
        cached = ctx.tx.cache.get(("node", row.id))
        node = cached if cached is not None else Node.from_row(row)
        ctx.tx.cache[("node", node.id)] = node
        out.append(node)
    return out


def _rewrite_values(ctx: "Ctx", ds: Node, rewrite: dict[str, str | None], moved: dict[str, str]) -> None:
    """Carry stored values through a type or config change (new unique IDs number existing rows)."""
    schema = ds.data["properties"]
    counters = dict(ds.data.get("_unique_next", {}))
    for page in pages_of(ctx, ds):
        values = dict(page.data.get("properties", {}))
        before = dict(values)
        for pid, old_type in rewrite.items():
            prop = schema[pid]
            t = REGISTRY[prop["type"]]
            if prop["type"] == "unique_id":
                values.pop(moved.get(pid, pid), None) if pid in moved else None
                if old_type is not None and not (old_type == "new" and isinstance(values.get(pid), dict)):
                    number = counters.get(pid, 1)
                    counters[pid] = number + 1
                    values[pid] = {"prefix": prop["unique_id"].get("prefix"), "number": number}
                elif isinstance(values.get(pid), dict):
                    values[pid] = {**values[pid], "prefix": prop["unique_id"].get("prefix")}
            elif old_type == "new":
                if prop["type"] == "status":
                    from .options import default_status

                    values[pid] = default_status(prop)
                else:
                    values.pop(pid, None)
            elif old_type is not None:
                previous = values.pop(moved.get(pid, pid), None)
                values[pid] = t.convert(old_type, previous, prop) if t.writable else None
            elif hasattr(t, "refresh"):
                values[pid] = t.refresh(values.get(pid), prop)
        if values != before:
            page.data = {**page.data, "properties": values}
            store_nodes.save(ctx.tx, page)
    if counters:
        ds.data = {**ds.data, "_unique_next": counters}
