"""The typed property index that data-source queries run on (see `query/index.py`).

One row per indexed value of a page property: scalars at position 0, list elements (multi_select,
people, relation, files, rollup arrays) at 0..n-1. An empty value has no rows, so `is_empty` is
NOT EXISTS and negative conditions include empty values, as Notion's do."""

from __future__ import annotations

import sqlalchemy as sa

from .schema import Id, metadata

# Btree entries have a size cap on PostgreSQL, so equality and prefix lookups go through this prefix.
TEXT_KEY_LEN = 128
# Natural sort keys (see `query/index.py: natural_key`) are cut to this length for the same reason;
# sorts break ties on the full folded text.
SORT_KEY_LEN = 128
# Sort keys compare by code point on every backend, as SQLite's do.
SortKey = sa.String(SORT_KEY_LEN).with_variant(sa.String(SORT_KEY_LEN, collation="C"), "postgresql")

property_values = sa.Table(
    "property_values",
    metadata,
    sa.Column("page_id", Id, primary_key=True),
    sa.Column("property_id", sa.String(255), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("data_source_id", Id, nullable=False),
    sa.Column("text", sa.Text),  # plain text, option name, file name
    sa.Column("text_lower", sa.Text),  # case-folded, for text conditions and sorting
    sa.Column("text_key", sa.String(TEXT_KEY_LEN)),  # indexed prefix of text_lower
    sa.Column("text_sort", SortKey),  # natural sort key of text_lower: "item 4" before "item 10"
    sa.Column("number", sa.Float),  # number, unique_id number, option position (for sorting)
    sa.Column("date_start", sa.BigInteger),  # ms since epoch, UTC
    sa.Column("date_end", sa.BigInteger),
    sa.Column("flag", sa.Boolean),  # checkbox; for dates: the start is a date without time
    sa.Column("ref", sa.String(64)),  # user, page or option ID
    # Each index ends with page_id, so a condition's pages come from the index alone.
    sa.Index("ix_pv_text", "data_source_id", "property_id", "text_key", "page_id"),
    sa.Index("ix_pv_number", "data_source_id", "property_id", "number", "page_id"),
    sa.Index("ix_pv_date", "data_source_id", "property_id", "date_start", "page_id"),
    sa.Index("ix_pv_ref", "data_source_id", "property_id", "ref", "page_id"),
    sa.Index("ix_pv_flag", "data_source_id", "property_id", "flag", "page_id"),
    # Sorted queries walk these in order (number, date_start, text_sort, ref) and stop at the page size.
    sa.Index("ix_pv_sort", "data_source_id", "property_id", "text_sort", "page_id"),
    # Clustered on (page, property) on SQLite: probing one page's value reads one b-tree.
    sqlite_with_rowid=False,
)
