"""Views of databases (table, board, calendar, ...) and the snapshots their queries keep.

A view belongs to a database and shows one of its data sources (a dashboard shows none; its widgets are
views of their own, pointing back at it). `sort_key` orders a database's views as its tabs. A view query
keeps the page IDs it found, so that paging through it is stable, until `expires_at`."""

from __future__ import annotations

import sqlalchemy as sa

from .schema import Id, OrderKey, metadata

views = sa.Table(
    "views",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("workspace_id", Id, nullable=False),
    sa.Column("database_id", Id, nullable=False),
    sa.Column("data_source_id", Id, nullable=True),
    sa.Column("dashboard_view_id", Id, nullable=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("sort_key", OrderKey, nullable=False),
    # JSON: filter, sorts, quick_filters, configuration (and a dashboard's rows)
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Column("created_by", Id, nullable=False),
    sa.Column("last_edited_time", sa.BigInteger, nullable=False),
    sa.Column("last_edited_by", Id, nullable=False),
    sa.Index("ix_views_database", "database_id", "sort_key"),
    sa.Index("ix_views_data_source", "data_source_id", "id"),
    sa.Index("ix_views_dashboard", "dashboard_view_id"),
)

view_queries = sa.Table(
    "view_queries",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("view_id", Id, nullable=False),
    sa.Column("workspace_id", Id, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
    sa.Column("page_ids", sa.Text, nullable=False),  # JSON array, in the view's order
    sa.Column("cut", sa.Boolean, nullable=False, default=False),  # the 10,000-row ceiling cut it short
    sa.Index("ix_view_queries_expiry", "expires_at"),
)
