"""Tables of `oauth/`: public integrations' OAuth clients, the installs people authorize, their
authorization codes and refresh tokens. Secrets, codes and refresh tokens are kept as SHA-256 digests."""

from __future__ import annotations

import sqlalchemy as sa

from .schema import Id, metadata

# A public integration's OAuth client: the integration row (kind "public") it belongs to.
oauth_clients = sa.Table(
    "oauth_clients",
    metadata,
    sa.Column("client_id", Id, primary_key=True),
    sa.Column("integration_id", Id, sa.ForeignKey("integrations.id"), nullable=False, unique=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("secret_hint", sa.String(12), nullable=False),
    sa.Column("redirect_uris", sa.Text, nullable=False),  # JSON list, in the order registered
    sa.Column("template_page_id", Id),
    sa.Column("created_time", sa.BigInteger, nullable=False),
)

# One person's install of a public integration in one workspace: an integration row of its own
# (kind "oauth", with its bot user and grants), linked to the client it was authorized for.
oauth_installs = sa.Table(
    "oauth_installs",
    metadata,
    sa.Column("integration_id", Id, primary_key=True),
    sa.Column("client_id", Id, nullable=False),
    sa.Column("workspace_id", Id, nullable=False),
    sa.Column("owner_user_id", Id, nullable=False),  # the person who authorized it
    sa.Column("duplicated_template_id", Id),
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Index("ix_oauth_installs_client", "client_id"),
)

# Authorization codes: single use, short-lived. A used code stays until it expires, so reuse is recognised.
oauth_codes = sa.Table(
    "oauth_codes",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("client_id", Id, nullable=False),
    sa.Column("install_id", Id, nullable=False),
    sa.Column("redirect_uri", sa.Text),  # as the authorize request gave it; None when it gave none
    sa.Column("expires_time", sa.BigInteger, nullable=False),
    sa.Column("used_time", sa.BigInteger),
    sa.Column("access_hash", sa.String(64)),  # the access token the code was exchanged for
)

# Refresh tokens, each paired with the access token issued with it.
oauth_refresh_tokens = sa.Table(
    "oauth_refresh_tokens",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("client_id", Id, nullable=False),
    sa.Column("install_id", Id, nullable=False),
    sa.Column("access_hash", sa.String(64), nullable=False),
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Index("ix_oauth_refresh_access", "access_hash"),
    sa.Index("ix_oauth_refresh_install", "install_id"),
)
