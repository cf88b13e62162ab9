"""The node tree: pages, databases, data sources and blocks, read and written by key and by parent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Iterable

import orjson
import sqlalchemy as sa

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from . import order
from .engine import Tx
from .schema import nodes

_COLUMNS = (
    "id", "workspace_id", "kind", "type", "parent_type", "parent_id", "sort_key", "in_trash", "trash_root",
    "created_time", "created_by", "last_edited_time", "last_edited_by", "title",
)


@dataclass(slots=True)
class Node:
    id: str
    workspace_id: str
    kind: str  # page | database | data_source | block
    type: str
    parent_type: str
    parent_id: str | None
    sort_key: str
    in_trash: bool
    trash_root: str | None
    created_time: int
    created_by: str
    last_edited_time: int
    last_edited_by: str
    title: str
    data: dict[str, Any]

    @classmethod
    def from_row(cls, row: Any) -> "Node":
        return cls(
            row.id, row.workspace_id, row.kind, row.type, row.parent_type, row.parent_id, row.sort_key,
            bool(row.in_trash), row.trash_root, row.created_time, row.created_by, row.last_edited_time,
            row.last_edited_by, row.title, orjson.loads(row.data),
        )

    def values(self) -> dict[str, Any]:
        out = {c: getattr(self, c) for c in _COLUMNS}
        out["data"] = orjson.dumps(self.data).decode()
        return out


class unindexed(ColumnElement[Any]):  # noqa: N801 (used as a function)
    """A string column that the condition it is in must not look up through an index, where the rows
    come by primary key instead. Planners take an equality on an indexed column for a handful of rows
    when they cannot know better (SQLite without statistics; PostgreSQL's generic plans for prepared
    statements, which estimate one data source or workspace as the average one), and would then read
    a whole workspace or data source through that index. SQLite: the documented unary `+`;
    PostgreSQL: an expression no index is on."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.column, **kw)} || '')"


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


_by_id = sa.select(nodes).where(nodes.c.id == sa.bindparam("id"), nodes.c.workspace_id == sa.bindparam("ws"))


def get(tx: Tx, workspace_id: str, node_id: str) -> Node | None:
    key = ("node", node_id)
    cached = tx.cache.get(key)
    if cached is not None:
        return cached
    row = tx.execute(_by_id, {"id": node_id, "ws": workspace_id}).first()
    if row is None:
        return None
    node = Node.from_row(row)
    tx.cache[key] = node
    return node


def get_many(tx: Tx, workspace_id: str, node_ids: Iterable[str]) -> dict[str, Node]:
    wanted = [i for i in dict.fromkeys(node_ids)]
    found: dict[str, Node] = {}
    missing = []
    for nid in wanted:
        cached = tx.cache.get(("node", nid))
        if cached is not None:
            found[nid] = cached
        else:
            missing.append(nid)
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        rows = tx.execute(sa.select(nodes).where(unindexed(nodes.c.workspace_id) == workspace_id, nodes.c.id.in_(chunk)))
        for row in rows:
            node = Node.from_row(row)
            tx.cache[("node", node.id)] = node
            found[node.id] = node
    return found


def insert(tx: Tx, node: Node) -> None:
    tx.execute(nodes.insert().values(**node.values()))
    tx.cache[("node", node.id)] = node


def insert_many(tx: Tx, new: list[Node]) -> None:
    if new:
        tx.execute(nodes.insert(), [n.values() for n in new])
        for n in new:
            tx.cache[("node", n.id)] = n


def save(tx: Tx, node: Node) -> None:
    """Write back a node's mutable columns and data."""
    values = node.values()
    del values["id"], values["workspace_id"]
    tx.execute(nodes.update().where(nodes.c.id == node.id).values(**values))


_SAVE_MANY = (
    nodes.update()
    .where(nodes.c.id == sa.bindparam("_id"))
    .values({c: sa.bindparam("_" + c) for c in ("data", "last_edited_time", "last_edited_by")})
)


def save_many(tx: Tx, changed: list[Node]) -> None:
    """Write back the data and edit stamps of many nodes in one executemany (a markdown edit
    updates up to thousands of blocks in place)."""
    if changed:
        tx.execute(_SAVE_MANY, [{"_id": n.id, "_data": orjson.dumps(n.data).decode(),
                                 "_last_edited_time": n.last_edited_time, "_last_edited_by": n.last_edited_by}
                                for n in changed])


def touch(tx: Tx, node_id: str, user_id: str) -> None:
    tx.execute(
        nodes.update().where(nodes.c.id == node_id).values(last_edited_time=_minute(tx.now), last_edited_by=user_id)
    )
    cached = tx.cache.get(("node", node_id))
    if cached is not None:
        cached.last_edited_time = _minute(tx.now)
        cached.last_edited_by = user_id


def _minute(ms: int) -> int:
    return ms - ms % 60_000


_children = (
    sa.select(nodes)
    .where(nodes.c.parent_id == sa.bindparam("parent"), nodes.c.in_trash.is_(False), nodes.c.sort_key >= sa.bindparam("from_key"))
    .order_by(nodes.c.sort_key)
    .limit(sa.bindparam("limit"))
)


def children(tx: Tx, parent_id: str, from_key: str = "", limit: int = 101) -> list[Node]:
    """Live children in order, starting at `from_key`."""
    rows = tx.execute(_children, {"parent": parent_id, "from_key": from_key, "limit": limit})
    out = []
    for row in rows:
        node = Node.from_row(row)
        tx.cache[("node", node.id)] = node
        out.append(node)
    return out


_BLOCK_CHILD_KINDS = ("block", "page", "database")


_c, _p = nodes.alias("c"), nodes.alias("p")
# Built once: building these aliased statements per request cost more than running them.
_WITH_CHILDREN = (
    sa.select(_c.c.parent_id)
    .select_from(_c.join(_p, _p.c.id == _c.c.parent_id))
    .where(
        _c.c.parent_id.in_(sa.bindparam("ids", expanding=True)),
        _c.c.kind.in_(_BLOCK_CHILD_KINDS),
        _c.c.parent_type.in_(("page_id", "block_id")),
        sa.or_(_c.c.in_trash.is_(False), sa.and_(_p.c.in_trash.is_(True), _c.c.trash_root == _p.c.trash_root)),
    )
    .distinct()
)


def with_children(tx: Tx, parent_ids: list[str]) -> set[str]:
    """Which of these nodes have child blocks, pages or databases: live ones, or, for a trashed
    parent, the children trashed with it."""
    if not parent_ids:
        return set()
    return {r[0] for r in tx.execute(_WITH_CHILDREN, {"ids": list(parent_ids)})}


def _block_children_query(trashed: bool) -> sa.Select:
    live = nodes.c.in_trash.is_(False)
    cond = sa.or_(live, nodes.c.trash_root == sa.bindparam("trash_root")) if trashed else live
    return (
        sa.select(nodes)
        .where(nodes.c.parent_id == sa.bindparam("parent"), nodes.c.kind.in_(_BLOCK_CHILD_KINDS), cond,
               nodes.c.sort_key >= sa.bindparam("from_key"))
        .order_by(nodes.c.sort_key)
        .limit(sa.bindparam("limit"))
    )


_BLOCK_CHILDREN = {False: _block_children_query(False), True: _block_children_query(True)}


def block_children(tx: Tx, parent: Node, from_key: str, limit: int) -> list[Node]:
    """Child blocks in order from `from_key`: live ones, or for a trashed parent those trashed with it."""
    params = {"parent": parent.id, "from_key": from_key, "limit": limit}
    if parent.in_trash:
        params["trash_root"] = parent.trash_root
    out = []
    for row in tx.execute(_BLOCK_CHILDREN[parent.in_trash], params):
        node = Node.from_row(row)
        tx.cache[("node", node.id)] = node
        out.append(node)
    return out


def last_key(tx: Tx, parent_id: str) -> str | None:
    return tx.execute(sa.select(sa.func.max(nodes.c.sort_key)).where(nodes.c.parent_id == parent_id)).scalar()


def first_key(tx: Tx, parent_id: str) -> str | None:
    return tx.execute(sa.select(sa.func.min(nodes.c.sort_key)).where(nodes.c.parent_id == parent_id)).scalar()


def key_after_sibling(tx: Tx, parent_id: str, sibling_key: str) -> str | None:
    """The key of the next sibling (live or trashed) after `sibling_key`."""
    return tx.execute(
        sa.select(sa.func.min(nodes.c.sort_key)).where(nodes.c.parent_id == parent_id, nodes.c.sort_key > sibling_key)
    ).scalar()


def lock_children(tx: Tx, parent_id: str) -> None:
    """Hold the right to give out order keys under `parent_id` until the transaction ends.

    PostgreSQL runs concurrent writers at READ COMMITTED, so two of them would read the same last key
    and give out the same keys (the unique index would then refuse one). A transaction-level advisory
    lock per parent makes them take turns, and the one that waited reads the keys the other committed.
    SQLite needs nothing: BEGIN IMMEDIATE already serializes writers."""
    if tx.is_sqlite:
        return
    key = ("children_locked", parent_id)
    if key in tx.cache:
        return
    tx.execute(_LOCK_CHILDREN, {"k": int.from_bytes(uuid.UUID(parent_id).bytes[:8], "big", signed=True)})
    tx.cache[key] = True


_LOCK_CHILDREN = sa.text("SELECT pg_advisory_xact_lock(:k)")


def keys_for_insert(tx: Tx, parent_id: str, count: int, after_key: str | None = None, at_start: bool = False) -> list[str]:
    """`count` fresh order keys: at the end (default), at the start, or right after `after_key`.
    Keys are unique per parent (a unique index): the parent stays locked until the transaction ends."""
    lock_children(tx, parent_id)
    if at_start:
        lo, hi = None, first_key(tx, parent_id)
    elif after_key is not None:
        lo, hi = after_key, key_after_sibling(tx, parent_id, after_key)
    else:
        lo, hi = last_key(tx, parent_id), None
    keys = []
    for _ in range(count):
        lo = order.between(lo, hi)
        keys.append(lo)
    return keys


_DESCENDANTS = sa.text(
    """
    WITH RECURSIVE down(id) AS (
        SELECT id FROM nodes WHERE parent_id = :id
        UNION ALL
        SELECT n.id FROM nodes n JOIN down ON n.parent_id = down.id
    )
    SELECT id FROM down
    """
)


def descendant_ids(tx: Tx, node_id: str) -> list[str]:
    return [r[0] for r in tx.execute(_DESCENDANTS, {"id": node_id})]


def set_trash(tx: Tx, node: Node, trashed: bool, user_id: str) -> None:
    """Trash a node and its live descendants, or restore what its trashing trashed."""
    now = _minute(tx.now)
    if trashed:
        if node.in_trash:
            return
        ids = descendant_ids(tx, node.id)
        for start in range(0, len(ids), 500):
            tx.execute(
                nodes.update()
                .where(nodes.c.id.in_(ids[start : start + 500]), nodes.c.in_trash.is_(False))
                .values(in_trash=True, trash_root=node.id)
            )
        node.in_trash, node.trash_root = True, node.id
    else:
        if not node.in_trash:
            return
        tx.execute(nodes.update().where(nodes.c.trash_root == node.id).values(in_trash=False, trash_root=None))
        node.in_trash, node.trash_root = False, None
    node.last_edited_time, node.last_edited_by = now, user_id
    save(tx, node)
    for key in [k for k in tx.cache if isinstance(k, tuple) and k[0] == "node" and k[1] != node.id]:
        del tx.cache[key]


def ancestors(tx: Tx, node: Node) -> list[Node]:
    """Parents from the nearest up to the root."""
    out = []
    current = node
    while current.parent_id is not None and current.parent_type != "workspace":
        parent = get(tx, current.workspace_id, current.parent_id)
        if parent is None:
            break
        out.append(parent)
        current = parent
    return out
