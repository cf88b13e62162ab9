"""Events, recorded in the transaction of the change they announce.

Domain code calls `record` (or `snapshot` before and `changed` after an update, which work out what
changed) once per change site. Each call writes one row of `events` and, for every subscription whose
integration can reach the entity right now with the capability the event needs, a row of
`webhook_deliveries` shaped for that subscription's API version. A rolled-back request thus announces
nothing, and a committed one always has its deliveries.

`content_updated`, `properties_updated` and `schema_updated` aggregate: while the latest delivery of a
subscription and entity is of the same type and still waits for its window, the change is merged into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson
import sqlalchemy as sa

from .. import ids
from ..access import capabilities as caps
from ..store import nodes as store_nodes
from ..store.nodes import Node
from ..store.schema import events
from ..store.schema_webhooks import webhook_deliveries

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
    """Changes in this transaction announce nothing (imports, resets)."""
    ctx.tx.cache[_QUIET] = True


# --- what a subscription sees ------------------------------------------------------------------

@dataclass(slots=True)
class _Sub:
    id: str
    integration_id: str
    version: str
    types: frozenset[str]
    capabilities: frozenset[str]


# Statements are built once: building a SQLAlchemy statement costs more than running these on SQLite.
# The subscriptions whose integration reaches the node, through a grant on it or an ancestor, as of now;
# the walk up the tree runs only when the workspace has a subscription.
_AUDIENCE = sa.text(
    """
    WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM nodes WHERE id = :node AND workspace_id = :ws
        UNION ALL
        SELECT n.id, n.parent_id, up.depth + 1 FROM nodes n JOIN up ON n.id = up.parent_id
        WHERE up.depth < 200
    )
    SELECT s.id, s.integration_id, s.api_version, s.event_types, i.capabilities
    FROM webhook_subscriptions s JOIN integrations i ON i.id = s.integration_id
    WHERE s.workspace_id = :ws AND s.state != 'unverified'
      AND EXISTS (SELECT 1 FROM up JOIN grants g ON g.object_id = up.id WHERE g.integration_id = s.integration_id)
    """
)
_RECORD = events.insert()
_DELIVERY = webhook_deliveries.insert()


def _audience(ctx: "Ctx", node_id: str) -> list[_Sub]:
    key = ("webhooks", "audience", node_id)
    subs = ctx.tx.cache.get(key)
    if subs is None:
        rows = ctx.tx.execute(_AUDIENCE, {"node": node_id, "ws": ctx.principal.workspace_id}).all()
        subs = [_Sub(r.id, r.integration_id, r.api_version, frozenset(orjson.loads(r.event_types)),
                     frozenset(orjson.loads(r.capabilities))) for r in rows]
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

def record_entity(ctx: "Ctx", kind: str, entity_id: str, entity_type: str, reach_id: str, data: dict[str, Any]) -> None:
    """Record one change of `entity_id`; `reach_id` is the node whose reach decides who hears of it."""
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
    tx.execute(_RECORD, {
        "id": ids.new_id(), "workspace_id": p.workspace_id, "type": kind, "entity_id": entity_id,
        "entity_type": entity_type, "author_id": p.user_id, "timestamp": now, "data": orjson.dumps(data).decode(),
    })
    subs = _audience(ctx, reach_id)
    if not subs:
        return
    need = _CAPABILITY.get(entity_type, caps.READ_CONTENT)
    settings = getattr(ctx.app, "settings", None)
    window = int(getattr(settings, "webhook_aggregation_seconds", 2.0) * 1000)
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
        if sub_kind in AGGREGATED and _merge(ctx, sub.id, sub_kind, entity["id"], author, sub_data, now):
            continue
        tx.execute(_DELIVERY, {
            "id": ids.new_id(), "workspace_id": p.workspace_id, "subscription_id": sub.id, "type": sub_kind,
            "entity_id": entity["id"], "entity_type": entity["type"], "authors": orjson.dumps([author]).decode(),
            "data": orjson.dumps(sub_data).decode(), "timestamp": now, "created_time": now, "state": "pending",
            "attempts": 0, "next_attempt_at": now + window if sub_kind in AGGREGATED else now,
        })
    wake = getattr(ctx.app, "wake_webhooks", None)
    if wake is not None:
        wake()


# Spelled as the partial index's predicate, so that SQLite uses the index.
_UNFINISHED = sa.text("webhook_deliveries.state IN ('pending', 'claimed')")
_LATEST = (
    sa.select(webhook_deliveries.c.seq, webhook_deliveries.c.type, webhook_deliveries.c.state,
              webhook_deliveries.c.attempts, webhook_deliveries.c.authors, webhook_deliveries.c.data)
    .where(webhook_deliveries.c.subscription_id == sa.bindparam("sub"),
           webhook_deliveries.c.entity_id == sa.bindparam("entity"), _UNFINISHED)
    .order_by(webhook_deliveries.c.seq.desc()).limit(1)
    .with_for_update()  # PostgreSQL: two requests folding into one delivery take turns (SQLite has one writer)
)
# The state check again, in the statement: a deliverer may have claimed it since it was read.
_FOLD = (
    webhook_deliveries.update()
    .where(webhook_deliveries.c.seq == sa.bindparam("b_seq"), webhook_deliveries.c.state == "pending",
           webhook_deliveries.c.attempts == 0)
    .values(data=sa.bindparam("b_data"), authors=sa.bindparam("b_authors"), timestamp=sa.bindparam("b_timestamp"))
)


def _merge(ctx: "Ctx", sub_id: str, kind: str, entity_id: str, author: dict[str, str], data: dict[str, Any], now: int) -> bool:
    """Fold the change into the subscription's latest delivery for the entity, if that one still waits."""
    latest = ctx.tx.execute(_LATEST, {"sub": sub_id, "entity": entity_id}).first()
    if latest is None or latest.type != kind or latest.state != "pending" or latest.attempts != 0:
        # Nothing waiting, or something else came since: a new delivery keeps the entity's order.
        return False
    old = orjson.loads(latest.data)
    merged = {**old, **{k: val for k, val in data.items() if k not in ("updated_blocks", "updated_properties")}}
    for field in ("updated_blocks", "updated_properties"):
        if field in old or field in data:
            merged[field] = _union(old.get(field, []), data.get(field, []))[-MAX_MERGED:]
    authors = orjson.loads(latest.authors)
    if author not in authors:
        authors.append(author)
    done = ctx.tx.execute(_FOLD, {"b_seq": latest.seq, "b_data": orjson.dumps(merged).decode(),
                                  "b_authors": orjson.dumps(authors).decode(), "b_timestamp": now})
    return bool(done.rowcount)


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
            _trashed_block(ctx, node)
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


def _trashed_block(ctx: "Ctx", node: Node) -> None:
    blocks_changed(ctx, [node])


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
