"""Async tasks (`allow_async: true` markdown writes): one row per task, kept until it expires.

The request is kept with the caller it ran for, so a task survives a restart; its outcome is
written in the transaction that makes its change, so a task that finished is never run again."""

from __future__ import annotations

import sqlalchemy as sa

from .schema import Id, metadata

async_tasks = sa.Table(
    "async_tasks",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("workspace_id", Id, nullable=False),
    sa.Column("principal", sa.Text, nullable=False),  # JSON: who the task acts for (no token)
    sa.Column("owner_key", sa.String(64), nullable=False),  # integration ID or user ID: who may poll it
    sa.Column("api_version", sa.String(16), nullable=False),
    sa.Column("operation", sa.String(64), nullable=False),  # "PATCH /v1/pages/:page_id/markdown" | "POST /v1/pages"
    sa.Column("request", sa.Text, nullable=False),  # JSON: path parameters and body
    sa.Column("status", sa.String(16), nullable=False),  # queued | running | succeeded | failed
    sa.Column("created_time", sa.BigInteger, nullable=False),
    sa.Column("lease_until", sa.BigInteger, nullable=False, default=0),  # a running task's claim
    sa.Column("finished_time", sa.BigInteger, nullable=True),
    sa.Column("outcome", sa.Text, nullable=True),  # JSON: the result, or the error body
    sa.Index("ix_async_tasks_pending", "status", "lease_until"),
)
