"""Comments: one row per comment, grouped into discussions.

A discussion has no row of its own: it is the set of comments sharing a `discussion_id`, and its
parent is theirs. Deleted comments keep their row (`deleted`), so their IDs answer 404 from then on
without ever being reused."""

from __future__ import annotations

import sqlalchemy as sa

from .schema import Id, metadata

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("workspace_id", Id, sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("discussion_id", Id, nullable=False),
    sa.Column("parent_type", sa.String(16), nullable=False),  # page_id | block_id
    sa.Column("parent_id", Id, nullable=False),
    sa.Column("page_id", Id, nullable=False),  # the page the parent is or is on (webhook events)
    # ms since the epoch; strictly increasing per parent, so listing order is creation order
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Column("created_by", Id, nullable=False),
    sa.Column("last_edited_time", sa.BigInteger, nullable=False),
    sa.Column("rich_text", sa.Text, nullable=False),  # JSON: the response form of the rich text
    sa.Column("display_name", sa.Text, nullable=False),  # JSON: {type, resolved_name}
    sa.Column("deleted", sa.Boolean, nullable=False, default=False),
    sa.Index("ix_comments_parent", "parent_id", "created_time"),
    sa.Index("ix_comments_discussion", "discussion_id"),
)
