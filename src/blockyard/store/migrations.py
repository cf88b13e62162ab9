"""Schema versions. A new store is created whole from `metadata`; `schema_version` records what a
store holds, and each step below brings an older store forward one version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import sqlalchemy as sa

from .schema_extra import metadata

if TYPE_CHECKING:
    from .engine import Store

SCHEMA_VERSION = 4

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, primary_key=True))

# Rows per index examined by SQLite's ANALYZE: enough for the planner, and fast on any store size.
_ANALYSIS_LIMIT = 1000


def upgrade(store: "Store") -> bool:
    """Create or bring forward the store's tables; True when it held none (a new store)."""
    # A write transaction from the start (BEGIN IMMEDIATE on SQLite): one that reads first and writes later
    # fails at once with "database is locked" when a running server commits in between.
    with store.engine.connect().execution_options(blockyard_write=True) as conn, conn.begin():
        had_views = sa.inspect(conn).has_table("views")
        metadata.create_all(conn)
        if not had_views and conn.execute(sa.select(schema_version.c.version).limit(1)).first() is not None:
            # A store from before views: each of its databases gets the default view a new one gets.
            from ..views.model import ensure_default_views

            ensure_default_views(conn)
        current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
        if current is None:
            conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
        elif current > SCHEMA_VERSION:
            raise RuntimeError(
                f"this store was written by a newer Blockyard (schema {current}, this one knows {SCHEMA_VERSION})"
            )
        else:
            for version in range(current + 1, SCHEMA_VERSION + 1):
                _STEPS[version](conn)
                conn.execute(schema_version.insert().values(version=version))
        if store.is_sqlite:
            # SQLite plans without statistics until ANALYZE runs, and never refreshes them itself. With
            # its analysis limit this takes milliseconds on any store. PostgreSQL's autovacuum keeps
            # its own statistics.
            refresh_statistics(conn)
    return current is None


def refresh_statistics(conn: Any) -> None:
    """Let the query planner see the tables as they are now (after a bulk load or at start-up)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA analysis_limit={_ANALYSIS_LIMIT}")
        conn.exec_driver_sql("ANALYZE")
    else:
        conn.exec_driver_sql("ANALYZE nodes")
        conn.exec_driver_sql("ANALYZE property_values")


def _v2_natural_sort_keys(conn: Any) -> None:
    """property_values.text_sort: natural sort keys for text sorts, and the index that sorted queries
    walk in order."""
    from ..query.natural import natural_key
    from .schema_query import property_values as pv

    if "text_sort" not in {c["name"] for c in sa.inspect(conn).get_columns("property_values")}:
        column = pv.c.text_sort
        type_sql = column.type.compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE property_values ADD COLUMN text_sort {type_sql}")
    index = next(i for i in pv.indexes if i.name == "ix_pv_sort")
    index.create(conn, checkfirst=True)
    key = (pv.c.page_id, pv.c.property_id, pv.c.position)
    after: tuple[Any, ...] | None = None
    while True:
        q = sa.select(*key, pv.c.text_lower).where(pv.c.text_lower.is_not(None))
        if after is not None:
            q = q.where(sa.tuple_(*key) > sa.tuple_(*after))
        rows = conn.execute(q.order_by(*key).limit(1000)).all()
        if not rows:
            return
        conn.execute(
            pv.update()
            .where(pv.c.page_id == sa.bindparam("p"), pv.c.property_id == sa.bindparam("k"),
                   pv.c.position == sa.bindparam("n"))
            .values(text_sort=sa.bindparam("s")),
            [{"p": r[0], "k": r[1], "n": r[2], "s": natural_key(r[3])} for r in rows],
        )
        after = tuple(rows[-1][:3])


def _v3_search_order_index(conn: Any) -> None:
    """ix_nodes_search gains `id`, so search's (last_edited_time, id) order comes whole from the index."""
    from .schema import nodes

    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_nodes_search")
    next(i for i in nodes.indexes if i.name == "ix_nodes_search").create(conn)


def _v4_unique_order_keys(conn: Any) -> None:
    """ix_nodes_children becomes unique. Concurrent writers on PostgreSQL could give two siblings one
    key: each such parent's children are first given fresh keys in their current order (ties broken by
    creation, then id), which is the order they were listed in."""
    from . import order
    from .schema import nodes

    dup = (
        sa.select(nodes.c.parent_id).where(nodes.c.parent_id.is_not(None))
        .group_by(nodes.c.parent_id, nodes.c.sort_key).having(sa.func.count() > 1)
    )
    parents = sorted({r[0] for r in conn.execute(dup)})
    for parent_id in parents:
        rows = conn.execute(
            sa.select(nodes.c.id).where(nodes.c.parent_id == parent_id)
            .order_by(nodes.c.sort_key, nodes.c.created_time, nodes.c.id)
        ).all()
        key = None
        renumbered = []
        for row in rows:
            key = order.after(key)
            renumbered.append({"i": row[0], "k": key})
        conn.execute(nodes.update().where(nodes.c.id == sa.bindparam("i")).values(sort_key=sa.bindparam("k")),
                     renumbered)
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_nodes_children")
    next(i for i in nodes.indexes if i.name == "ix_nodes_children").create(conn)


_STEPS: dict[int, Callable[[Any], None]] = {
    2: _v2_natural_sort_keys, 3: _v3_search_order_index, 4: _v4_unique_order_keys,
}
