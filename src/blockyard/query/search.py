"""Search: pages and databases (data sources from 2025-09-03) whose title shares a word with the query,
limited to what the caller reaches.

Words match as Notion's do: any word of the query (not all of them), case- and accent-insensitively,
stemmed ("tests" finds "Test"), never inside a longer word. The words come from the index in
`store/schema_search.py`. Trashed objects are left out (unless `filter.in_trash` asks for them), and so is
whatever lies under a trashed page or database, since trashing marks the whole subtree.

Everything is decided in one SQL statement: the word index, the object kind, trash, the caller's reach and
the keyset after the cursor, in (`last_edited_time`, id) order with a `LIMIT` of one more than the page.
Reach is a correlated `EXISTS` that walks each candidate's ancestors up to the integration's grants.
The statement runs one of two ways, chosen by a bounded count of the titles the words match:
- few matches (under DRIVE_LIMIT): they drive, read by key and sorted, however large the workspace;
- many: the statement walks `ix_nodes_search` in order and stops once the page is full, so reach is
  checked for about a page of rows, not for every match.
The cursor is the ID of the next result, as Notion's are."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import errors, ids
from ..access import capabilities as caps
from ..store.nodes import Node, unindexed
from ..store.schema import nodes
from ..store import schema_search
from .filters import invalid

if TYPE_CHECKING:
    from ..context import Ctx

# Words as the index tokenizes them: runs of letters and digits.
_WORD = re.compile(r"[^\W_]+")
_MAX_WORDS = 64
# Fewer matching titles than this drive the statement; more, and it walks the order index.
DRIVE_LIMIT = 500

# True when the outer `nodes` row lies under one of the integration's grants (the row itself or an ancestor).
_REACHED = """EXISTS (
    WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT nodes.id, nodes.parent_id, 0
        UNION ALL
        SELECT p.id, p.parent_id, up.depth + 1 FROM nodes p JOIN up ON p.id = up.parent_id WHERE up.depth < 200
    )
    SELECT 1 FROM up JOIN grants g ON g.object_id = up.id AND g.integration_id = :search_integration
)"""


class Search:
    def __init__(self, ctx: "Ctx", body: dict[str, Any]) -> None:
        from ..domain import validate as v

        self.ctx = ctx
        for key in body:
            if key not in ("query", "filter", "sort", "start_cursor", "page_size"):
                raise invalid(f"body.{key}", "not present", body[key])
        q = body.get("query")
        self.query = "" if q is None else v.string(q, "body.query")
        self.words = list(dict.fromkeys(_WORD.findall(self.query.lower())))[:_MAX_WORDS]
        self.page_size = v.page_size(body.get("page_size"), "body.page_size", from_query=False)
        collection = ctx.version.search_collection_object
        self.kinds = ["page", "data_source" if ctx.version.data_sources else "database"]
        self.in_trash = False
        flt = body.get("filter")
        if flt is not None:
            v.obj(flt, "body.filter")
            for key in flt:
                if key not in ("property", "value", "in_trash"):
                    raise invalid(f"body.filter.{key}", "not present", flt[key])
            if "in_trash" in flt:
                self.in_trash = v.boolean(flt["in_trash"], "body.filter.in_trash")
            if "property" in flt or "value" in flt or "in_trash" not in flt:
                if flt.get("property") != "object":
                    raise invalid("body.filter.property", '`"object"`', flt.get("property", errors.UNDEFINED))
                value = v.enum(flt.get("value", errors.UNDEFINED), "body.filter.value", ("page", collection))
                self.kinds = [value]
        self.descending = True
        sort = body.get("sort")
        if sort is not None:
            v.obj(sort, "body.sort")
            if sort.get("property") == "relevance":
                pass  # no relevance model here: recency stands in for it
            else:
                for key in sort:
                    if key not in ("timestamp", "direction"):
                        raise invalid(f"body.sort.{key}", "not present", sort[key])
                v.enum(sort.get("timestamp", errors.UNDEFINED), "body.sort.timestamp", ("last_edited_time",))
                direction = v.enum(sort.get("direction", errors.UNDEFINED), "body.sort.direction", ("ascending", "descending"))
                self.descending = direction == "descending"
        self.start = self._cursor(body.get("start_cursor"))

    def _cursor(self, cursor: Any) -> tuple[int, str] | None:
        from ..api.lists import bad_cursor

        if cursor is None:
            return None
        node_id = ids.parse_id(cursor)
        row = None
        if node_id is not None:
            row = self.ctx.tx.execute(
                sa.select(nodes.c.last_edited_time, nodes.c.id)
                .where(nodes.c.id == node_id, nodes.c.workspace_id == self.ctx.principal.workspace_id)
            ).first()
        if row is None:
            raise bad_cursor("body.start_cursor", cursor if isinstance(cursor, str) else str(cursor))
        return row.last_edited_time, row.id

    def _fts_hits(self, words: list[str]) -> Any:
        """SQLite: the FTS5 rowids (search_keys' keys) of titles sharing a word, across workspaces."""
        # Each word quoted (so no word is read as an operator), any of them.
        expression = " OR ".join(f'"{w}"' for w in words)
        fts = sa.table(schema_search.FTS_TABLE, sa.column("rowid"), sa.column(schema_search.FTS_TABLE))
        return sa.select(fts.c.rowid).where(fts.c[schema_search.FTS_TABLE].op("MATCH")(expression))

    def _matching_ids(self) -> Any:
        """The IDs of the nodes whose title shares a word with the query, from the word index (on SQLite
        across workspaces: the statement that uses them keeps to the caller's)."""
        words = self.words
        if not words:
            return sa.select(nodes.c.id).where(sa.false())
        if not self.ctx.tx.is_sqlite:
            tsquery = sa.literal_column(f"'{schema_search.PG_CONFIG}'::regconfig")
            either = sa.func.plainto_tsquery(tsquery, words[0])
            for word in words[1:]:
                either = either.op("||")(sa.func.plainto_tsquery(tsquery, word))
            return sa.select(nodes.c.id).where(
                nodes.c.workspace_id == self.ctx.principal.workspace_id,
                sa.literal_column(schema_search.PG_VECTOR).op("@@")(either),
            )
        keys = sa.table(schema_search.KEYS_TABLE, sa.column("key"), sa.column("node_id"))
        return sa.select(keys.c.node_id).where(keys.c.key.in_(self._fts_hits(words)))

    def _few_matches(self) -> bool:
        """Whether the words match fewer than DRIVE_LIMIT titles. The index stops counting there; on
        SQLite the count is across workspaces, which only ever makes the walk more likely."""
        words = self.words
        if not words:
            return True
        # On SQLite straight from FTS5, which stops at the limit (search_keys is one to one with it).
        matched = self._fts_hits(words) if self.ctx.tx.is_sqlite else self._matching_ids()
        hits = matched.limit(DRIVE_LIMIT).subquery()
        return self.ctx.tx.execute(sa.select(sa.func.count()).select_from(hits)).scalar_one() < DRIVE_LIMIT

    def _statement(self, after: tuple[int, str] | None, inclusive: bool, limit: int) -> Any:
        few = bool(self.query.strip()) and self._few_matches()
        if few or len(self.kinds) == 1:
            return self._select(self.kinds, few, after, inclusive, limit)
        # Walking several kinds: one ordered walk per kind (an index range each), merged.
        parts = [self._select([kind], False, after, inclusive, limit).subquery() for kind in self.kinds]
        merged = sa.union_all(*(sa.select(p) for p in parts)).subquery()
        return sa.select(merged).order_by(*self._order(merged.c)).limit(limit)

    def _order(self, c: Any) -> list[Any]:
        if self.descending:
            return [c.last_edited_time.desc(), c.id.desc()]
        return [c.last_edited_time.asc(), c.id.asc()]

    def _select(self, kinds: list[str], few: bool, after: tuple[int, str] | None, inclusive: bool,
                limit: int) -> Any:
        n = nodes
        # Planners can't tell the two plans apart, so each is made the only one possible: driving, the
        # order index is hidden; walking, the lookups by matched ID are.
        ws_col, kind_col = (unindexed(n.c.workspace_id), unindexed(n.c.kind)) if few else (n.c.workspace_id, n.c.kind)
        id_col, parent_col = (n.c.id, n.c.parent_id) if few else (unindexed(n.c.id), unindexed(n.c.parent_id))
        q = sa.select(n).where(ws_col == self.ctx.principal.workspace_id, kind_col.in_(kinds))
        if self.query.strip():
            matched = self._matching_ids()
            # A data source is found by its own title or by its database's. Cheap conditions come first, so
            # the reach walk runs only for rows that match.
            if "data_source" in kinds:
                q = q.where(sa.or_(id_col.in_(matched), sa.and_(n.c.kind == "data_source", parent_col.in_(matched))))
            else:
                q = q.where(id_col.in_(matched))
        q = q.where(n.c.in_trash.is_(self.in_trash))
        if "database" in kinds:
            # Versions without data sources cannot show a database with several of them: skipped here, so that
            # a page still holds `page_size` results. (The count is of the data sources the database renders.)
            ds = nodes.alias("ds")
            sources = (
                sa.select(sa.func.count()).select_from(ds)
                .where(ds.c.parent_id == n.c.id, ds.c.kind == "data_source",
                       sa.or_(ds.c.in_trash.is_(False), sa.and_(n.c.in_trash.is_(True), ds.c.trash_root == n.c.trash_root)))
                .scalar_subquery()
            )
            q = q.where(sa.or_(n.c.kind != "database", sources == 1))
        if not self.ctx.principal.is_personal:  # a personal token acts as the owner and reaches everything
            q = q.where(sa.text(_REACHED).bindparams(search_integration=self.ctx.principal.integration_id))
        key = sa.tuple_(n.c.last_edited_time, n.c.id)
        if after is not None:
            bound = sa.tuple_(sa.literal(after[0]), sa.literal(after[1]))
            if self.descending:
                q = q.where(key <= bound if inclusive else key < bound)
            else:
                q = q.where(key >= bound if inclusive else key > bound)
        return q.order_by(*self._order(n.c)).limit(limit)

    def run(self) -> tuple[list[Node], str | None]:
        rows = self.ctx.tx.execute(self._statement(self.start, True, self.page_size + 1)).all()
        found = [Node.from_row(r) for r in rows]
        for node in found:
            self.ctx.tx.cache[("node", node.id)] = node
        if len(found) > self.page_size:
            return found[: self.page_size], found[self.page_size].id
        return found, None

    def render(self, node: Node) -> dict[str, Any] | None:
        from ..domain import databases, render

        ctx = self.ctx
        if not ctx.principal.can(caps.READ_CONTENT):
            return {"object": "data_source" if node.kind == "data_source" else node.kind, "id": node.id}
        if node.kind == "page":
            return render.page(ctx, node)
        if node.kind == "data_source":
            return databases.render_data_source(ctx, node)
        try:
            return databases.render_database(ctx, node)
        except errors.NotionError:
            return None  # a multi-source database cannot be shown in 2022-06-28 (the statement leaves these out)
