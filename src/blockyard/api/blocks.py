"""/v1/blocks"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..access import capabilities as caps, visibility
from ..domain import access, blocks, validate as v
from ..store import nodes as store_nodes
from ..webhooks import events as webhook_events
from ..context import Ctx
from .lists import bad_cursor, envelope

BLOCK_KINDS = ("block", "page", "database", "template")


def _render_one(ctx: Ctx, node: Any) -> dict[str, Any]:
    return _present(ctx, [node])[0]


def _present(ctx: Ctx, nodes: list[Any]) -> list[dict[str, Any]]:
    """Blocks as the caller may see them: without read content, partial `{object, id}`."""
    if not ctx.principal.can(caps.READ_CONTENT):
        return [{"object": "block", "id": n.id} for n in nodes]
    return blocks.render_list(ctx, nodes)


def retrieve_block(ctx: Ctx, block_id: str) -> dict[str, Any]:
    bid = v.path_uuid(block_id, "block_id")
    ctx.require(caps.READ_CONTENT)
    node = access.load(ctx, bid, "block", kinds=BLOCK_KINDS)
    return _render_one(ctx, node)


def update_block(ctx: Ctx, block_id: str) -> dict[str, Any]:
    bid = v.path_uuid(block_id, "block_id")
    ctx.require(caps.UPDATE_CONTENT)
    node = access.load(ctx, bid, "block", kinds=BLOCK_KINDS, need="edit")
    body = ctx.body()
    trash = _trash_flag(ctx, body)
    was = webhook_events.snapshot(node)
    rest = {k: val for k, val in body.items() if k not in ("in_trash", "archived", "type")}
    if trash is False and node.in_trash:
        store_nodes.set_trash(ctx.tx, node, False, ctx.principal.user_id)
    if node.kind != "block":
        if rest:
            which = "page" if node.kind == "page" else "database"
            raise errors.validation(f"body failed validation: update the {which} through the /v1/{which}s endpoint.")
    elif rest or "type" in body:
        access.ensure_editable(node)
        blocks.update(ctx, node, body)
        store_nodes.save(ctx.tx, node)
    if trash is True:
        store_nodes.set_trash(ctx.tx, node, True, ctx.principal.user_id)
    if was.in_trash != node.in_trash:
        webhook_events.changed(ctx, node, was)
    return _render_one(ctx, node)


def _trash_flag(ctx: Ctx, body: dict[str, Any]) -> bool | None:
    allowed = ("in_trash", "archived") if ctx.version.archived else ("in_trash",)
    flag = None
    for key in allowed:
        if key in body:
            flag = v.boolean(body[key], f"body.{key}")
    if not ctx.version.archived and "archived" in body:
        raise v.fail("body.archived", "not present", body["archived"])
    return flag


def delete_block(ctx: Ctx, block_id: str) -> dict[str, Any]:
    bid = v.path_uuid(block_id, "block_id")
    ctx.require(caps.UPDATE_CONTENT)
    node = access.load(ctx, bid, "block", kinds=BLOCK_KINDS, need="edit")
    was = webhook_events.snapshot(node)
    store_nodes.set_trash(ctx.tx, node, True, ctx.principal.user_id)
    webhook_events.changed(ctx, node, was)
    return _render_one(ctx, node)


def list_children(ctx: Ctx, block_id: str) -> dict[str, Any]:
    bid = v.path_uuid(block_id, "block_id")
    ctx.require(caps.READ_CONTENT)
    parent = access.load(ctx, bid, "block", kinds=BLOCK_KINDS)
    size = v.page_size(ctx.request.query("page_size"), "query.page_size", from_query=True)
    cursor = ctx.request.query("start_cursor")
    from_key = ""
    if cursor:
        cid = v.uuid(cursor, "query.start_cursor")
        start = store_nodes.get(ctx.tx, ctx.principal.workspace_id, cid)
        source = blocks._children_source(parent)
        if start is None or start.parent_id != source or source != parent.id and not visibility.can_read(ctx, source):
            raise bad_cursor("query.start_cursor", cursor)
        from_key = start.sort_key
    items = blocks.children_page(ctx, parent, from_key, size + 1)
    next_cursor = items[size].id if len(items) > size else None
    return envelope("block", blocks.render_list(ctx, items[:size]), next_cursor)


def append_children(ctx: Ctx, block_id: str) -> dict[str, Any]:
    bid = v.path_uuid(block_id, "block_id")
    ctx.require(caps.INSERT_CONTENT)
    parent = access.load(ctx, bid, "block", kinds=("block", "page"), need="edit")
    body = ctx.body()
    allowed = ["children", "position"] if ctx.version.append_position else ["children", "after", "position"]
    v.no_extra(body, allowed, "body")
    access.ensure_editable(parent)
    spec = blocks.parent_spec_of(parent)
    planned = blocks.parse_children(ctx, v.required(body, "children", "body"), "body.children", parent_spec=spec,
                                    parent_data=parent.data if parent.kind == "block" else None)
    keys = _placement(ctx, parent, body, len(planned))
    blocks.insert_planned(ctx, parent, planned, keys)
    store_nodes.touch(ctx.tx, parent.id, ctx.principal.user_id)
    # Notion answers with the children from the first new block on: inserting in the middle
    # also returns the siblings that now follow the new blocks.
    if ctx.version.legacy is not None and ctx.version.legacy.append_returns_parent:
        return _render_one(ctx, parent)
    shown = blocks.children_page(ctx, parent, keys[0], blocks.MAX_CHILDREN) if keys else []
    return envelope("block", _present(ctx, shown), None)


def _placement(ctx: Ctx, parent: Any, body: dict[str, Any], count: int) -> list[str]:
    after_id = None
    at_start = False
    if "after" in body and "position" in body:
        raise errors.validation("body failed validation: body.after and body.position should not both be present.")
    if "after" in body:
        after_id = v.uuid(body["after"], "body.after")
    elif "position" in body and body["position"] is not None:
        pos = v.obj(body["position"], "body.position")
        kind = v.enum(pos.get("type"), "body.position.type", ("after_block", "start", "end"))
        if kind == "start":
            at_start = True
        elif kind == "after_block":
            after = v.obj(v.required(pos, "after_block", "body.position"), "body.position.after_block")
            after_id = v.uuid(v.required(after, "id", "body.position.after_block"), "body.position.after_block.id")
    after_key = None
    if after_id is not None:
        sibling = store_nodes.get(ctx.tx, ctx.principal.workspace_id, after_id)
        if sibling is None or sibling.parent_id != parent.id or sibling.in_trash:
            raise errors.validation(
                f"body failed validation: body.{'after' if 'after' in body else 'position.after_block.id'} should be the ID of a child of the parent block, instead was `\"{after_id}\"`."
            )
        after_key = sibling.sort_key
    return store_nodes.keys_for_insert(ctx.tx, parent.id, count, after_key=after_key, at_start=at_start)


ROUTES = [
    ("GET", "/v1/blocks/{block_id}", retrieve_block),
    ("PATCH", "/v1/blocks/{block_id}", update_block),
    ("DELETE", "/v1/blocks/{block_id}", delete_block),
    ("GET", "/v1/blocks/{block_id}/children", list_children),
    ("PATCH", "/v1/blocks/{block_id}/children", append_children),
]
