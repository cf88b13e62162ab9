"""Events, recorded in the transaction of the change they announce.

Domain code calls `record` (or `snapshot` before and `changed` after an update, which work out what
changed) once per change site. Each call writes one row of `events` and, for every subscription whose
integration can reach the entity right now with the capability the event needs, a row of
`webhook_deliveries` shaped for that subscription's API version. A rolled-back request thus announces
nothing, and a committed one always has its deliveries.

`content_updated`, `properties_updated` and `schema_updated` aggregate: their deliveries wait for the window, and
the deliverer folds the ones that follow for the same entity and type into the first (see delivery.py), so
that a request only ever inserts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson

from .. import ids
from ..access import capabilities as caps
from ..store import nodes as store_nodes
from ..store.nodes import Node

if TYPE_CHECKING:
    from ..context import Ctx

_ENTITY = ("created", "deleted", "undeleted", "moved")
# Every type a subscription may ask for, in Notion's order.
EVENT_TYPES: tuple[str, ...] = (
    *(f"page.{a}" for a in (*_ENTITY, "content_updated", "properties_updated", "locked", "unlocked")),
    "page.transcription_block.transcript_deleted",
    *(f"database.{a}" for a in (*_ENTITY, "content_updated", "schema_updated")),
    *(f"data_source.{a}" for a in (*_ENTITY, "content_updated", "schema_updated")),
    "comment.created", "comment.updated", "comment.deleted",
    # Emitted once file uploads and views exist; subscribing to them is already allowed.
    "file_upload.created", "file_upload.completed", "file_upload.expired", "file_upload.upload_failed",
    "view.created", "view.updated", "view.deleted",
)
AGGREGATED = frozenset(t for t in EVENT_TYPES if t.rsplit(".", 1)[1] in
                       ("content_updated", "properties_updated", "schema_updated"))
# Types that only exist from 2025-09-03 on, and those that version deprecates (not sent to its subscriptions).
NEW_IN_2025 = frozenset(t for t in EVENT_TYPES if t.startswith("data_source."))
DEPRECATED_IN_2025 = frozenset({"database.content_updated", "database.schema_updated"})
_CAPABILITY = {"comment": caps.READ_COMMENTS}
_QUIET = ("webhooks", "quiet")
# An aggregated event lists at most this many blocks or properties (the latest): receivers fetch the
# current state anyway, and a busy window must not make each change rewrite an ever longer list.
MAX_MERGED = 500


def quiet(ctx: "Ctx") -> None:
    """Changes in this transaction announce nothing (for bulk writers that run domain code, as imports would)."""
    ctx.tx.cache[_QUIET] = True


# --- what a subscription sees ------------------------------------------------------------------

@dataclass(slots=True)
class _Sub:
    id: str
    integration_id: str
    version: str
    types: frozenset[str]
    capabilities: frozenset[str]


# The three statements every change runs go straight to the driver (as the store's BEGIN does): SQLAlchemy's
# statement machinery would cost more than running them, and recording must stay cheap beside the change.
# Written with `?`; PostgreSQL's driver takes `%s`.
#
# The subscriptions whose integration reaches the node, through a grant on it or an ancestor, as of now;
# the walk up the tree runs only when the workspace has a subscription.
_AUDIENCE = """
    WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM nodes WHERE id = ? AND workspace_id = ?
        UNION ALL
        SELECT n.id, n.parent_id, up.depth + 1 FROM nodes n JOIN up ON n.id = up.parent_id
        WHERE up.depth < 200
    )
    SELECT s.id, s.integration_id, s.api_version, s.event_types, i.capabilities
    FROM webhook_subscriptions s JOIN integrations i ON i.id = s.integration_id
    WHERE s.workspace_id = ? AND s.state != 'unverified'
      AND EXISTS (SELECT 1 FROM up JOIN grants g ON g.object_id = up.id WHERE g.integration_id = s.integration_id)
"""
# Objects outside the tree (file uploads) are seen by the integration that made them.
_AUDIENCE_OF = """
    SELECT s.id, s.integration_id, s.api_version, s.event_types, i.capabilities
    FROM webhook_subscriptions s JOIN integrations i ON i.id = s.integration_id
    WHERE s.workspace_id = ? AND s.state != 'unverified' AND s.integration_id = ?
"""
_RECORD = ("INSERT INTO events (id, workspace_id, type, entity_id, entity_type, author_id, timestamp, data) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_DELIVERY = ("INSERT INTO webhook_deliveries (id, workspace_id, subscription_id, type, entity_id, entity_type, "
             "authors, data, timestamp, created_time, state, attempts, next_attempt_at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)")


def _run(ctx: "Ctx", sql: str, params: tuple[Any, ...]) -> Any:
    raw = ctx.tx.conn.connection.driver_connection
    return raw.execute(sql if ctx.tx.is_sqlite else sql.replace("?", "%s"), params)


def _audience(ctx: "Ctx", node_id: str | None, integration_id: str | None = None) -> list[_Sub]:
    key = ("webhooks", "audience", node_id, integration_id)
    subs = ctx.tx.cache.get(key)
    if subs is None:
        ws = ctx.principal.workspace_id
        if node_id is not None:
            rows = _run(ctx, _AUDIENCE, (node_id, ws, ws)).fetchall()
        else:
            rows = _run(ctx, _AUDIENCE_OF, (ws, integration_id)).fetchall()
        subs = [_Sub(r[0], r[1], r[2], frozenset(orjson.loads(r[3])), frozenset(orjson.loads(r[4]))) for r in rows]
        ctx.tx.cache[key] = subs
    return subs


def _for_version(version: str, kind: str, entity: dict[str, str], data: dict[str, Any]) -> tuple[str, dict[str, str], dict[str, Any]] | None:
    """The event as a subscription of `version` receives it, or None when that version has no such event."""
    if version >= "2025-09-03":
        if kind in DEPRECATED_IN_2025:
            return None
        return kind, entity, data
    if kind in NEW_IN_2025:
        if kind not in ("data_source.content_updated", "data_source.schema_updated"):
            return None
        # Before data sources, their rows and schema were the database's.
        kind = kind.replace("data_source.", "database.")
        entity = {"id": data["parent"]["id"], "type": "database"}
        data = {**data, "parent": data.get("database_parent", data["parent"])}
    parent = data.get("parent")
    if isinstance(parent, dict) and "data_source_id" in parent:
        data = {**data, "parent": {k: val for k, val in parent.items() if k != "data_source_id"}}
    return kind, entity, data


# --- recording -----------------------------------------------------------------------------------

def record_entity(ctx: "Ctx", kind: str, entity_id: str, entity_type: str, reach_id: str | None,
                  data: dict[str, Any], *, integration_id: str | None = None) -> None:
    """Record one change of `entity_id`. `reach_id` is the node whose reach decides who hears of it (a view's
    database, a comment's parent); for objects outside the tree (file uploads) pass None and the
    `integration_id` that owns the object."""
    tx = ctx.tx
    if tx.cache.get(_QUIET):
        return
    created = tx.cache.setdefault(("webhooks", "created"), set())
    if kind in AGGREGATED and entity_id in created:
        return  # a page created with content is announced by page.created alone
    if kind.endswith(".created"):
        created.add(entity_id)
    now = tx.now
    p = ctx.principal
    author = {"id": p.user_id, "type": "person" if p.is_personal else "bot"}
    _run(ctx, _RECORD, (ids.new_id(), p.workspace_id, kind, entity_id, entity_type, p.user_id, now,
                        orjson.dumps(data).decode()))
    subs = _audience(ctx, reach_id, integration_id)
    if not subs:
        return
    need = _CAPABILITY.get(entity_type, caps.READ_CONTENT)
    settings = getattr(ctx.app, "settings", None)
    window = int(getattr(settings, "webhook_aggregation_seconds", 10.0) * 1000)
    for sub in subs:
        if need not in sub.capabilities:
            continue
        shaped = _for_version(sub.version, kind, {"id": entity_id, "type": entity_type}, data)
        if shaped is None:
            continue
        sub_kind, entity, sub_data = shaped
        if sub.types and sub_kind not in sub.types:
            continue
        sub_data = {k: val for k, val in sub_data.items() if k != "database_parent"}
        _run(ctx, _DELIVERY, (ids.new_id(), p.workspace_id, sub.id, sub_kind, entity["id"], entity["type"],
                              orjson.dumps([author]).decode(), orjson.dumps(sub_data).decode(), now, now,
                              now + window if sub_kind in AGGREGATED else now))
    wake = getattr(ctx.app, "wake_webhooks", None)
    if wake is not None:
        wake()


def fold(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Two aggregated events' `data` as one: the later parent, and the lists joined (the latest MAX_MERGED)."""
    merged = {**old, **{k: val for k, val in new.items() if k not in ("updated_blocks", "updated_properties")}}
    for field in ("updated_blocks", "updated_properties"):
        if field in old or field in new:
            merged[field] = _union(old.get(field, []), new.get(field, []))[-MAX_MERGED:]
    return merged


def _union(old: list[Any], new: list[Any]) -> list[Any]:
    def key(item: Any) -> Any:
        return item.get("id") if isinstance(item, dict) else item

    out = {key(i): i for i in old}
    for item in new:
        k = key(item)
        if k in out and isinstance(item, dict) and isinstance(out[k], dict) and out[k].get("action") == "created":
            if item.get("action") == "deleted":
                del out[k]
            continue
        out[k] = item
    return list(out.values())


# --- node events -----------------------------------------------------------------------------------

def parent_of(ctx: "Ctx", node: Node) -> dict[str, Any]:
    """`data.parent` as Notion's events carry it; data_source_id is dropped for 2022-06-28 subscribers."""
    pt, pid = node.parent_type, node.parent_id
    if pt == "workspace" or pid is None:
        return {"id": ctx.principal.workspace_id, "type": "space"}
    if pt == "data_source_id":
        ds = store_nodes.get(ctx.tx, node.workspace_id, pid)
        return {"id": ds.parent_id if ds is not None else pid, "type": "database", "data_source_id": pid}
    if pt == "database_id":
        return {"id": pid, "type": "database"}
    parent = store_nodes.get(ctx.tx, node.workspace_id, pid)
    if parent is not None and parent.kind == "page":
        return {"id": pid, "type": "page"}
    return {"id": pid, "type": "block"}


def _page_of(ctx: "Ctx", node: Node) -> Node | None:
    if node.kind == "page":
        return node
    for ancestor in store_nodes.ancestors(ctx.tx, node):
        if ancestor.kind == "page":
            return ancestor
        if ancestor.kind != "block":
            return None
    return None


def record(ctx: "Ctx", kind: str, node: Node, **data: Any) -> None:
    """Record `kind` (page.*, database.*, data_source.*) for the node, with extra `data` fields."""
    payload = {"parent": parent_of(ctx, node), **data}
    if node.kind == "data_source":
        db = store_nodes.get(ctx.tx, node.workspace_id, node.parent_id) if node.parent_id else None
        if db is not None:
            payload["database_parent"] = parent_of(ctx, db)
    record_entity(ctx, kind, node.id, node.kind, node.id, payload)
    # A row created, trashed, restored or moved changes its data source's content too.
    if node.kind == "page" and node.parent_type == "data_source_id" and kind.rsplit(".", 1)[1] in _ENTITY:
        ds = store_nodes.get(ctx.tx, node.workspace_id, node.parent_id)
        if ds is not None:
            record(ctx, "data_source.content_updated", ds, updated_blocks=[{"id": node.id, "type": "page"}])


def blocks_changed(ctx: "Ctx", nodes: list[Node]) -> None:
    """page.content_updated for the page these blocks are on (blocks only; pages announce themselves)."""
    changed = [n for n in nodes if n.kind == "block"]
    if not changed:
        return
    page = _page_of(ctx, changed[0])
    if page is None:
        return
    record(ctx, "page.content_updated", page, updated_blocks=[{"id": n.id, "type": "block"} for n in changed])


@dataclass(slots=True)
class Snapshot:
    in_trash: bool
    parent_id: str | None
    data: dict[str, Any]


def snapshot(node: Node) -> Snapshot:
    """What `changed` compares against; take it before the update touches the node."""
    return Snapshot(node.in_trash, node.parent_id, node.data)


def changed(ctx: "Ctx", node: Node, before: Snapshot) -> None:
    """Record what an update did to the node: trashed, restored, moved, locked, its properties or schema."""
    prefix = node.kind if node.kind != "block" else None
    if prefix is None:
        if before.in_trash != node.in_trash or before.data is not node.data and before.data != node.data:
            blocks_changed(ctx, [node])
        return
    if before.in_trash != node.in_trash:
        record(ctx, f"{prefix}.{'deleted' if node.in_trash else 'undeleted'}", node)
    if before.parent_id != node.parent_id:
        record(ctx, f"{prefix}.moved", node)
    if node.kind == "page":
        if bool(before.data.get("is_locked")) != bool(node.data.get("is_locked")):
            record(ctx, "page.locked" if node.data.get("is_locked") else "page.unlocked", node)
        old, new = before.data.get("properties", {}), node.data.get("properties", {})
        updated = [_prop_id(pid) for pid in {**old, **new} if old.get(pid) != new.get(pid)]
        if updated and not (node.in_trash and before.in_trash):
            record(ctx, "page.properties_updated", node, updated_properties=updated)
    elif node.kind == "data_source":
        updated = _schema_diff(before.data.get("properties", {}), node.data.get("properties", {}))
        if updated:
            record(ctx, "data_source.schema_updated", node, updated_properties=updated)


def _prop_id(pid: str) -> str:
    return quote(pid, safe="-_.!~*'()")


def _schema_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for pid, prop in new.items():
        if pid not in old:
            out.append({"id": _prop_id(pid), "name": prop.get("name"), "action": "created"})
        elif old[pid] != prop:
            out.append({"id": _prop_id(pid), "name": prop.get("name"), "action": "updated"})
    for pid, prop in old.items():
        if pid not in new:
            out.append({"id": _prop_id(pid), "name": prop.get("name"), "action": "deleted"})
    return out
