"""Running a data-source query: body → validated filter and sorts → one SQL statement → rendered page.

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
    from ..api.context import Ctx

RESULT_LIMIT = 10_000
MAX_SORTS = 100
_ORDER_KEYS = {
    "number": ("number",), "unique_id": ("number",), "select": ("number", "text_lower"),
    "status": ("number", "text_lower"), "multi_select": ("number", "text_lower"), "date": ("date_start",),
    "people": ("ref",), "relation": ("ref",), "formula": ("number", "date_start", "text_lower", "flag"),
    "rollup": ("number", "date_start", "text_lower", "flag"),
}

_FORMULA_ORDER = {"number": ("number",), "date": ("date_start",), "string": ("text_lower",)}


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
        self.where = None
        if body.get("filter") is not None:
            compiler = f.Compiler(env)
            self.where = compiler.compile(body["filter"])
            if compiler.python_leaves:
                sets = self._python_sets(compiler.python_leaves)
                self.where = f.Compiler(env, sets).compile(body["filter"])
        self.order, self.joins = self._sorts(body.get("sorts"), schema)
        self.key = self._key(body)
        self.offset = self._cursor(body.get("start_cursor"))

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
                alias = pv.alias(f"s{i}")
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
                keys = _ORDER_KEYS.get(t, ("text_lower",))
                if info is not None and info.result_type in _FORMULA_ORDER:
                    keys = _FORMULA_ORDER[info.result_type]
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

    def statement(self, limit: int) -> Any:
        source = nodes
        for alias, on in self.joins:
            source = source.outerjoin(alias, on)
        # IDs first: the sort then carries no page documents, and only the page asked for is loaded.
        q = sa.select(nodes.c.id).select_from(source).where(
            nodes.c.parent_id == self.ds.id,
            nodes.c.kind == "page",
            nodes.c.in_trash.is_(self.in_trash),
        )
        if self.where is not None:
            q = q.where(self.where)
        return q.order_by(*self.order).offset(self.offset).limit(limit)

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
            rows = self.ctx.tx.execute(self.statement(room + 1)).all()
        wanted = [r.id for r in rows[:room]]
        loaded = store_nodes.get_many(self.ctx.tx, self.ctx.principal.workspace_id, wanted)
        found = [loaded[i] for i in wanted if i in loaded]
        more = len(rows) > room
        end = self.offset + len(found)
        if more and end >= RESULT_LIMIT:
            return found, None, True
        return found, self.cursor_for(end) if more else None, False


class _PySort:
    """A sort on a formula that uses now(): evaluated per row, empty values last in both directions."""

    def __init__(self, pid: str, desc: bool, result_type: str | None) -> None:
        self.pid, self.desc, self.result_type = pid, desc, result_type

    def key(self, value: Any) -> tuple[Any, ...]:
        from .index import cells

        found = cells("formula", value) if value is not None else []
        cell = found[0] if found else {}
        if self.result_type == "boolean":
            return (0, 1 if cell.get("flag") else 0)  # false before true, as checkboxes sort
        col = {"number": "number", "date": "date_start"}.get(self.result_type or "", "text")
        v = cell.get(col)
        if col == "text" and v is not None:
            v = v.lower()
        present = v is not None
        # Empty last: ascending puts (1, ...) after (0, ...); descending is reversed, so flip the flag.
        if self.desc:
            return (1 if present else 0, v if present else 0)
        return (0 if present else 1, v if present else 0)


def _direct(col: Any, desc: bool) -> Any:
    return col.desc() if desc else col.asc()
