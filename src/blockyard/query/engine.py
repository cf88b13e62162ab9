"""Running a data-source query: body → validated filter and sorts → a plan (drive from the most
selective condition, or walk the sort's index in order; see `Query._plan`) → rendered page.

Without sorts, rows come newest first: the reverse of their order in the data source (rows are
appended, so this is creation order, newest first, as Notion answers). Sorted queries break ties the
same way, then by ID. Cursors are offsets bound to the query that issued them; a query stops at
10,000 rows, as Notion's do."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from .. import errors, ids
from ..store import nodes as store_nodes
from ..store.nodes import Node
from ..store.schema import nodes
from ..store.schema_query import property_values as pv
from . import filters as f

if TYPE_CHECKING:
    from ..context import Ctx

RESULT_LIMIT = 10_000
MAX_SORTS = 100
# Text sorts are natural ("item 4" before "item 10"), on the folded text's natural key, then the text.
_TEXT_ORDER = ("text_sort", "text_lower")
_ORDER_KEYS = {
    "number": ("number",), "unique_id": ("number",), "select": ("number", *_TEXT_ORDER),
    "status": ("number", *_TEXT_ORDER), "multi_select": ("number", *_TEXT_ORDER), "date": ("date_start",),
    "people": ("ref",), "relation": ("ref",), "formula": ("number", "date_start", *_TEXT_ORDER, "flag"),
    "rollup": ("number", "date_start", *_TEXT_ORDER, "flag"),
}

_FORMULA_ORDER = {"number": ("number",), "date": ("date_start",), "string": _TEXT_ORDER}

# Index columns a sorted query can walk in order (each has an index on (source, property, column, page)).
_WALKABLE = {"number", "date_start", "text_sort", "ref"}
# Property types with one value per page, so a condition on the property holds of the sort's own row.
_SINGLE = {"number", "unique_id", "date", "select", "status", "title", "rich_text", "url", "email", "phone_number"}
# Of those, the types whose sort column is set whenever the page has any value.
_ALWAYS_KEYED = {"number", "unique_id", "date", "title", "rich_text", "url", "email", "phone_number"}

# A condition that matches fewer pages than this drives the query: its pages are read from the index and
# sorted. Past it, a sorted query walks the sort's index in order and stops once the page is full. The
# count that decides is itself bounded by this, so it costs at most that many index entries.
DRIVE_LIMIT = 2000
# A walk that could have driven instead reads at most this many times the rows it must return (and at
# least DRIVE_LIMIT) before it gives up and drives.
WALK_FACTOR = 4


class Query:
    """A validated query on one data source."""

    def __init__(self, ctx: "Ctx", data_source: Node, body: dict[str, Any], *, allow_result_type: bool) -> None:
        self.ctx = ctx
        self.ds = data_source
        allowed = {"filter", "sorts", "start_cursor", "page_size", "in_trash", "attributes_to_get"}
        if ctx.version.archived:
            allowed.add("archived")
        if allow_result_type:
            allowed.add("result_type")
        for key in body:
            if key not in allowed:
                raise f.invalid(f"body.{key}", "not present", body[key])
        from ..domain import validate as v

        self.page_size = v.page_size(body.get("page_size"), "body.page_size", from_query=False)
        trash = body.get("in_trash")
        if trash is None and "archived" in body:
            trash = v.boolean(body["archived"], "body.archived")
        self.in_trash = v.boolean(trash, "body.in_trash") if trash is not None else False
        result_type = body.get("result_type")
        if result_type is not None:
            v.enum(result_type, "body.result_type", ("page", "data_source"))
        # Only wikis hold data sources among their rows; a data source's rows are pages.
        self.no_rows = result_type == "data_source"
        schema = data_source.data.get("properties") or {}
        self.computed: dict[str, Any] = {}
        if body.get("filter") is not None or body.get("sorts"):
            from ..domain.properties import materialize

            plan = materialize.plan_for(ctx, data_source)
            if plan.order:
                # Stored formula and rollup values are what the index holds: recompute them once if a
                # schema they depend on changed since they were stored.
                materialize.ensure_current(ctx, data_source)
            self.computed = plan.by_id
        env = f.Env(data_source.id, schema, ctx.now, ctx.principal.user_id, self.computed)
        self.has_filter = body.get("filter") is not None
        self.parts: list[Any] = []  # the filter's conjuncts (see `filters.Compiler.compile_parts`)
        if self.has_filter:
            compiler = f.Compiler(env)
            self.parts = compiler.compile_parts(body["filter"])
            if compiler.python_leaves:
                sets = self._python_sets(compiler.python_leaves)
                self.parts = f.Compiler(env, sets).compile_parts(body["filter"])
        self.order, self.joins = self._sorts(body.get("sorts"), schema)
        self.key = self._key(body)
        self.offset = self._cursor(body.get("start_cursor"))

    @property
    def where(self) -> Any:
        """The whole filter as one condition on `nodes` (for the paths that do not plan)."""
        return f.as_sql(f.Conjunction(self.parts)) if self.has_filter else None

    # --- volatile formulas ----------------------------------------------------------------------------

    def _python_sets(self, leaves: list[f.PythonLeaf]) -> list[list[str]]:
        """Conditions on formulas that use now() are not stored: evaluate them over the pages that the
        rest of the filter selects (those conditions compiled as TRUE), then filter on the matches."""
        from ..domain.properties.formula import evaluate

        candidates = [r.id for r in self.ctx.tx.execute(
            sa.select(nodes.c.id).where(nodes.c.parent_id == self.ds.id, nodes.c.kind == "page",
                                        nodes.c.in_trash.is_(self.in_trash), self.where)
        )]
        schema = self.ds.data.get("properties") or {}
        sets: list[list[str]] = [[] for _ in leaves]
        for i in range(0, len(candidates), 500):
            chunk = candidates[i : i + 500]
            loaded = store_nodes.get_many(self.ctx.tx, self.ctx.principal.workspace_id, chunk)
            for pid in chunk:
                page = loaded.get(pid)
                if page is None:
                    continue
                values: dict[str, Any] = {}
                for n, leaf in enumerate(leaves):
                    if leaf.prop_id not in values:
                        values[leaf.prop_id] = evaluate(self.ctx, page, schema[leaf.prop_id], self.ds)
                    if f.python_match(leaf, values[leaf.prop_id], self.ctx.now):
                        sets[n].append(pid)
        return sets

    # --- sorts -----------------------------------------------------------------------------------

    def _sorts(self, sorts: Any, schema: dict[str, dict[str, Any]]) -> tuple[list[Any], list[Any]]:
        order: list[Any] = []
        joins: list[Any] = []
        self.groups: list[Any] = []  # per sort: its ORDER BY expressions, or a _PySort (volatile formula)
        self.walk: _Walk | None = None  # the first sort, when its index can be walked in order
        self.default_order = not sorts
        if sorts is not None:
            if not isinstance(sorts, list):
                raise f.invalid("body.sorts", "an array", sorts)
            if len(sorts) > MAX_SORTS:
                raise errors.validation(
                    f"body failed validation: body.sorts.length should be ≤ `{MAX_SORTS}`, instead was `{len(sorts)}`."
                )
            for i, s in enumerate(sorts):
                path = f"body.sorts[{i}]"
                if not isinstance(s, dict):
                    raise f.invalid(path, "an object", s)
                direction = s.get("direction", f.errors.UNDEFINED)
                if direction not in ("ascending", "descending"):
                    raise f.invalid(f"{path}.direction", '`"ascending"` or `"descending"`', direction)
                desc = direction == "descending"
                self._close_group(order)
                if "timestamp" in s:
                    for key in s:
                        if key not in ("timestamp", "direction"):
                            raise f.invalid(f"{path}.{key}", "not present", s[key])
                    ts = s["timestamp"]
                    if ts not in ("created_time", "last_edited_time"):
                        raise f.invalid(f"{path}.timestamp", '`"created_time"` or `"last_edited_time"`', ts)
                    order.append(_direct(nodes.c[ts], desc))
                    continue
                for key in s:
                    if key not in ("property", "direction"):
                        raise f.invalid(f"{path}.{key}", "not present", s[key])
                if "property" not in s:
                    raise f.invalid(f"{path}.property", "defined")
                found = f.find_property(schema, s["property"])
                if found is None:
                    raise errors.validation(f"Could not find sort property with name or id: {s['property']}")
                pid, prop = found
                t = prop.get("type", "")
                if t in f.NODE_COLUMNS:
                    order.append(_direct(f.NODE_COLUMNS[t], desc))
                    continue
                alias = _sort_alias(i)
                joins.append((alias, sa.and_(alias.c.page_id == nodes.c.id, alias.c.property_id == pid, alias.c.position == 0)))
                info = self.computed.get(pid) if t == "formula" else None
                if info is not None and not info.stored:
                    # A formula that uses now() has no stored value: the rows are sorted in Python.
                    self.groups.append(_PySort(pid, desc, info.result_type))
                    self._group_start = len(order)
                    continue
                if t == "checkbox" or (info is not None and info.result_type == "boolean"):
                    order.append(_direct(sa.func.coalesce(alias.c.flag, sa.false()), desc))
                    continue
                keys = _ORDER_KEYS.get(t, _TEXT_ORDER)
                if info is not None and info.result_type in _FORMULA_ORDER:
                    keys = _FORMULA_ORDER[info.result_type]
                if i == 0 and keys[0] in _WALKABLE:
                    self.walk = _Walk(alias, pid, t, keys[0], desc)
                for col in keys:
                    # Empty values sort last in both directions, as in Notion.
                    order.append(_direct(alias.c[col], desc).nulls_last())
        self._close_group(order)
        order += [nodes.c.sort_key.desc(), nodes.c.id.desc()]
        return order, joins

    def _close_group(self, order: list[Any]) -> None:
        start = getattr(self, "_group_start", 0)
        if len(order) > start:
            self.groups.append(order[start:])
        self._group_start = len(order)

    # --- cursors -----------------------------------------------------------------------------------

    def _key(self, body: dict[str, Any]) -> str:
        bound = {k: body.get(k) for k in ("filter", "sorts", "in_trash", "archived", "result_type")}
        bound["ds"] = self.ds.id
        return hashlib.blake2b(orjson.dumps(bound, option=orjson.OPT_SORT_KEYS), digest_size=10).hexdigest()

    def cursor_for(self, offset: int) -> str:
        """UUID-shaped (Notion's cursors are, and the OAS types them so): query hash and offset."""
        h = self.key
        raw = h[:12] + "4" + h[12:15] + "8" + h[15:18] + f"{offset:012x}"
        return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"

    def _cursor(self, cursor: Any) -> int:
        if cursor is None:
            return 0
        from ..api.lists import bad_cursor

        if not isinstance(cursor, str):
            raise f.invalid("body.start_cursor", "a string", cursor)
        parsed = ids.parse_id(cursor)
        if parsed is None:
            raise bad_cursor("body.start_cursor", cursor)
        raw = parsed.replace("-", "")
        offset = int(raw[20:], 16)
        if raw[:12] + raw[13:16] + raw[17:20] != self.key[:18] or offset >= RESULT_LIMIT:
            raise bad_cursor("body.start_cursor", cursor)
        return offset

    # --- running -------------------------------------------------------------------------------------

    # Plans. Each selects page IDs only: the sort then carries no page documents, and only the page
    # asked for is loaded. The statements never leave the choice of driving table to the planner's
    # statistics (a store loaded in bulk may have none): where the pages come from the property index,
    # `nodes` is reached by primary key only (`unindexed` keeps SQLite off its children index).

    def _pages(self, *, by_parent: bool) -> list[Any]:
        parent = nodes.c.parent_id if by_parent else store_nodes.unindexed(nodes.c.parent_id)
        return [parent == self.ds.id, nodes.c.kind == "page", nodes.c.in_trash.is_(self.in_trash)]

    def _outer(self, joins: list[Any], source: Any = nodes) -> Any:
        for alias, on in joins:
            source = source.outerjoin(alias, on)
        return source

    def _count(self, leaf: f.Leaf) -> int:
        rows = leaf.rows().limit(DRIVE_LIMIT).subquery()
        return self.ctx.tx.execute(sa.select(sa.func.count()).select_from(rows)).scalar_one()

    def _plan(self, limit: int) -> list[Any]:
        """The IDs of the page asked for (and one more). A condition that matches few pages drives
        (`_drive`). Otherwise matches are likely dense in any order, so the query walks its order
        (`_walk_sorted`, or the data source's own order when unsorted) and stops once the page is full.
        That walk is bounded when a condition could drive instead: if the first stretch of the order
        does not fill the page, the conditions are too rare together and the query drives after all."""
        leaves = [p for p in self.parts if isinstance(p, f.Leaf) and p.positive]
        walk = self.walk
        on_sort = None  # a condition on the first sort's own property: the walk applies it to its rows
        if walk is not None and walk.type in _SINGLE:
            on_sort = next((p for p in leaves if p.prop_id == walk.pid), None)
        driver, small = None, False
        if leaves:
            if len(leaves) == 1 and walk is None and not self.default_order:
                driver, small = leaves[0], True
            else:
                # `on_sort` is counted only if another condition is small enough to drive instead.
                counts = [DRIVE_LIMIT if p is on_sort else self._count(p) for p in leaves]
                if on_sort is not None and min(counts) < DRIVE_LIMIT:
                    counts[leaves.index(on_sort)] = self._count(on_sort)
                least = min(range(len(leaves)), key=lambda i: (counts[i], leaves[i] is not on_sort, leaves[i].rank))
                driver, small = leaves[least], counts[least] < DRIVE_LIMIT
        # Walking `on_sort`'s own rows in order never reads more than driving from it would.
        if small and driver is not on_sort:
            return self._drive(driver, limit)
        bounded = driver is not None and driver is not on_sort
        if walk is not None:
            rows = self._walk_sorted(walk, on_sort, limit, bounded)
        elif self.default_order:
            rows = self._walk_default(limit, bounded)
        else:
            rows = None  # sorted on what no index orders (a timestamp, a checkbox)
        if rows is not None:
            return rows
        if driver is not None:
            return self._drive(driver, limit)
        q = sa.select(nodes.c.id).select_from(self._outer(self.joins)).where(
            *self._pages(by_parent=True), *(f.as_sql(p) for p in self.parts))
        return self.ctx.tx.execute(q.order_by(*self.order).offset(self.offset).limit(limit)).all()

    def _stretch(self, limit: int) -> int:
        """How many entries of its order a bounded walk may read."""
        return max(1, DRIVE_LIMIT, WALK_FACTOR * (self.offset + limit))

    def _drive(self, driver: f.Leaf, limit: int, *extra: Any, offset: int | None = None) -> list[Any]:
        """A selective condition's pages from the index, every other condition probed per candidate,
        then sorted."""
        q = sa.select(nodes.c.id).select_from(self._outer(self.joins)).where(
            *self._pages(by_parent=False), f.drive(driver, self.parts), *extra)
        q = q.order_by(*self.order).offset(self.offset if offset is None else offset).limit(limit)
        return self.ctx.tx.execute(q).all()

    def _in_order(self, walk: Any) -> list[Any]:
        """Run a walk. PostgreSQL estimates a condition on `property_values` (one table for every
        property of every data source) far below what it matches, and would then read every match and
        sort them rather than stop early: the bounded counts above chose the walk, so its planner is
        told to keep the index's order for this statement."""
        tx = self.ctx.tx
        if tx.is_sqlite:
            return tx.execute(walk).all()
        tx.execute(_NO_SORT)
        rows = tx.execute(walk).all()
        tx.execute(_RESET_SORT)
        return rows

    def _probes(self, but: Any = None) -> list[Any]:
        return [p.probe() if isinstance(p, f.Leaf) else f.as_sql(p) for p in self.parts if p is not but]

    def _walk_default(self, limit: int, bounded: bool) -> list[Any] | None:
        """Unsorted (newest first): the data source's pages in reverse order, each probed. None if a
        bounded walk did not fill the page."""
        conds = [*self._pages(by_parent=True), *self._probes()]
        edge = None
        if bounded:
            edge = self.ctx.tx.execute(
                sa.select(nodes.c.sort_key).where(nodes.c.parent_id == self.ds.id).order_by(nodes.c.sort_key.desc())
                .offset(self._stretch(limit) - 1).limit(1)).scalar()
            if edge is not None:
                conds.append(nodes.c.sort_key >= edge)
        q = sa.select(nodes.c.id).where(*conds).order_by(*self.order).offset(self.offset).limit(limit)
        rows = self._in_order(q)
        return None if edge is not None and len(rows) < limit else rows

    def _walk_sorted(self, walk: "_Walk", on_sort: f.Leaf | None, limit: int, bounded: bool) -> list[Any] | None:
        """Walk the first sort's index in order, probe each page against the filter, and stop once the
        page is full. Pages with no value for that sort come after all the others, in both directions,
        so they are read only if the page is not full yet. None if a bounded walk did not fill the page."""
        s0 = walk.alias
        col = s0.c[walk.column]
        keyed = [s0.c.data_source_id == self.ds.id, s0.c.property_id == walk.pid, col.is_not(None)]
        if walk.type not in _SINGLE:
            keyed.append(s0.c.position == 0)  # (single values are at 0; PostgreSQL's index lacks position)
        if on_sort is not None:
            pred = on_sort.build(s0)
            if pred is not None:
                keyed.append(pred)
        edge = None
        if bounded:
            # The value at the end of the stretch: every row up to it, ties included, sorts before
            # every row past it, so a page filled from the stretch is the page.
            edge = self.ctx.tx.execute(
                sa.select(col).where(*keyed).order_by(_direct(col, walk.desc)).offset(self._stretch(limit) - 1).limit(1)
            ).scalar()
            if edge is not None:
                keyed.append(col >= edge if walk.desc else col <= edge)
        source = self._outer(self.joins[1:], s0.join(nodes, nodes.c.id == s0.c.page_id))
        valued = sa.select(nodes.c.id).select_from(source).where(*keyed, *self._probes(but=on_sort),
                                                                  *self._pages(by_parent=False))
        # The first key's NULLs are left out above, so it orders by the index as it stands.
        order = [_direct(col, walk.desc), *self.order[1:]]
        rows = self._in_order(valued.order_by(*order).offset(self.offset).limit(limit))
        if len(rows) >= limit or (on_sort is not None and walk.type in _ALWAYS_KEYED):
            return rows
        if edge is not None:
            return None
        if rows:
            offset, room = 0, limit - len(rows)
        else:
            seen = self.ctx.tx.execute(
                sa.select(sa.func.count()).select_from(valued.limit(self.offset).subquery())).scalar_one() if self.offset else 0
            offset, room = self.offset - seen, limit
        no_value = col.is_(None)
        leaves = [p for p in self.parts if isinstance(p, f.Leaf) and p.positive]
        if leaves:
            driver = min(leaves, key=lambda p: p.rank)
            return rows + self._drive(driver, room, no_value, offset=offset)
        q = sa.select(nodes.c.id).select_from(self._outer(self.joins)).where(
            *self._pages(by_parent=True), no_value, *(f.as_sql(p) for p in self.parts))
        return rows + self.ctx.tx.execute(q.order_by(*self.order).offset(offset).limit(room)).all()

    def _python_sorted(self, limit: int) -> list[str]:
        """Sorts that include a formula using now(): each SQL sort key becomes a dense rank (window
        function) and the default order a row number; the rows are then sorted in Python, stably,
        from the last key to the first."""
        from ..domain.properties.formula import evaluate

        source = nodes
        for alias, on in self.joins:
            source = source.outerjoin(alias, on)
        cols = [nodes.c.id]
        for i, g in enumerate(self.groups):
            if not isinstance(g, _PySort):
                cols.append(sa.func.dense_rank().over(order_by=g).label(f"r{i}"))
        cols.append(sa.func.row_number().over(order_by=[nodes.c.sort_key.desc(), nodes.c.id.desc()]).label("d"))
        q = sa.select(*cols).select_from(source).where(
            nodes.c.parent_id == self.ds.id, nodes.c.kind == "page", nodes.c.in_trash.is_(self.in_trash))
        if self.where is not None:
            q = q.where(self.where)
        rows = [r._mapping for r in self.ctx.tx.execute(q)]
        schema = self.ds.data.get("properties") or {}
        values: dict[tuple[str, str], Any] = {}
        wanted_props = {g.pid for g in self.groups if isinstance(g, _PySort)}
        ids = [r["id"] for r in rows]
        for k in range(0, len(ids), 500):
            loaded = store_nodes.get_many(self.ctx.tx, self.ctx.principal.workspace_id, ids[k : k + 500])
            for pid in ids[k : k + 500]:
                for prop_id in wanted_props:
                    page = loaded.get(pid)
                    values[(pid, prop_id)] = evaluate(self.ctx, page, schema[prop_id], self.ds) if page else None
        rows.sort(key=lambda r: r["d"])
        for i in reversed(range(len(self.groups))):
            g = self.groups[i]
            if isinstance(g, _PySort):
                rows.sort(key=lambda r, g=g: g.key(values.get((r["id"], g.pid))), reverse=g.desc)
            else:
                rows.sort(key=lambda r, i=i: r[f"r{i}"])
        return [r["id"] for r in rows[self.offset : self.offset + limit]]

    def run(self) -> tuple[list[Node], str | None, bool]:
        """(rows, next cursor, whether the 10,000-row ceiling cut the results short)."""
        if self.no_rows:
            return [], None, False
        room = min(self.page_size, RESULT_LIMIT - self.offset)
        if any(isinstance(g, _PySort) for g in self.groups):
            wanted_all = self._python_sorted(room + 1)
            rows = [SimpleNamespace(id=i) for i in wanted_all]
        else:
            rows = self._plan(room + 1)
        wanted = [r.id for r in rows[:room]]
        loaded = store_nodes.get_many(self.ctx.tx, self.ctx.principal.workspace_id, wanted)
        found = [loaded[i] for i in wanted if i in loaded]
        more = len(rows) > room
        end = self.offset + len(found)
        if more and end >= RESULT_LIMIT:
            return found, None, True
        return found, self.cursor_for(end) if more else None, False


_NO_SORT = sa.text("SET LOCAL enable_sort = off")
_RESET_SORT = sa.text("RESET enable_sort")


class _Walk:
    """The first sort, on a property whose index orders its pages: `alias` is its LEFT JOINed row."""

    __slots__ = ("alias", "pid", "type", "column", "desc")

    def __init__(self, alias: Any, pid: str, type_: str, column: str, desc: bool) -> None:
        self.alias, self.pid, self.type, self.column, self.desc = alias, pid, type_, column, desc


class _PySort:
    """A sort on a formula that uses now(): evaluated per row, empty values last in both directions."""

    def __init__(self, pid: str, desc: bool, result_type: str | None) -> None:
        self.pid, self.desc, self.result_type = pid, desc, result_type

    def key(self, value: Any) -> tuple[Any, ...]:
        from .index import cells, natural_key

        found = cells("formula", value) if value is not None else []
        cell = found[0] if found else {}
        if self.result_type == "boolean":
            return (0, 1 if cell.get("flag") else 0)  # false before true, as checkboxes sort
        col = {"number": "number", "date": "date_start"}.get(self.result_type or "", "text")
        v = cell.get(col)
        if col == "text" and v is not None:
            v = (natural_key(v.lower()), v.lower())
        present = v is not None
        # Empty last: ascending puts (1, ...) after (0, ...); descending is reversed, so flip the flag.
        if self.desc:
            return (1 if present else 0, v if present else 0)
        return (0 if present else 1, v if present else 0)


_SORT_ALIASES: dict[int, Any] = {}


def _sort_alias(i: int) -> Any:
    # Built once per position: an alias costs more to build than the statement that uses it.
    alias = _SORT_ALIASES.get(i)
    if alias is None:
        alias = _SORT_ALIASES[i] = pv.alias(f"s{i}")
    return alias


def _direct(col: Any, desc: bool) -> Any:
    return col.desc() if desc else col.asc()
