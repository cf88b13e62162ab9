"""File uploads, their attachments to comments, custom emojis and the store's URL-signing key.

Bytes never live here: a row names its object in the file storage (files/storage.py) by the upload's
ID. `expiry_time` is null once an upload is attached; a pending or uploaded row whose expiry has passed
reads as `expired`, and the sweeper removes its bytes."""

from __future__ import annotations

import sqlalchemy as sa

from .schema import Id, metadata

file_uploads = sa.Table(
    "file_uploads",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("workspace_id", Id, sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("owner_id", Id, nullable=False),  # the bot (or person, for personal tokens) that created it
    sa.Column("owner_type", sa.String(8), nullable=False),  # person | bot
    sa.Column("mode", sa.String(16), nullable=False),  # single_part | multi_part | external_url
    sa.Column("status", sa.String(10), nullable=False),  # pending | uploaded | failed (expired is read from expiry_time)
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Column("last_edited_time", sa.BigInteger, nullable=False),
    sa.Column("expiry_time", sa.BigInteger),  # null once attached
    sa.Column("filename", sa.Text),
    sa.Column("content_type", sa.String(255)),
    sa.Column("content_length", sa.BigInteger),
    sa.Column("number_of_parts", sa.Integer),
    sa.Column("parts", sa.Text, nullable=False, default="{}"),  # JSON {part_number: size} of parts received
    sa.Column("external_url", sa.Text),
    sa.Column("import_result", sa.Text),  # JSON file_import_result, for external_url imports
    sa.Column("claimed_time", sa.BigInteger),  # when an importer took this external_url upload
    sa.Column("bytes_removed", sa.Boolean, nullable=False, default=False),  # the sweeper deleted its bytes
    sa.Index("ix_file_uploads_owner", "workspace_id", "owner_id", "created_time", "id"),
    # The sweeper finds expired uploads whose bytes are still kept.
    sa.Index("ix_file_uploads_expiry", "bytes_removed", "expiry_time"),
    # The background importer finds external_url uploads still pending.
    sa.Index("ix_file_uploads_mode", "mode", "status"),
)

# Comment attachments, in the order given (at most three a comment).
comment_attachments = sa.Table(
    "comment_attachments",
    metadata,
    sa.Column("comment_id", Id, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("upload_id", Id, nullable=False),
)

custom_emojis = sa.Table(
    "custom_emojis",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("workspace_id", Id, sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("workspace_id", "name", name="uq_custom_emojis_name"),
)

# Secrets kept per store: the key that signs download URLs. Never logged or shown.
file_secrets = sa.Table(
    "file_secrets",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)
