"""Tables of `limits/`: rate-limit buckets shared by every worker, and the request log."""

from __future__ import annotations

import sqlalchemy as sa

from .schema import Id, metadata

# One token bucket per key ("i:<integration or user id>", "w:<workspace id>"). Requests spend a
# token each with one conditional UPDATE, so concurrent workers never overspend.
rate_buckets = sa.Table(
    "rate_buckets",
    metadata,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("tokens", sa.Float, nullable=False),
    sa.Column("updated_ms", sa.Float, nullable=False),  # the database's clock, ms since the epoch
)

# Who called what, when, and how it ended. Never tokens, never bodies.
request_log = sa.Table(
    "request_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("time", sa.BigInteger, nullable=False),  # ms since the epoch; grows with id, so no index
    sa.Column("request_id", sa.String(36), nullable=False),
    sa.Column("workspace_id", Id),
    sa.Column("integration_id", Id),
    sa.Column("integration", sa.String(200)),  # the integration's name, or "personal" for personal tokens
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.String(2000), nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("duration_ms", sa.Float, nullable=False),
    sa.Column("error_code", sa.String(64)),
)
