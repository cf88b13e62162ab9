"""Running a data-source query: body → validated filter and sorts → one SQL statement → rendered page.

Without sorts, rows come newest first: the reverse of their order in the data source (rows are
appended, so this is creation order, newest first, as Notion answers). Sorted queries break ties the
same way, then by ID. Cursors are offsets bound to the query that issued them; a query stops at
10,000 rows, as Notion's do."""

from __future__ import annotations

import hashlib
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
        env = f.Env(data_source.id, schema, ctx.now, ctx.principal.user_id)
        self.where = None
        if body.get("filter") is not None:
            self.where = f.Compiler(env).compile(body["filter"])
        self.order, self.joins = self._sorts(body.get("sorts"), schema)
        self.key = self._key(body)
        self.offset = self._cursor(body.get("start_cursor"))

    # --- sorts -----------------------------------------------------------------------------------

    def _sorts(self, sorts: Any, schema: dict[str, dict[str, Any]]) -> tuple[list[Any], list[Any]]:
        order: list[Any] = []
        joins: list[Any] = []
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
                if t == "checkbox":
                    order.append(_direct(sa.func.coalesce(alias.c.flag, sa.false()), desc))
                    continue
                for col in _ORDER_KEYS.get(t, ("text_lower",)):
                    # Empty values sort last in both directions, as in Notion.
                    order.append(_direct(alias.c[col], desc).nulls_last())
        order += [nodes.c.sort_key.desc(), nodes.c.id.desc()]
        return order, joins

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

    def run(self) -> tuple[list[Node], str | None, bool]:
        """(rows, next cursor, whether the 10,000-row ceiling cut the results short)."""
        if self.no_rows:
            return [], None, False
        room = min(self.page_size, RESULT_LIMIT - self.offset)
        rows = self.ctx.tx.execute(self.statement(room + 1)).all()
        wanted = [r.id for r in rows[:room]]
        loaded = store_nodes.get_many(self.ctx.tx, self.ctx.principal.workspace_id, wanted)
        found = [loaded[i] for i in wanted if i in loaded]
        more = len(rows) > room
        end = self.offset + len(found)
        if more and end >= RESULT_LIMIT:
            return found, None, True
        return found, self.cursor_for(end) if more else None, False


def _direct(col: Any, desc: bool) -> Any:
    return col.desc() if desc else col.asc()
