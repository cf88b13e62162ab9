"""Webhooks: subscriptions, the delivery outbox (one row per event and subscription) and the delivery log.

`events` (schema.py) records every change once; a change reaches a subscription as a row of
`webhook_deliveries`, written in the same transaction when the subscription's integration could see the
entity at that moment. The deliverer claims due rows, POSTs them and logs each attempt in `webhook_attempts`.
Finished rows leave the due index (a partial index), so a long history costs the deliverer nothing."""

from __future__ import annotations

import sqlalchemy as sa

from .schema import Id, metadata

SeqType = sa.BigInteger().with_variant(sa.Integer, "sqlite")

webhook_subscriptions = sa.Table(
    "webhook_subscriptions",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("workspace_id", Id, sa.ForeignKey("workspaces.id"), nullable=False, index=True),
    sa.Column("integration_id", Id, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("event_types", sa.Text, nullable=False),  # JSON list; [] means every type
    sa.Column("api_version", sa.String(10), nullable=False),
    # The HMAC key of every delivery. Unlike API tokens it must be kept as is: signing needs it.
    sa.Column("verification_token", sa.Text, nullable=False),
    sa.Column("state", sa.String(12), nullable=False),  # unverified | active | paused
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Column("verified_time", sa.BigInteger),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("seq", SeqType, primary_key=True, autoincrement=True),
    sa.Column("id", Id, nullable=False, unique=True),  # the event id the receiver sees
    sa.Column("workspace_id", Id, nullable=False),
    sa.Column("subscription_id", Id, nullable=False),
    sa.Column("type", sa.String(64), nullable=False),  # as delivered (per the subscription's version); "verification"
    sa.Column("entity_id", Id, nullable=False),
    sa.Column("entity_type", sa.String(16), nullable=False),
    sa.Column("authors", sa.Text, nullable=False),  # JSON [{id, type}]
    sa.Column("data", sa.Text, nullable=False),  # JSON: the event's `data` (with its followers' folded in)
    sa.Column("timestamp", sa.BigInteger, nullable=False),  # ms: the latest change it announces
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Column("state", sa.String(10), nullable=False),  # pending | claimed | delivered | failed | merged (aggregated)
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.BigInteger, nullable=False),
    sa.Column("claimed_until", sa.BigInteger),  # a claim past this lease is free again (a killed deliverer)
    sa.Column("last_status", sa.Integer),
    sa.Column("finished_time", sa.BigInteger),
    # What is due: only unfinished rows are in it.
    sa.Index("ix_webhook_deliveries_due", "next_attempt_at", "seq",
             sqlite_where=sa.text("state IN ('pending', 'claimed')"),
             postgresql_where=sa.text("state IN ('pending', 'claimed')")),
    # Per-entity order and aggregation: the unfinished rows of a subscription and entity.
    sa.Index("ix_webhook_deliveries_entity", "subscription_id", "entity_id", "seq",
             sqlite_where=sa.text("state IN ('pending', 'claimed')"),
             postgresql_where=sa.text("state IN ('pending', 'claimed')")),
    # Pruning. A request's insert touches only the indexes above (every index is written on each insert);
    # the delivery log walks the primary key backwards.
    sa.Index("ix_webhook_deliveries_finished", "finished_time",
             sqlite_where=sa.text("finished_time IS NOT NULL"), postgresql_where=sa.text("finished_time IS NOT NULL")),
)

webhook_attempts = sa.Table(
    "webhook_attempts",
    metadata,
    sa.Column("seq", SeqType, primary_key=True, autoincrement=True),
    sa.Column("delivery_seq", sa.BigInteger, nullable=False, index=True),
    sa.Column("attempt_number", sa.Integer, nullable=False),
    sa.Column("started_time", sa.BigInteger, nullable=False),
    sa.Column("duration_ms", sa.Float, nullable=False),
    sa.Column("status", sa.Integer),  # None: no answer (time-out, refused)
    sa.Column("error", sa.Text),
    sa.Column("response_excerpt", sa.Text),  # at most 1,000 characters of the answer
)
