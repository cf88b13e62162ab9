"""Tables of `web/`: accounts that sign in to the browser UI, their sessions, memberships and invites."""

from __future__ import annotations

import sqlalchemy as sa

from .schema import Id, metadata

# A person who signs in with email and password. The password is kept as an Argon2 hash only.
web_accounts = sa.Table(
    "web_accounts",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),  # lowercased
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_time", sa.BigInteger, nullable=False),
)

# An account's place in a workspace: the person user it acts as there, and whether it owns it.
web_members = sa.Table(
    "web_members",
    metadata,
    sa.Column("account_id", Id, sa.ForeignKey("web_accounts.id"), primary_key=True),
    sa.Column("workspace_id", Id, sa.ForeignKey("workspaces.id"), primary_key=True),
    sa.Column("user_id", Id, nullable=False),
    sa.Column("role", sa.String(10), nullable=False),  # owner | member
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Index("ix_web_members_workspace", "workspace_id"),
)

# Signed-in browsers. The cookie holds a random token; only its SHA-256 digest is stored.
web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("account_id", Id, sa.ForeignKey("web_accounts.id"), nullable=False),
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Column("expires_time", sa.BigInteger, nullable=False),
    sa.Index("ix_web_sessions_account", "account_id"),
)

# Failed sign-ins, by email and by client address, counted over a sliding window.
web_login_failures = sa.Table(
    "web_login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(400), nullable=False),  # "email:<address>" or "ip:<address>"
    sa.Column("time", sa.BigInteger, nullable=False),
    sa.Index("ix_web_login_failures_key", "key", "time"),
)

# Invite links to a workspace; the link's token is stored as its digest.
web_invites = sa.Table(
    "web_invites",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("workspace_id", Id, sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("created_by", Id, nullable=False),
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Column("expires_time", sa.BigInteger, nullable=False),
    sa.Column("used_by", Id),
)
