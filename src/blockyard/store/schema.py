"""Tables. Every row belongs to one workspace; nothing crosses workspaces.

Pages, blocks, databases and data sources are all `nodes`: one tree with an explicit,
gap-friendly order key per parent, so listing children is an index range scan and
inserting after any block is O(1). Type-specific content is a JSON document in `data`.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Order keys compare byte-wise on every backend.
OrderKey = sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql")
Id = sa.String(36)

workspaces = sa.Table(
    "workspaces",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_time", sa.BigInteger, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("workspace_id", Id, sa.ForeignKey("workspaces.id"), nullable=False, index=True),
    sa.Column("type", sa.String(10), nullable=False),  # person | bot
    sa.Column("name", sa.String(200)),
    sa.Column("avatar_url", sa.Text),
    sa.Column("email", sa.String(200)),
    sa.Column("is_owner", sa.Boolean, nullable=False, default=False),
    sa.Column("integration_id", Id),  # bots only
    sa.Column("created_time", sa.BigInteger, nullable=False),
)

integrations = sa.Table(
    "integrations",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("workspace_id", Id, sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False, default="internal"),  # internal | public
    sa.Column("bot_user_id", Id, nullable=False),
    sa.Column("capabilities", sa.Text, nullable=False),  # JSON list of capability names
    sa.Column("created_by", Id),
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("workspace_id", "name", name="uq_integrations_name"),
)

tokens = sa.Table(
    "tokens",
    metadata,
    # SHA-256 of the token: tokens are long random strings, so a fast hash is the right one,
    # and looking up by hash never compares the secret itself.
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("workspace_id", Id, sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # integration | personal
    sa.Column("integration_id", Id, index=True),
    sa.Column("user_id", Id, nullable=False),  # the bot user, or the person for personal tokens
    sa.Column("hint", sa.String(12), nullable=False),  # last characters, to tell tokens apart
    sa.Column("created_time", sa.BigInteger, nullable=False),
)

grants = sa.Table(
    "grants",
    metadata,
    sa.Column("integration_id", Id, primary_key=True),
    sa.Column("object_id", Id, primary_key=True),
    sa.Column("workspace_id", Id, nullable=False),
    sa.Column("access", sa.String(10), nullable=False),  # view | comment | edit | full
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Index("ix_grants_object", "object_id"),
)

nodes = sa.Table(
    "nodes",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("workspace_id", Id, sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),  # page | database | data_source | block
    sa.Column("type", sa.String(32), nullable=False),  # block type (child_page, child_database, data_source, paragraph, ...)
    sa.Column("parent_type", sa.String(16), nullable=False),  # workspace | page_id | block_id | database_id | data_source_id
    sa.Column("parent_id", Id),
    sa.Column("sort_key", OrderKey, nullable=False),
    sa.Column("in_trash", sa.Boolean, nullable=False, default=False),
    sa.Column("trash_root", Id),  # the object whose trashing trashed this one; restoring it restores these
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Column("created_by", Id, nullable=False),
    sa.Column("last_edited_time", sa.BigInteger, nullable=False),
    sa.Column("last_edited_by", Id, nullable=False),
    sa.Column("title", sa.Text, nullable=False, default=""),  # plain title of pages/databases, lowercased, for search
    sa.Column("data", sa.Text, nullable=False),  # JSON document of the type-specific content
    sa.Index("ix_nodes_children", "parent_id", "sort_key"),
    # Search walks this in (last_edited_time, id) order, the whole of its ORDER BY, and stops at a page.
    sa.Index("ix_nodes_search", "workspace_id", "kind", "last_edited_time", "id"),
    sa.Index("ix_nodes_trash_root", "trash_root"),
)

# Every change, recorded in the transaction that made it: the webhook outbox and audit trail.
events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("id", Id, nullable=False),
    sa.Column("workspace_id", Id, nullable=False),
    sa.Column("type", sa.String(64), nullable=False),  # page.created, page.properties_updated, ...
    sa.Column("entity_id", Id, nullable=False),
    sa.Column("entity_type", sa.String(16), nullable=False),
    sa.Column("author_id", Id, nullable=False),
    sa.Column("timestamp", sa.BigInteger, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Index("ix_events_workspace", "workspace_id", "seq"),
)
