"""Values of database pages: validated against the data source's schema, stored under the property ID
in Notion's response form, rendered by type (see the family modules)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ... import errors
from ...store import nodes as store_nodes
from ...store.nodes import Node
from .. import validate as v
from .base import PAGE_CAP, REGISTRY, TITLE_ID, WRITABLE_KEYS, ValueEnv, encode_id, not_writable

if TYPE_CHECKING:
    from ...context import Ctx

# Title and rich text come back whole (recorded: 100 items with 50 user mentions); people lists are capped.
CAPPED = ("people",)


def schema_of(data_source: Node) -> dict[str, dict[str, Any]]:
    return data_source.data.get("properties", {})


def empty_value(prop_type: str) -> Any:
    return REGISTRY[prop_type].empty() if prop_type in REGISTRY else None


def find_property(schema: dict[str, dict[str, Any]], key: str) -> tuple[str, dict[str, Any]] | None:
    """A property by ID (raw or URL-encoded) or by name."""
    for candidate in (key, unquote(key)):
        if candidate in schema:
            return candidate, schema[candidate]
    for pid, prop in schema.items():
        if prop["name"] == key:
            return pid, prop
    return None


def wanted(filter_properties: list[str] | None, pid: str, prop: dict[str, Any]) -> bool:
    if filter_properties is None:
        return True
    return any(f in (pid, prop["name"]) or unquote(f) == pid for f in filter_properties)


def render_value(ctx: "Ctx", node: Node, prop: dict[str, Any], ds: Node, *, cap: bool = True) -> Any:
    t = REGISTRY.get(prop["type"])
    stored = node.data.get("properties", {}).get(prop["id"])
    if t is None:
        return None
    if not cap and prop["type"] == "relation":
        return list(stored or [])
    if cap and prop["type"] in CAPPED and stored:
        stored = stored[:PAGE_CAP]
    value = t.render(ctx, node, prop, stored, ds)
    return value


def render(ctx: "Ctx", node: Node, filter_properties: list[str] | None) -> dict[str, Any]:
    from ..databases import data_source_node

    return PageRenderer(ctx, data_source_node(ctx, node.parent_id), filter_properties).render(node)


_RICH = ("title", "rich_text")


def _has_mention(items: Any) -> bool:
    """Whether a stored rich-text array holds a mention (its items are flat: a user mention is an item)."""
    for item in items:
        if not isinstance(item, dict) or item.get("type") == "mention":
            return True
    return False


class PageRenderer:
    """The property values of pages of one data source, as `render_value` shows them. The schema is
    read once (the properties wanted, their names, encoded IDs and types), so a page of query results
    costs one pass over each page's values, with no per-page schema or data-source lookups."""

    __slots__ = ("ctx", "ds", "columns")

    def __init__(self, ctx: "Ctx", ds: Node, filter_properties: list[str] | None) -> None:
        self.ctx, self.ds = ctx, ds
        self.columns = [
            (prop["id"], prop, prop["type"], prop["name"], encode_id(pid), REGISTRY.get(prop["type"]))
            for pid, prop in schema_of(ds).items()
            if wanted(filter_properties, pid, prop)
        ]

    def render(self, node: Node) -> dict[str, Any]:
        ctx, ds = self.ctx, self.ds
        stored_all = node.data.get("properties", {})
        out: dict[str, Any] = {}
        for pid, prop, t, name, eid, ptype in self.columns:
            stored = stored_all.get(pid)
            if ptype is None:
                value = None
            elif t in _RICH and not (stored and _has_mention(stored)):
                value = stored or []  # no mention to render: the stored array is the value
            else:
                if t in CAPPED and stored:
                    stored = stored[:PAGE_CAP]
                value = ptype.render(ctx, node, prop, stored, ds)
            entry: dict[str, Any] = {"id": eid, "type": t, t: value}
            if t == "relation":
                entry["has_more"] = len(stored_all.get(pid) or []) > PAGE_CAP
            out[name] = entry
        return out


def parse(ctx: "Ctx", props: dict[str, Any], data_source: Node, current: dict[str, Any] | None) -> dict[str, Any]:
    # Work on a copy: a name that adds a select option changes the schema only if the whole write succeeds.
    schema = copy.deepcopy(schema_of(data_source))
    env = ValueEnv(ctx, data_source)
    stored = dict(current or {})
    for key, value in props.items():
        found = find_property(schema, key)
        if found is None:
            raise errors.validation(f"{key} is not a property that exists.")
        pid, prop = found
        t = prop["type"]
        ptype = REGISTRY.get(t)
        if ptype is None or not ptype.writable:
            raise not_writable(key)
        path = f"body.properties.{key}"
        if isinstance(value, dict):
            if t not in value:
                if any(k in WRITABLE_KEYS for k in value):
                    raise errors.validation(f"{key} is expected to be {t}.")
                raise not_writable(key)
            value = value[t]
            path = f"{path}.{t}"
        elif not (t == "title" and isinstance(value, list)):
            raise v.fail(path, "an object", value)
        stored[pid] = ptype.parse(ctx, value, path, prop, env)
    if env.schema_changed:
        data_source.data = {**data_source.data, "properties": schema}
        store_nodes.save(ctx.tx, data_source)
    return stored


def complete_new(ctx: "Ctx", data_source: Node, props: dict[str, Any]) -> dict[str, Any]:
    """Values a new page gets without being given them: the default status and the next unique ID."""
    from .options import default_status

    out = dict(props)
    schema = schema_of(data_source)
    counters: dict[str, int] = {}
    if any(p["type"] == "unique_id" for p in schema.values()):
        counters = _locked_counters(ctx, data_source)
    for pid, prop in schema.items():
        if prop["type"] == "status" and pid not in out:
            out[pid] = default_status(prop)
        elif prop["type"] == "unique_id":
            number = counters.get(pid, 1)
            counters[pid] = number + 1
            out[pid] = {"prefix": prop["unique_id"].get("prefix"), "number": number}
    if counters:
        data_source.data = {**data_source.data, "_unique_next": counters}
        store_nodes.save(ctx.tx, data_source)
    return out


def _locked_counters(ctx: "Ctx", data_source: Node) -> dict[str, int]:
    """The data source's unique-ID counters, read under a row lock so concurrent creates never share a number."""
    import orjson
    import sqlalchemy as sa

    from ...store.schema import nodes

    raw = ctx.tx.execute(sa.select(nodes.c.data).where(nodes.c.id == data_source.id).with_for_update()).scalar()
    return dict(orjson.loads(raw).get("_unique_next", {})) if raw else dict(data_source.data.get("_unique_next", {}))


def carry_over(page: Node, ds_props: dict[str, Any] | None) -> dict[str, Any]:
    """A moved page keeps its title; other values belong to the schema it left."""
    return {TITLE_ID: page.data.get("properties", {}).get(TITLE_ID, [])}


def written(ctx: "Ctx", page: Node, data_source: Node, before: dict[str, Any] | None) -> None:
    """After a page of a data source was created, updated, trashed or restored."""
    from ...query import index
    from . import relation

    relation.sync(ctx, page, data_source, before or {}, page.data.get("properties", {}))
    index.reindex_page(ctx.tx, page, data_source)
