"""Formula properties, wired to the engine in `blockyard.formula`.

The schema keeps the expression with property references as tokens (so renames do not break it)
and shows it with `prop("Current name")`. Values are computed at render time from the page."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ... import errors
from ...formula import CompiledFormula, FormulaError, PropertyInfo, compile_formula
from ...store import nodes as store_nodes
from .. import validate as v
from .base import encode_id, register
from .computed import ReadOnly

if TYPE_CHECKING:
    from ...api.context import Ctx
    from ...store.nodes import Node

_COMPILED: dict[tuple[Any, ...], CompiledFormula | None] = {}  # shared across requests; keyed by schema shape
_MAX_CACHE = 4096


def _info(prop: dict[str, Any]) -> PropertyInfo:
    config = dict(prop.get(prop["type"]) or {})
    return PropertyInfo(id=encode_id(prop["id"]), name=prop["name"], type=prop["type"], config=config)


class DsSchema:
    """A data source's schema as the engine sees it (IDs URL-encoded, as the API shows them)."""

    def __init__(self, ctx: "Ctx", ds_id: str, props: dict[str, dict[str, Any]], overrides: dict[str, dict] | None = None) -> None:
        self.ctx, self.ds_id, self.props = ctx, ds_id, props
        self.overrides = overrides or {}
        self._by_enc = {encode_id(pid): p for pid, p in props.items()}
        self._resolving: set[str] = set()

    def by_name(self, name: str) -> PropertyInfo | None:
        return next((_info(p) for p in self.props.values() if p["name"] == name), None)

    def by_id(self, prop_id: str) -> PropertyInfo | None:
        prop = self.props.get(prop_id) or self._by_enc.get(prop_id)
        return _info(prop) if prop else None

    def related(self, relation: PropertyInfo) -> "DsSchema | None":
        target = (relation.config or {}).get("data_source_id")
        if target is None:
            return None
        if target in self.overrides:
            return DsSchema(self.ctx, target, self.overrides[target], self.overrides)
        node = store_nodes.get(self.ctx.tx, self.ctx.principal.workspace_id, target)
        return DsSchema(self.ctx, target, node.data.get("properties", {}), self.overrides) if node else None

    def result_type(self, prop: PropertyInfo) -> str | None:
        if prop.type != "formula" or prop.id in self._resolving or "expression" not in (prop.config or {}):
            return None
        self._resolving.add(prop.id)
        try:
            compiled = compiled_for(self, prop.config["expression"])
            return compiled.result_type if compiled else None
        finally:
            self._resolving.discard(prop.id)


def _signature(schema: DsSchema) -> tuple[Any, ...]:
    own = tuple((pid, p["name"], p["type"], (p.get("relation") or {}).get("data_source_id"),
                 (p.get("formula") or {}).get("expression")) for pid, p in schema.props.items())
    return (schema.ds_id, own)


def compiled_for(schema: DsSchema, expression: str) -> CompiledFormula | None:
    key = (_signature(schema), expression)
    if key not in _COMPILED:
        try:
            compiled: CompiledFormula | None = compile_formula(expression, schema)
        except FormulaError:
            compiled = None
        if len(_COMPILED) >= _MAX_CACHE:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    return _COMPILED[key]


class PageRow:
    """One page's values as the engine reads them."""

    def __init__(self, ctx: "Ctx", page: "Node", ds: "Node", depth: int = 0) -> None:
        self.ctx, self.page, self.ds, self.depth = ctx, page, ds, depth

    @property
    def page_id(self) -> str:
        return self.page.id

    def value(self, prop_id: str) -> dict | None:
        from .values import render_value

        schema = self.ds.data.get("properties", {})
        prop = schema.get(prop_id) or next((p for pid, p in schema.items() if encode_id(pid) == prop_id), None)
        if prop is None:
            return None
        t = prop["type"]
        if t == "formula":
            if self.depth > 8:
                return {"id": prop_id, "type": "formula", "formula": {"type": "string", "string": None}}
            value = evaluate(self.ctx, self.page, prop, self.ds, self.depth + 1)
        else:
            value = render_value(self.ctx, self.page, prop, self.ds, cap=False)
        return {"id": prop_id, "type": t, t: value}

    def related(self, relation_prop_id: str) -> list["PageRow"]:
        schema = self.ds.data.get("properties", {})
        prop = schema.get(relation_prop_id) or next((p for pid, p in schema.items() if encode_id(pid) == relation_prop_id), None)
        if prop is None or prop["type"] != "relation":
            return []
        target = store_nodes.get(self.ctx.tx, self.ctx.principal.workspace_id, prop["relation"]["data_source_id"])
        ids = [r["id"] for r in self.page.data.get("properties", {}).get(prop["id"]) or []]
        found = store_nodes.get_many(self.ctx.tx, self.ctx.principal.workspace_id, ids)
        return [PageRow(self.ctx, found[i], target, self.depth) for i in ids if i in found and not found[i].in_trash and target]


def schema_for(ctx: "Ctx", ds: "Node") -> DsSchema:
    key = ("formula_schema", ds.id)
    props = ds.data.get("properties", {})
    cached = ctx.tx.cache.get(key)
    if cached is None or cached.props is not props:  # the schema changed within this request
        cached = ctx.tx.cache[key] = DsSchema(ctx, ds.id, props)
    return cached


def evaluate(ctx: "Ctx", page: "Node", prop: dict[str, Any], ds: "Node", depth: int = 0) -> dict[str, Any]:
    compiled = compiled_for(schema_for(ctx, ds), prop["formula"]["expression"])
    if compiled is None:
        return {"type": "string", "string": None}
    now = datetime.fromtimestamp(ctx.now / 1000, tz=timezone.utc)
    return compiled.evaluate(PageRow(ctx, page, ds, depth), now)


class Formula(ReadOnly):
    name = "formula"

    def config(self, ctx, body, path, old, env):
        body = v.obj(body if body is not None else {}, path)
        v.no_extra(body, ("expression",), path)
        if "expression" not in body and old is not None:
            return old
        expression = v.string(v.required(body, "expression", path), f"{path}.expression")
        schema = DsSchema(ctx, env.ds_id, env.schema, {env.ds_id: env.schema})
        try:
            compiled = compile_formula(expression, schema)
        except FormulaError as exc:
            raise errors.validation(f"{path}.expression: {exc.message}") from None
        return {"expression": compiled.expression_for_storage(env.ds_id, ctx.principal.workspace_id)}

    def render_config(self, ctx, prop, ds):
        expression = prop["formula"]["expression"]
        compiled = compiled_for(schema_for(ctx, ds), expression)
        if compiled is None:
            return {"expression": expression}
        return {"expression": compiled.expression_for_api(None, ds.id, ctx.principal.workspace_id)}

    def render(self, ctx, page, prop, stored, ds):
        return evaluate(ctx, page, prop, ds)


register(Formula())
