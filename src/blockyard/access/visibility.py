"""What the request's principal may see inside an answer it is allowed to read.

Access to an object (404 or 403) is decided by `domain/access.py`. This module decides what an
answer may carry about *other* objects: the title of a mentioned page, the content of a synced
block's original, and the properties of a database page that read through relations. Every renderer
asks here, so GET, PATCH answers, queries, search, property items and comments agree. Answers are
cached per request (the access cache of `access/grants.py`), and many objects are checked in one query.

The rules (recorded in docs/compatibility.md):
* A page or database mention names its target only when the reader can reach it; otherwise its
  `plain_text` is "Untitled". A user mention reads "@Anonymous" for readers without user information.
* A relation into a data source the reader cannot reach is left out of schemas and page values, and so
  is every rollup over it and every formula reading through it (Notion: "properties based on relations
  will not be included"). For readers without user information, text formulas reading people are left
  out too, since they show names; for readers without the email capability, formulas calling `email()`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable

from . import capabilities as caps
from .grants import access_levels

if TYPE_CHECKING:
    from ..context import Ctx
    from ..store.nodes import Node

UNTITLED = "Untitled"
ANONYMOUS = "@Anonymous"
PEOPLE_LIKE = ("people", "created_by", "last_edited_by")
_EMAIL_CALL = re.compile(r"\bemail\s*\(")  # email(p) or p.email(): a formula that shows addresses


def readable(ctx: "Ctx", node_ids: Iterable[str]) -> set[str]:
    """The IDs among `node_ids` that the principal can read (one query for those not yet known)."""
    wanted = set(node_ids)
    if ctx.principal.is_personal:
        return wanted
    return {nid for nid, level in access_levels(ctx.tx, ctx.principal, wanted).items() if level is not None}


def can_read(ctx: "Ctx", node_id: str) -> bool:
    if ctx.principal.is_personal:
        return True
    known = ctx.tx.cache.get(("access", node_id), _UNKNOWN)
    if known is not _UNKNOWN:
        return known is not None
    return node_id in readable(ctx, (node_id,))


_UNKNOWN = object()


def sees_users(ctx: "Ctx") -> bool:
    return ctx.principal.user_info != caps.NO_USER_INFO


# --- relation-based properties ---------------------------------------------------------------------


def hidden_properties(ctx: "Ctx", ds: "Node") -> frozenset[str]:
    """IDs of the data source's properties the principal may not see: relations into data sources it
    cannot reach, and the rollups and formulas reading through them (transitively, across data sources)."""
    if ctx.principal.is_personal:
        return frozenset()
    props = ds.data.get("properties") or {}
    key = ("visibility.hidden", ds.id)
    cached = ctx.tx.cache.get(key)
    if cached is not None and cached[0] is props:
        return cached[1]
    # Data sources being decided, with what they hide so far: a cycle through relations reads the
    # partial answer (properties are decided in dependency order), and what it decides is not kept.
    state = ctx.tx.cache.setdefault("visibility.state", {"building": {}, "cycles": 0})
    building: dict[str, set[str]] = state["building"]
    if ds.id in building:
        state["cycles"] += 1
        return frozenset(building[ds.id])
    cycles = state["cycles"]
    partial: set[str] = set()
    building[ds.id] = partial
    try:
        hidden = _hidden(ctx, ds, props, partial)
    finally:
        del building[ds.id]
    if state["cycles"] == cycles or not building:
        ctx.tx.cache[key] = (props, hidden)
    return hidden


def _hidden(ctx: "Ctx", ds: "Node", props: dict[str, Any], hidden: set[str]) -> frozenset[str]:
    from ..domain.properties import materialize
    from ..store import nodes as store_nodes

    targets = {pid: p["relation"]["data_source_id"] for pid, p in props.items()
               if p.get("type") == "relation" and p.get("relation")}
    computed = any(p.get("type") in ("rollup", "formula") for p in props.values())
    no_emails = ctx.principal.user_info != caps.USER_WITH_EMAIL
    if not targets and (not computed or not no_emails):
        return frozenset()
    reached = readable(ctx, targets.values())
    hidden.update(pid for pid, target in targets.items() if target not in reached)
    if not computed:
        return frozenset(hidden)
    no_users = not sees_users(ctx)
    plan = materialize.plan_for(ctx, ds)
    far_nodes: dict[str, Any] = {}

    def far(rel: str) -> "Node | None":
        target = targets.get(rel)
        if target is None:
            return None
        if target not in far_nodes:
            far_nodes[target] = store_nodes.get(ctx.tx, ctx.principal.workspace_id, target)
        return far_nodes[target]

    for c in plan.order:  # dependency order: what a property reads is decided before it
        if c.deps & hidden or no_emails and c.kind == "formula" and _EMAIL_CALL.search(
                ((props.get(c.pid) or {}).get("formula") or {}).get("expression", "")):
            hidden.add(c.pid)
            continue
        people = no_users and c.kind == "formula" and c.result_type == "string" and any(
            (props.get(d) or {}).get("type") in PEOPLE_LIKE for d in c.deps)
        for rel, tpid in c.related:
            if rel in hidden:
                hidden.add(c.pid)
                break
            target = far(rel)
            if target is None or tpid == materialize.ANY:
                continue
            if tpid in hidden_properties(ctx, target):
                hidden.add(c.pid)
                break
            tprop = (target.data.get("properties") or {}).get(tpid) or {}
            if no_users and c.kind == "formula" and tprop.get("type") in PEOPLE_LIKE:
                people = people or c.result_type == "string"
        if people:
            hidden.add(c.pid)
    return frozenset(hidden)


def visible_schema(ctx: "Ctx", ds: "Node") -> dict[str, dict[str, Any]]:
    """The data source's schema without the properties the principal may not see."""
    props = ds.data.get("properties") or {}
    hidden = hidden_properties(ctx, ds)
    if not hidden:
        return props
    return {pid: p for pid, p in props.items() if pid not in hidden}


# --- mentions --------------------------------------------------------------------------------------


def mentioned_ids(value: Any, out: set[str]) -> set[str]:
    """IDs of the pages and databases mentioned anywhere in a stored payload."""
    if isinstance(value, list):
        for x in value:
            mentioned_ids(x, out)
    elif isinstance(value, dict):
        mention = value.get("mention")
        if value.get("type") == "mention" and isinstance(mention, dict):
            kind = mention.get("type")
            if kind in ("page", "database") and isinstance(mention.get(kind), dict):
                out.add(mention[kind].get("id"))
            return out
        for x in value.values():
            mentioned_ids(x, out)
    return out


def prefetch_mentions(ctx: "Ctx", payloads: Iterable[Any]) -> None:
    """Learn the reader's access to every page and database the payloads mention, in one query."""
    if ctx.principal.is_personal:
        return
    ids: set[str] = set()
    for payload in payloads:
        mentioned_ids(payload, ids)
    ids.discard(None)  # type: ignore[arg-type]
    if ids:
        readable(ctx, ids)


# --- relation values -------------------------------------------------------------------------------

_SEEN = "visibility.related"  # page id -> whether the principal reaches it, learnt for relation values


def related_visible(ctx: "Ctx", target_ds: str, page_ids: Iterable[str]) -> set[str]:
    """The pages among `page_ids` the principal reaches, for a relation into `target_ds` (which it reaches:
    the property is shown). Pages still in that data source inherit its access, so one indexed query finds
    them; only the others (moved away since) walk their ancestors."""
    wanted = [pid for pid in dict.fromkeys(page_ids) if pid]
    if ctx.principal.is_personal or not wanted:
        return set(wanted)
    seen: dict[str, bool] = ctx.tx.cache.setdefault(_SEEN, {})
    unknown = [pid for pid in wanted if pid not in seen]
    if unknown:
        import sqlalchemy as sa

        from ..store.schema import nodes

        inside: set[str] = set()
        for start in range(0, len(unknown), 500):
            chunk = unknown[start:start + 500]
            inside.update(ctx.tx.execute(sa.select(nodes.c.id).where(
                nodes.c.id.in_(chunk), nodes.c.parent_id == target_ds,
                nodes.c.workspace_id == ctx.principal.workspace_id)).scalars())
        outside = [pid for pid in unknown if pid not in inside]
        reached = readable(ctx, outside) if outside else set()
        for pid in unknown:
            seen[pid] = pid in inside or pid in reached
    return {pid for pid in wanted if seen[pid]}
