"""Formula properties, wired to the engine in `blockyard.formula`.

The schema keeps the expression with property references as tokens (so renames do not break it)
and shows it with `prop("Current name")`. Values are stored on the page when it is written
(`materialize.py`) and rendered from there; volatile formulas (now()) and stale stores evaluate."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ... import errors
from ...formula import CompiledFormula, FormulaError, PropertyInfo, compile_formula
from ...store import nodes as store_nodes
from .. import validate as v
from . import materialize
from .base import encode_id, register
from .computed import ReadOnly

if TYPE_CHECKING:
    from ...context import Ctx
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
        self._sig: tuple[Any, ...] | None = None  # see _signature

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
    cached = getattr(schema, "_sig", None)
    if cached is not None:
        return cached
    schema._sig = _compute_signature(schema)  # type: ignore[attr-defined]
    return schema._sig  # type: ignore[attr-defined]


def _compute_signature(schema: DsSchema) -> tuple[Any, ...]:
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


class _Related:
    """The pages one row relates to through one relation, read lazily: their documents load in one
    batch when a value first needs one, and numbers (number properties, stored number formulas) come
    from the query index without loading documents."""

    def __init__(self, ctx: "Ctx", ids: list[str], ds: "Node") -> None:
        self.ctx, self.ids, self.ds = ctx, ids, ds
        self.nodes: dict[str, "Node"] | None = None
        self.numbers: dict[str, dict[str, Any]] = {}
        self._gen: int | None = None

    def node(self, page_id: str) -> "Node | None":
        if self.nodes is None:
            self.nodes = store_nodes.get_many(self.ctx.tx, self.ctx.principal.workspace_id, self.ids)
        return self.nodes.get(page_id)

    def number(self, prop_id: str, page_id: str) -> Any:
        return self.numbers_of(prop_id).get(page_id)

    def numbers_of(self, prop_id: str) -> dict[str, Any]:
        """Page id → the number (number property or stored number formula) from the query index."""
        gen = self.ctx.tx.cache.get(materialize.INDEX_GENERATION, 0)
        if self._gen != gen:
            self.numbers, self._gen = {}, gen
        found = self.numbers.get(prop_id)
        if found is None:
            found = self.numbers[prop_id] = {}
            for i in range(0, len(self.ids), 20_000):
                for page_id, n in self.ctx.tx.execute(_NUMBERS, {"ids": self.ids[i : i + 20_000], "prop": prop_id}):
                    found[page_id] = int(n) if n is not None and float(n).is_integer() and abs(n) < 2**53 else n
        return found


def _numbers_statement() -> Any:
    import sqlalchemy as sa

    from ...store.schema_query import property_values as pv

    return sa.select(pv.c.page_id, pv.c.number).where(
        pv.c.page_id.in_(sa.bindparam("ids", expanding=True)), pv.c.property_id == sa.bindparam("prop"),
        pv.c.position == 0)


def _live_statement() -> Any:
    import sqlalchemy as sa

    from ...store.schema import nodes

    return sa.select(nodes.c.id).where(
        nodes.c.id.in_(sa.bindparam("ids", expanding=True)), nodes.c.workspace_id == sa.bindparam("ws"),
        nodes.c.in_trash.is_(False))


_NUMBERS = _numbers_statement()
_LIVE = _live_statement()


class PageRow:
    """One page's values as the engine reads them."""

    def __init__(self, ctx: "Ctx", page: "Node | None", ds: "Node", depth: int = 0, *, page_id: str | None = None,
                 batch: _Related | None = None) -> None:
        self.ctx, self._page, self.ds, self.depth = ctx, page, ds, depth
        self._id = page.id if page is not None else page_id
        self.batch = batch

    @property
    def page(self) -> "Node":
        if self._page is None:
            assert self.batch is not None and self._id is not None
            self._page = self.batch.node(self._id)
        return self._page  # type: ignore[return-value]

    @property
    def page_id(self) -> str:
        return self._id  # type: ignore[return-value]

    def value(self, prop_id: str) -> dict | None:
        from .values import render_value

        dss = schema_for(self.ctx, self.ds)
        prop = dss.props.get(prop_id) or dss._by_enc.get(prop_id)
        if prop is None:
            return None
        t = prop["type"]
        if self._page is None and self.batch is not None and self._from_index(prop):
            n = self.batch.number(prop["id"], self._id)  # type: ignore[arg-type]
            value: Any = n if t == "number" else {"type": "number", "number": n}
        elif t == "formula":
            stored = (self.page.data.get("properties") or {}).get(prop["id"])
            if materialize.use_stored(self.ctx, self.ds, prop["id"], stored):
                value = stored
            elif self.depth > 8:
                return {"id": prop_id, "type": "formula", "formula": {"type": "string", "string": None}}
            else:
                value = evaluate(self.ctx, self.page, prop, self.ds, self.depth + 1)
        else:
            value = render_value(self.ctx, self.page, prop, self.ds, cap=False)
        return {"id": prop_id, "type": t, t: value}

    def _from_index(self, prop: dict[str, Any]) -> bool:
        if prop["type"] == "number":
            return True
        if prop["type"] != "formula":
            return False
        c = materialize.plan_for(self.ctx, self.ds).by_id.get(prop["id"])
        return c is not None and c.stored and c.result_type == "number" and materialize.current(self.ctx, self.ds)

    def related(self, relation_prop_id: str) -> list["PageRow"]:
        dss = schema_for(self.ctx, self.ds)
        prop = dss.props.get(relation_prop_id) or dss._by_enc.get(relation_prop_id)
        if prop is None or prop["type"] != "relation":
            return []
        target = store_nodes.get(self.ctx.tx, self.ctx.principal.workspace_id, prop["relation"]["data_source_id"])
        if target is None:
            return []
        batch = related_batch(self.ctx, self.page, prop, target)
        return [PageRow(self.ctx, None, target, self.depth, page_id=i, batch=batch) for i in batch.ids]


def related_batch(ctx: "Ctx", page: "Node", relation: dict[str, Any], target: "Node") -> _Related:
    """The live pages `page` relates to through `relation`, shared by every value computed in this
    transaction while the page's relation value stays the same."""
    stored = (page.data.get("properties") or {}).get(relation["id"]) or []
    key = ("related_batch", page.id, relation["id"])
    cached = ctx.tx.cache.get(key)
    if cached is not None and cached[0] is stored and cached[1].ds is target:
        return cached[1]
    ids = [r["id"] for r in stored]
    live = _live(ctx, ids)
    batch = _Related(ctx, [i for i in ids if i in live], target)
    ctx.tx.cache[key] = (stored, batch)
    return batch


def _live(ctx: "Ctx", ids: list[str]) -> set[str]:
    """Which of these pages exist in the workspace and are not in the trash (without loading documents)."""
    out: set[str] = set()
    missing = []
    for i in ids:
        cached = ctx.tx.cache.get(("node", i))
        if cached is None:
            missing.append(i)
        elif not cached.in_trash:
            out.add(i)
    for k in range(0, len(missing), 20_000):
        rows = ctx.tx.execute(_LIVE, {"ids": missing[k : k + 20_000], "ws": ctx.principal.workspace_id})
        out.update(r.id for r in rows)
    return out


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
        if materialize.use_stored(ctx, ds, prop["id"], stored):
            return stored
        return evaluate(ctx, page, prop, ds)


register(Formula())
