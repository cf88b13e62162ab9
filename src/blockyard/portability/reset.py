"""Emptying a workspace's content, for test suites that start each case clean.

Removes every page, database, data source and block (with their query-index rows) and every grant:
grants name objects, and those objects are gone. Kept: the workspace, its people and bots, its
integrations and their tokens and capabilities, and the event log. Share a new root page with an
integration after a reset (or import with `--share`)."""

from __future__ import annotations

import sqlalchemy as sa

from ..access.admin import Workspace
from ..store.engine import Tx
from ..store.schema import grants, nodes
from ..store.schema_extra import metadata

_KEEP = {"workspaces", "users", "integrations", "tokens", "events", "schema_version", "request_log", "rate_buckets"}


def reset_workspace(tx: Tx, ws: Workspace) -> dict[str, int]:
    """Deletes the workspace's content; returns how many rows went from each table."""
    counts: dict[str, int] = {}
    node_ids = sa.select(nodes.c.id).where(nodes.c.workspace_id == ws.id).scalar_subquery()
    # Tables of other capabilities keyed by a node (the query index, ...): rows of this workspace's nodes.
    for table in metadata.sorted_tables:
        if table.name in _KEEP or table.name in ("nodes", "grants"):
            continue
        if "workspace_id" in table.c:
            result = tx.execute(table.delete().where(table.c.workspace_id == ws.id))
        else:
            keys = [c for c in ("page_id", "data_source_id", "node_id", "block_id") if c in table.c]
            if not keys:
                continue
            result = tx.execute(table.delete().where(table.c[keys[0]].in_(node_ids)))
        counts[str(table.name)] = result.rowcount or 0
    counts["grants"] = tx.execute(grants.delete().where(grants.c.workspace_id == ws.id)).rowcount or 0
    counts["nodes"] = tx.execute(nodes.delete().where(nodes.c.workspace_id == ws.id)).rowcount or 0
    tx.cache.clear()
    return counts
