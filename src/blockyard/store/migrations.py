"""Schema versions. A new store is created whole from `metadata`; `schema_version` records what a
store holds, and each step below brings an older store forward one version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import sqlalchemy as sa

from .schema_extra import metadata

if TYPE_CHECKING:
    from .engine import Store

SCHEMA_VERSION = 3

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, primary_key=True))

# Rows per index examined by SQLite's ANALYZE: enough for the planner, and fast on any store size.
_ANALYSIS_LIMIT = 1000


def upgrade(store: "Store") -> None:
    with store.engine.begin() as conn:
        metadata.create_all(conn)
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
    from ..query.index import natural_key
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


_STEPS: dict[int, Callable[[Any], None]] = {2: _v2_natural_sort_keys, 3: _v3_search_order_index}
