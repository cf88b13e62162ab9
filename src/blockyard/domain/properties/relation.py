"""Relations: single and dual property configs, values, two-way sync, and rollups over them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ... import ids
from ...store import nodes as store_nodes
from .. import validate as v
from .base import PAGE_CAP, PropertyType, encode_id, register

if TYPE_CHECKING:
    from ...context import Ctx
    from ...store.nodes import Node


DETACH = "_detach"  # a pending change that turns the far side of a two-way relation into a one-way relation


def detached(prop: dict[str, Any], back_to: str) -> dict[str, Any]:
    return {**prop, "relation": {"data_source_id": back_to, "type": "single_property", "single_property": {}}}


def _target_ds(ctx: "Ctx", target: str, env: Any, need: str) -> "Node | None":
    from .. import access

    if env is not None and target == env.ds_id:
        return None
    return access.load(ctx, target, "data source", kinds=("data_source",), need=need)


def target_schema(ctx: "Ctx", relation: dict[str, Any], env: Any) -> dict[str, dict[str, Any]]:
    target = relation["relation"]["data_source_id"]
    if target == env.ds_id:
        return env.schema
    node = store_nodes.get(ctx.tx, ctx.principal.workspace_id, target)
    return node.data.get("properties", {}) if node else {}


def target_schema_at_render(ctx: "Ctx", relation: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    if not relation or relation["type"] != "relation":
        return {}
    node = store_nodes.get(ctx.tx, ctx.principal.workspace_id, relation["relation"]["data_source_id"])
    return node.data.get("properties", {}) if node else {}


class RelationType(PropertyType):
    name = "relation"

    def config(self, ctx, body, path, old, env):
        from ..databases import single_data_source
        from .. import access

        body = v.obj(body if body is not None else {}, path)
        v.no_extra(body, ("data_source_id", "database_id", "type", "single_property", "dual_property"), path)
        if "data_source_id" in body:
            target = v.uuid(body["data_source_id"], f"{path}.data_source_id")
        elif "database_id" in body and not ctx.version.data_sources:
            db_id = v.uuid(body["database_id"], f"{path}.database_id")
            target = single_data_source(ctx, access.load(ctx, db_id, "database", kinds=("database",))).id
        elif old is not None:
            target = old["data_source_id"]
        else:
            raise v.fail(f"{path}.data_source_id" if ctx.version.data_sources else f"{path}.database_id", "defined")
        kind = body.get("type") or ("single_property" if "single_property" in body else "dual_property")
        v.enum(kind, f"{path}.type", ("single_property", "dual_property"))
        detail = body.get(kind) or {}
        v.obj(detail, f"{path}.{kind}")
        old_dual = old is not None and old["type"] == "dual_property"
        if old_dual and (kind != "dual_property" or old["data_source_id"] != target):
            # The far side stays, as a one-way relation back here (Notion keeps it: a later request deletes it).
            env.pending.append((old["data_source_id"], old["dual_property"]["synced_property_id"], {DETACH: env.ds_id}))
        if kind == "single_property":
            v.no_extra(detail, (), f"{path}.single_property")
            _target_ds(ctx, target, env, "read")
            return {"data_source_id": target, "type": "single_property", "single_property": {}}
        v.no_extra(detail, ("synced_property_name", "synced_property_id"), f"{path}.dual_property")
        if old_dual and old["data_source_id"] == target:
            synced = old["dual_property"]["synced_property_id"]
            if "synced_property_name" in detail:
                env.renames.append((target, synced, v.string(detail["synced_property_name"], f"{path}.dual_property.synced_property_name", max_len=100, allow_empty=False)))
            return old
        node = _target_ds(ctx, target, env, "edit")
        other = env.schema if node is None else node.data.get("properties", {})
        name = detail.get("synced_property_name") or f"Related to {env.title} ({env.name})"
        v.string(name, f"{path}.dual_property.synced_property_name", max_len=100, allow_empty=False)
        taken_names = {p["name"] for p in other.values()} | {pr["name"] for (_d, _p, pr) in env.pending if pr and "name" in pr}
        base, n = name, 1
        while name in taken_names:
            name, n = f"{base} {n}", n + 1
        retired = (node.data if node is not None else {}).get("_retired_ids", [])
        taken = set(other) | {env.pid} | {p for (_d, p, _x) in env.pending} | set(retired) | set(env.retired)
        synced = ids.new_property_id(taken)
        env.pending.append((target, synced, {
            "id": synced, "name": name, "type": "relation", "description": None,
            "relation": {"data_source_id": env.ds_id, "type": "dual_property", "dual_property": {"synced_property_id": env.pid}},
        }))
        return {"data_source_id": target, "type": "dual_property", "dual_property": {"synced_property_id": synced}}

    def render_config(self, ctx, prop, ds):
        config = prop["relation"]
        target = store_nodes.get(ctx.tx, ctx.principal.workspace_id, config["data_source_id"])
        out: dict[str, Any] = {"database_id": target.parent_id if target else None, "data_source_id": config["data_source_id"],
                               "type": config["type"]}
        if config["type"] == "dual_property":
            synced = config["dual_property"]["synced_property_id"]
            other = (target.data.get("properties", {}) if target else {}).get(synced)
            out["dual_property"] = {"synced_property_name": other["name"] if other else None, "synced_property_id": encode_id(synced)}
        else:
            out["single_property"] = {}
        return out

    def empty(self) -> Any:
        return []

    def parse(self, ctx, value, path, prop, env):
        wanted: list[str] = []
        for i, item in enumerate(v.array(value, path)):
            v.obj(item, f"{path}[{i}]")
            pid = v.uuid(v.required(item, "id", f"{path}[{i}]"), f"{path}[{i}].id")
            if pid not in wanted:
                wanted.append(pid)
        target = prop["relation"]["data_source_id"]
        found = store_nodes.get_many(ctx.tx, ctx.principal.workspace_id, wanted)
        for i, pid in enumerate(wanted):
            node = found.get(pid)
            if node is None or node.kind != "page" or node.parent_id != target:
                raise v.fail(f"{path}[{i}].id", "a page in the related data source", pid)
        return [{"id": pid} for pid in wanted]

    def render(self, ctx, page, prop, stored, ds):
        return list(stored or [])[:PAGE_CAP]


register(RelationType())


def sync(ctx: "Ctx", page: "Node", ds: "Node", before: dict[str, Any], after: dict[str, Any]) -> None:
    """Keep the far side of two-way relations in step with this page's values."""
    from ...query import index

    for pid, prop in ds.data.get("properties", {}).items():
        if prop["type"] != "relation" or prop["relation"]["type"] != "dual_property":
            continue
        old = [r["id"] for r in before.get(pid) or []]
        new = [r["id"] for r in after.get(pid) or []]
        added = [i for i in new if i not in old]
        removed = [i for i in old if i not in new]
        if not added and not removed:
            continue
        synced = prop["relation"]["dual_property"]["synced_property_id"]
        target_ds = store_nodes.get(ctx.tx, ctx.principal.workspace_id, prop["relation"]["data_source_id"])
        if target_ds is None:
            continue
        others = store_nodes.get_many(ctx.tx, ctx.principal.workspace_id, added + removed)
        for oid in added + removed:
            other = others.get(oid)
            if other is None:
                continue
            if other.id == page.id:
                other = page
            values = dict(other.data.get("properties", {}))
            current = [r["id"] for r in values.get(synced) or []]
            if oid in added and page.id not in current:
                current.append(page.id)
            elif oid in removed and page.id in current:
                current.remove(page.id)
            else:
                continue
            values[synced] = [{"id": i} for i in current]
            other.data = {**other.data, "properties": values}
            other.last_edited_time = ctx.now - ctx.now % 60_000
            other.last_edited_by = ctx.principal.user_id
            store_nodes.save(ctx.tx, other)
            index.reindex_page(ctx.tx, other, target_ds)


def rollup_value(ctx: "Ctx", page: "Node", prop: dict[str, Any], ds: "Node") -> dict[str, Any]:
    """The rollup's page value, computed over every related page (the property item agrees)."""
    config = prop["rollup"]
    schema = ds.data.get("properties", {})
    rel = schema.get(config["relation_property_id"])
    function = config["function"]
    target_ds = store_nodes.get(ctx.tx, ctx.principal.workspace_id, rel["relation"]["data_source_id"]) if rel else None
    tprop = (target_ds.data.get("properties", {}) if target_ds else {}).get(config["rollup_property_id"])
    if rel is None or tprop is None or tprop["type"] in ("rollup",):
        return {"type": "unsupported", "unsupported": {}, "function": function}
    try:
        from ...formula import PropertyInfo, compute_rollup
    except ImportError:  # pragma: no cover - engine not present
        return {"type": "unsupported", "unsupported": {}, "function": function}
    from .values import render_value

    related_ids = [r["id"] for r in page.data.get("properties", {}).get(rel["id"]) or []]
    related = store_nodes.get_many(ctx.tx, ctx.principal.workspace_id, related_ids)
    values = []
    for rid in related_ids:
        node = related.get(rid)
        if node is None or node.in_trash:
            continue
        value = render_value(ctx, node, tprop, target_ds, cap=False)
        values.append({"type": tprop["type"], tprop["type"]: value})
    info = PropertyInfo(id=encode_id(tprop["id"]), name=tprop["name"], type=tprop["type"], config=tprop.get(tprop["type"]) or {})
    try:
        return compute_rollup(function, info, values)
    except Exception:  # noqa: BLE001 - an engine gap shows as Notion's unsupported value, not a 500
        return {"type": "unsupported", "unsupported": {}, "function": function}
