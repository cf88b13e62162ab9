"""Formula and rollup values stored on pages, so that queries filter and sort on them in SQL.

A database page's formula and rollup values are computed when the page is written and stored in
`page.data["properties"]` (Notion's response form, `{type, <type>: ...}`), before the page is indexed.

* **Plan.** Per data source: its computed properties in dependency order (formulas reading formulas
  and rollups), what each reads on the row (`deps`) and through relations (`related`: relation id,
  property id on the related pages). Formulas that use `now()`/`today()` (and whatever reads them) are
  *volatile*: never stored, evaluated at read time; a filter or sort on one is evaluated in Python
  over the candidates the rest of the filter leaves (`query/engine.py`). So are formulas reading the
  page's last_edited_time/by, which content edits change without a page write.
* **Writes.** `before_index` recomputes the page's computed values whose inputs changed (the
  properties whose stored value differs, and the system columns, which every write changes).
  `after_index` then recomputes the far side of two-way relations that changed and, transitively,
  the pages that read a changed value through a relation: for each relation property that targets
  the written page's data source and that some rollup or formula reads, the pages holding the written
  page in that relation come from the index (`property_values.ref`). Never the whole data source.
* **Schema changes.** A data source stores a stamp: a digest of what its computed values depend on
  in the schemas (its own and, recursively, the related data sources') plus an epoch that the index
  bumps whenever a property is reindexed or dropped (`query/index.py`). When the stamp does not
  match, stored values are not trusted: reads evaluate, and the next write or query on the data
  source recomputes it once, in batches (`ensure_current`).
* **Rendering** uses a stored value when the stamp is current, and evaluates otherwise. Rollups that
  show user objects (show_original/show_unique of people) are stored for the index but rendered
  fresh, since what a user object shows depends on the caller.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import unquote

import orjson
import sqlalchemy as sa

from ...store import nodes as store_nodes
from ...store.nodes import Node
from ...store.schema import nodes as nodes_table

if TYPE_CHECKING:
    from ...context import Ctx

STAMP = "_computed_stamp"
EPOCH = "_computed_epoch"
ANY = "*"  # "any property of the related page" (its presence: trash, restore)
NODE_COLUMN_TYPES = ("created_time", "last_edited_time", "created_by", "last_edited_by")
PEOPLE_LIKE = ("people", "created_by", "last_edited_by")
TOUCHED_TYPES = ("last_edited_time", "last_edited_by")
MAX_HOPS = 6
INDEX_GENERATION = "materialize.index_generation"  # bumped when stored values are reindexed mid-transaction
_BATCH = 500


@dataclass(slots=True)
class Computed:
    pid: str
    kind: str  # formula | rollup
    deps: set[str] = field(default_factory=set)  # raw ids of this row's properties
    related: set[tuple[str, str]] = field(default_factory=set)  # (relation id, related property id or ANY)
    stored: bool = True  # False: volatile (now()), evaluated at read time
    render_stored: bool = True  # False: stored for the index, rendered fresh
    result_type: str | None = None  # formulas: string | number | boolean | date (None: broken)


class Plan:
    def __init__(self, ds: Node, order: list[Computed], props: dict[str, Any]) -> None:
        self.ds_id = ds.id
        self.props = props
        self.order = order
        self.by_id = {c.pid: c for c in order}
        self.node_columns = {pid for pid, p in props.items() if p.get("type") in NODE_COLUMN_TYPES}
        self.relations = {rel for c in order for rel, _t in c.related}

    def closure(self, seeds: Iterable[Computed] = (), changed: Iterable[str] = ()) -> list[Computed]:
        """The seeds and every computed property reading them (or `changed`), in dependency order."""
        hit = {c.pid for c in seeds} | set(changed)
        seed_ids = {c.pid for c in seeds}
        out = []
        for c in self.order:
            if c.pid in seed_ids or c.deps & hit:
                hit.add(c.pid)
                out.append(c)
        return out

    def reading(self, relation_id: str, changed: set[str] | None) -> list[Computed]:
        """Computed properties that read `changed` (None: anything) on pages related through `relation_id`."""
        return [c for c in self.order
                if any(r == relation_id and (changed is None or t == ANY or t in changed) for r, t in c.related)]


# --- plans -----------------------------------------------------------------------------------------


def plan_for(ctx: "Ctx", ds: Node) -> Plan:
    props = ds.data.get("properties") or {}
    key = ("materialize.plan", ds.id)
    cached = ctx.tx.cache.get(key)
    if cached is not None and cached.props is props:
        return cached
    building = ctx.tx.cache.setdefault("materialize.building", set())
    if ds.id in building:  # a cycle through relations: assume the far side stores its values
        return Plan(ds, [], props)
    building.add(ds.id)
    try:
        plan = _build(ctx, ds, props)
    finally:
        building.discard(ds.id)
    ctx.tx.cache[key] = plan
    return plan


def _target(ctx: "Ctx", props: dict[str, Any], rel_id: str) -> Node | None:
    rel = props.get(rel_id)
    if not rel or rel.get("type") != "relation":
        return None
    return store_nodes.get(ctx.tx, ctx.principal.workspace_id, rel["relation"]["data_source_id"])


def _build(ctx: "Ctx", ds: Node, props: dict[str, Any]) -> Plan:
    from .formula import compiled_for, schema_for

    items: dict[str, Computed] = {}
    schema = None
    for pid, prop in props.items():
        t = prop.get("type")
        if t == "formula":
            schema = schema or schema_for(ctx, ds)
            compiled = compiled_for(schema, (prop.get("formula") or {}).get("expression", ""))
            if compiled is None:
                items[pid] = Computed(pid, "formula")
                continue
            deps = {unquote(d) for d in compiled.dependencies}
            related = {(unquote(r), unquote(p)) for r, p in compiled.related_dependencies}
            for d in list(deps):
                if (props.get(d) or {}).get("type") == "relation":
                    # A list of pages shows their titles.
                    target = _target(ctx, props, d)
                    tprops = (target.data.get("properties") or {}) if target else {}
                    title = next((k for k, p in tprops.items() if p.get("type") == "title"), "title")
                    related.add((d, title))
            deps |= {r for r, _p in related}
            # last_edited_* also change when a page's content is edited, which is not a page write.
            touched = any((props.get(d) or {}).get("type") in TOUCHED_TYPES for d in deps)
            items[pid] = Computed(pid, "formula", deps, related, stored=not (compiled.uses_now or touched),
                                  result_type=compiled.result_type)
        elif t == "rollup":
            cfg = prop.get("rollup") or {}
            rel, target_pid = cfg.get("relation_property_id"), cfg.get("rollup_property_id")
            c = Computed(pid, "rollup", {rel}, {(rel, target_pid)})
            target = _target(ctx, props, rel)
            tprop = ((target.data.get("properties") or {}) if target else {}).get(target_pid)
            if tprop is not None and tprop.get("type") in PEOPLE_LIKE and cfg.get("function") in ("show_original", "show_unique"):
                c.render_stored = False
            items[pid] = c
    # Dependency order among this row's computed properties (Kahn; a cycle keeps schema order).
    order: list[Computed] = []
    placed: set[str] = set()
    pending = list(items.values())
    while pending:
        ready = [c for c in pending if not (c.deps & (set(items) - placed - {c.pid}))]
        if not ready:
            ready = pending[:1]
        for c in ready:
            order.append(c)
            placed.add(c.pid)
        pending = [c for c in pending if c.pid not in placed]
    # Volatility spreads to readers, here and through relations.
    for c in order:
        if not c.stored:
            continue
        if any(d in items and not items[d].stored for d in c.deps):
            c.stored = False
            continue
        for rel, tpid in c.related:
            target = _target(ctx, props, rel)
            if target is not None and tpid != ANY:
                far = plan_for(ctx, target).by_id.get(tpid)
                if far is not None and not far.stored:
                    c.stored = False
                    break
    return Plan(ds, order, props)


# --- stamps ----------------------------------------------------------------------------------------


def _shape(props: dict[str, Any]) -> list[Any]:
    out = []
    for pid, p in sorted(props.items()):
        t = p.get("type")
        cfg: Any = None
        if t == "formula":
            cfg = (p.get("formula") or {}).get("expression")
        elif t == "rollup":
            cfg = p.get("rollup")
        elif t == "relation":
            cfg = (p.get("relation") or {}).get("data_source_id")
        out.append((pid, t, cfg))
    return out


def signature(ctx: "Ctx", ds: Node, _seen: frozenset[str] = frozenset()) -> str:
    key = ("materialize.sig", ds.id)
    cached = ctx.tx.cache.get(key)
    if cached is not None and cached[0] is ds.data:
        return cached[1]
    props = ds.data.get("properties") or {}
    parts: list[Any] = [ds.id, ds.data.get(EPOCH, 0), _shape(props)]
    plan = plan_for(ctx, ds)
    seen = _seen | {ds.id}
    for rel in sorted(plan.relations):
        target = _target(ctx, props, rel)
        if target is None:
            parts.append((rel, None))
        elif target.id in seen:
            parts.append((rel, target.id, target.data.get(EPOCH, 0), _shape(target.data.get("properties") or {})))
        else:
            parts.append((rel, signature(ctx, target, seen)))
    digest = hashlib.blake2b(orjson.dumps(parts), digest_size=12).hexdigest()
    ctx.tx.cache[key] = (ds.data, digest)
    return digest


def current(ctx: "Ctx", ds: Node) -> bool:
    plan = plan_for(ctx, ds)
    if not plan.order:
        return True
    if ds.id in ctx.tx.cache.get("materialize.refreshing", ()):
        return True
    return ds.data.get(STAMP) == signature(ctx, ds)


def use_stored(ctx: "Ctx", ds: Node, prop_id: str, stored: Any) -> bool:
    """Whether rendering may show the stored value of a formula or rollup."""
    if not isinstance(stored, dict) or "type" not in stored:
        return False
    c = plan_for(ctx, ds).by_id.get(prop_id)
    return c is not None and c.stored and c.render_stored and current(ctx, ds)


def bump_epoch(tx: Any, ds: Node) -> None:
    """A property of `ds` was reindexed or dropped: computed values that depend on it are stale."""
    ds.data = {**ds.data, EPOCH: int(ds.data.get(EPOCH, 0)) + 1}
    store_nodes.save(tx, ds)


# --- computing --------------------------------------------------------------------------------------


def _value(ctx: "Ctx", page: Node, c: Computed, prop: dict[str, Any], ds: Node) -> dict[str, Any]:
    if c.kind == "formula":
        from .formula import evaluate

        return evaluate(ctx, page, prop, ds)
    from .relation import rollup_value

    fast = _rollup_from_index(ctx, page, prop, ds)
    return fast if fast is not None else rollup_value(ctx, page, prop, ds)


# Rollups whose value does not depend on the order of the related pages.
_ORDER_FREE = ("count", "count_values", "empty", "not_empty", "percent_empty", "percent_not_empty", "sum",
               "average", "median", "min", "max", "range")


def _rollup_from_index(ctx: "Ctx", page: Node, prop: dict[str, Any], ds: Node) -> dict[str, Any] | None:
    """A rollup of numbers (a number property, or a stored number formula) read from the index instead
    of the related pages' documents: the same values `relation.rollup_value` passes to the engine."""
    from ...formula import PropertyInfo, compute_rollup
    from .base import encode_id

    cfg = prop.get("rollup") or {}
    function = cfg.get("function")
    if function not in _ORDER_FREE:
        return None
    props = ds.data.get("properties") or {}
    rel = props.get(cfg.get("relation_property_id"))
    target = _target(ctx, props, cfg.get("relation_property_id"))
    tprop = ((target.data.get("properties") or {}) if target else {}).get(cfg.get("rollup_property_id"))
    if rel is None or target is None or tprop is None:
        return None
    kind = tprop["type"]
    if kind == "formula":
        far = plan_for(ctx, target).by_id.get(tprop["id"])
        if far is None or not far.stored or far.result_type != "number" or not current(ctx, target):
            return None
    elif kind != "number":
        return None
    if not (page.data.get("properties") or {}).get(rel["id"]):
        return None
    from .formula import related_batch

    batch = related_batch(ctx, page, rel, target)
    numbers = batch.numbers_of(tprop["id"])
    values = []
    for pid in batch.ids:
        n = numbers.get(pid)
        values.append({"type": "formula", "formula": {"type": "number", "number": n}} if kind == "formula"
                      else {"type": "number", "number": n})
    info = PropertyInfo(id=encode_id(tprop["id"]), name=tprop["name"], type=kind, config=tprop.get(kind) or {})
    try:
        return compute_rollup(function, info, values)
    except Exception:  # noqa: BLE001 - as rollup_value: an engine gap is Notion's unsupported value
        return {"type": "unsupported", "unsupported": {}, "function": function}


def compute(ctx: "Ctx", page: Node, ds: Node, items: list[Computed]) -> set[str]:
    """Recompute `items` on `page` (in order) and store them in its data; returns the ids that changed."""
    if not items:
        return set()
    props = ds.data.get("properties") or {}
    values = dict(page.data.get("properties") or {})
    page.data = {**page.data, "properties": values}
    changed: set[str] = set()
    for c in items:
        prop = props.get(c.pid)
        old = values.pop(c.pid, None)
        if prop is None or not c.stored:
            if old is not None:
                changed.add(c.pid)
            continue
        new = _value(ctx, page, c, prop, ds)
        values[c.pid] = new
        if new != old:
            changed.add(c.pid)
    return changed


def _diff(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {k for k in set(before) | set(after) if before.get(k) != after.get(k)}


@dataclass
class Written:
    page: Node
    ds: Node
    before: dict[str, Any] | None
    changed: set[str] | None  # None: the page's presence changed (trash, restore)


def before_index(ctx: "Ctx", page: Node, ds: Node, before: dict[str, Any] | None) -> Written:
    """Compute the page's own computed values before it is indexed."""
    plan = plan_for(ctx, ds)
    after = page.data.get("properties") or {}
    if before is None:
        diff = set(after)
        presence = False
    else:
        diff = _diff(before, after)
        presence = not diff  # trash, restore, or a write of other fields
    if plan.order and not current(ctx, ds):
        refresh(ctx, ds)
        return Written(page, ds, before, None if presence else diff | set(plan.by_id))
    items = plan.order if before is None else plan.closure(changed=diff | plan.node_columns)
    own = compute(ctx, page, ds, items)
    if own:
        store_nodes.save(ctx.tx, page)
    return Written(page, ds, before, None if presence else diff | own | plan.node_columns)


def _reindexed(ctx: "Ctx") -> None:
    ctx.tx.cache[INDEX_GENERATION] = ctx.tx.cache.get(INDEX_GENERATION, 0) + 1


def after_index(ctx: "Ctx", w: Written) -> None:
    """After the page is indexed and two-way relations synced: the far sides and the readers."""
    _reindexed(ctx)
    queue: list[tuple[Node, Node, set[str] | None, int]] = []
    if w.before is not None or w.changed is not None:
        queue.append((w.page, w.ds, w.changed, 0))
    queue += _synced_sides(ctx, w)
    _propagate(ctx, queue)


def _synced_sides(ctx: "Ctx", w: Written) -> list[tuple[Node, Node, set[str] | None, int]]:
    from ...query import index

    out = []
    before = w.before or {}
    after = w.page.data.get("properties") or {}
    for pid, prop in (w.ds.data.get("properties") or {}).items():
        if prop.get("type") != "relation" or prop["relation"].get("type") != "dual_property":
            continue
        old = {r["id"] for r in before.get(pid) or []}
        new = {r["id"] for r in after.get(pid) or []}
        touched = old ^ new
        if not touched:
            continue
        synced = prop["relation"]["dual_property"]["synced_property_id"]
        target = store_nodes.get(ctx.tx, ctx.principal.workspace_id, prop["relation"]["data_source_id"])
        if target is None:
            continue
        plan = plan_for(ctx, target)
        fresh = current(ctx, target)
        items = plan.closure(changed={synced} | plan.node_columns)
        found = store_nodes.get_many(ctx.tx, ctx.principal.workspace_id, sorted(touched))
        for oid in sorted(touched):
            other = w.page if oid == w.page.id else found.get(oid)
            if other is None or other.parent_id != target.id:
                continue
            if not fresh:
                continue  # the next write or query recomputes the whole data source
            ch = compute(ctx, other, target, items)
            if ch:
                store_nodes.save(ctx.tx, other)
                index.reindex_properties(ctx.tx, target, [other], sorted(ch))
                _reindexed(ctx)
            out.append((other, target, ch | {synced} | plan.node_columns, 1))
    return out


def readers(ctx: "Ctx", ds: Node) -> list[tuple[Node, str]]:
    """(data source, relation property) pairs whose relation targets `ds` and that computed values read."""
    key = ("materialize.readers", ds.id)
    cached = ctx.tx.cache.get(key)
    if cached is not None:
        return cached
    rows = ctx.tx.execute(
        sa.select(nodes_table.c.id).where(
            nodes_table.c.workspace_id == ctx.principal.workspace_id,
            nodes_table.c.kind == "data_source",
            nodes_table.c.data.like(f"%{ds.id}%"),
        )
    ).all()
    candidates = {r.id for r in rows} | {ds.id}
    found = store_nodes.get_many(ctx.tx, ctx.principal.workspace_id, sorted(candidates))
    out = []
    for other in found.values():
        if other.kind != "data_source":
            continue
        plan = plan_for(ctx, other)
        for rel in sorted(plan.relations):
            p = (other.data.get("properties") or {}).get(rel)
            if p and p.get("type") == "relation" and p["relation"].get("data_source_id") == ds.id:
                out.append((other, rel))
    ctx.tx.cache[key] = out
    return out


def _propagate(ctx: "Ctx", queue: list[tuple[Node, Node, set[str] | None, int]]) -> None:
    from ...query import index
    from ...store.schema_query import property_values as pv

    done: set[tuple[str, str]] = set()
    while queue:
        page, ds, changed, hops = queue.pop(0)
        if hops >= MAX_HOPS:
            continue
        for reader_ds, rel in readers(ctx, ds):
            plan = plan_for(ctx, reader_ds)
            direct = plan.reading(rel, changed)
            if not direct or not current(ctx, reader_ds):
                continue
            items = plan.closure(seeds=direct)
            ids = [r.page_id for r in ctx.tx.execute(
                sa.select(pv.c.page_id).where(pv.c.data_source_id == reader_ds.id, pv.c.property_id == rel,
                                              pv.c.ref == page.id)
            )]
            found = store_nodes.get_many(ctx.tx, ctx.principal.workspace_id, ids)
            for pid in ids:
                other = found.get(pid)
                if other is None:
                    continue
                marker = (other.id, ",".join(c.pid for c in items))
                ch = compute(ctx, other, reader_ds, items)
                if ch:
                    store_nodes.save(ctx.tx, other)
                    index.reindex_properties(ctx.tx, reader_ds, [other], sorted(ch))
                    _reindexed(ctx)
                    if marker not in done or hops == 0:
                        done.add(marker)
                        queue.append((other, reader_ds, ch, hops + 1))


# --- whole data sources ------------------------------------------------------------------------------


def ensure_current(ctx: "Ctx", ds: Node) -> None:
    """Recompute a data source's stored values once if the schemas they depend on changed."""
    if not current(ctx, ds):
        refresh(ctx, ds)


def refresh(ctx: "Ctx", ds: Node) -> None:
    """Recompute every page's stored computed values (after a schema change), in batches; then stamp."""
    from ...query import index

    plan = plan_for(ctx, ds)
    refreshing = ctx.tx.cache.setdefault("materialize.refreshing", set())
    refreshing.add(ds.id)
    try:
        # Related data sources first, so rollups read their current values.
        for rel in sorted(plan.relations):
            target = _target(ctx, ds.data.get("properties") or {}, rel)
            if target is not None and target.id not in refreshing and not current(ctx, target):
                refresh(ctx, target)
        computed_ids = [c.pid for c in plan.order]
        after = ""
        while True:
            rows = ctx.tx.execute(
                sa.select(nodes_table).where(nodes_table.c.parent_id == ds.id, nodes_table.c.kind == "page",
                                             nodes_table.c.id > after)
                .order_by(nodes_table.c.id).limit(_BATCH)
            ).all()
            if not rows:
                break
            after = rows[-1].id
            pages = []
            for row in rows:
                node = ctx.tx.cache.get(("node", row.id)) or Node.from_row(row)
                ctx.tx.cache[("node", node.id)] = node
                pages.append(node)
            changed_pages = []
            for page in pages:
                before = page.data.get("properties") or {}
                had = {k: before.get(k) for k in computed_ids}
                compute(ctx, page, ds, plan.order)
                now = page.data.get("properties") or {}
                if any(now.get(k) != had[k] for k in computed_ids):
                    changed_pages.append(page)
            if changed_pages:
                _save_data(ctx, changed_pages)
                index.reindex_properties(ctx.tx, ds, changed_pages, computed_ids)
                _reindexed(ctx)
        ds.data = {**ds.data, STAMP: signature(ctx, ds)}
        store_nodes.save(ctx.tx, ds)
    finally:
        refreshing.discard(ds.id)


_SAVE_DATA = nodes_table.update().where(nodes_table.c.id == sa.bindparam("_id")).values(data=sa.bindparam("_data"))


def _save_data(ctx: "Ctx", pages: list[Node]) -> None:
    """Write back the data documents of many pages in one statement (only their values changed)."""
    ctx.tx.execute(_SAVE_DATA, [{"_id": p.id, "_data": orjson.dumps(p.data).decode()} for p in pages])
