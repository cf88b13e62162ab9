"""The word index that `POST /v1/search` runs on (see `query/search.py`).

Notion matches a search query word by word against titles: a title matches when it shares a word with
the query (any word, not all of them), case- and accent-insensitively, with English stemming ("tests"
finds "Test"). A word never matches inside a longer word ("page" does not find "SubPage").

The index is kept by the database itself from `nodes.title`, so no writer has to know about it:

- SQLite: an FTS5 table (`porter unicode61 remove_diacritics 2`) maintained by triggers on `nodes`.
  FTS5 rows are keyed by integers, so `search_keys` gives each page, database and data source a stable
  integer key (not `nodes.rowid`, which VACUUM may renumber).
- PostgreSQL: a GIN expression index on `to_tsvector('english', title)` (Snowball stemming; accents are
  kept and English stop words are not indexed, unlike SQLite).

Both are created if missing whenever the schema is created, and a new SQLite index is filled from the
rows already stored."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .schema import metadata

FTS_TABLE = "search_fts"
KEYS_TABLE = "search_keys"
PG_CONFIG = "english"
PG_VECTOR = f"to_tsvector('{PG_CONFIG}'::regconfig, title)"

_SEARCHED = "('page', 'database', 'data_source')"

_SQLITE_DDL = [
    f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (key INTEGER PRIMARY KEY, node_id VARCHAR(36) NOT NULL UNIQUE)",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER IF NOT EXISTS search_nodes_insert AFTER INSERT ON nodes
        WHEN new.kind IN {_SEARCHED}
        BEGIN
            INSERT INTO {KEYS_TABLE} (node_id) VALUES (new.id);
            INSERT INTO {FTS_TABLE} (rowid, title)
                VALUES ((SELECT key FROM {KEYS_TABLE} WHERE node_id = new.id), new.title);
        END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_nodes_title AFTER UPDATE OF title ON nodes
        WHEN old.title IS NOT new.title
        BEGIN
            UPDATE {FTS_TABLE} SET title = new.title
                WHERE rowid = (SELECT key FROM {KEYS_TABLE} WHERE node_id = new.id);
        END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_nodes_delete AFTER DELETE ON nodes
        BEGIN
            DELETE FROM {FTS_TABLE} WHERE rowid = (SELECT key FROM {KEYS_TABLE} WHERE node_id = old.id);
            DELETE FROM {KEYS_TABLE} WHERE node_id = old.id;
        END""",
]

_SQLITE_FILL = [
    f"INSERT INTO {KEYS_TABLE} (node_id) SELECT id FROM nodes WHERE kind IN {_SEARCHED}",
    f"INSERT INTO {FTS_TABLE} (rowid, title) SELECT k.key, n.title FROM {KEYS_TABLE} k JOIN nodes n ON n.id = k.node_id",
]

_PG_DDL = [f"CREATE INDEX IF NOT EXISTS ix_nodes_title_words ON nodes USING gin ({PG_VECTOR})"]


@sa.event.listens_for(metadata, "after_create")
def _create_word_index(target: sa.MetaData, connection: sa.engine.Connection, **_kw: Any) -> None:
    dialect = connection.dialect.name
    if dialect == "sqlite":
        fresh = not sa.inspect(connection).has_table(FTS_TABLE)
        for ddl in _SQLITE_DDL:
            connection.exec_driver_sql(ddl)
        if fresh:
            for fill in _SQLITE_FILL:
                connection.exec_driver_sql(fill)
    elif dialect == "postgresql":
        for ddl in _PG_DDL:
            connection.exec_driver_sql(ddl)
