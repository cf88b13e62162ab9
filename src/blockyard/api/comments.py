"""/v1/comments"""

from __future__ import annotations

from typing import Any

from .. import errors, ids
from ..access import capabilities as caps
from ..domain import access, comments, validate as v
from ..context import Ctx
from .lists import bad_cursor, envelope, page_params


def _present(ctx: Ctx, row: Any) -> dict[str, Any]:
    """A written comment as the caller may see it: without read comments, partial `{object, id}`."""
    if not ctx.principal.can(caps.READ_COMMENTS):
        return {"object": "comment", "id": row.id}
    return comments.render(ctx, row)


def create_comment(ctx: Ctx) -> dict[str, Any]:
    ctx.require(caps.INSERT_COMMENTS)
    row = comments.create(ctx, ctx.body())
    return _present(ctx, row)


def list_comments(ctx: Ctx) -> dict[str, Any]:
    raw = ctx.request.query("block_id")
    if raw is None:
        raise errors.validation("query failed validation: query.block_id should be defined, instead was `undefined`.")
    block_id = ids.parse_id(raw)
    if block_id is None:
        raise errors.validation(f"query failed validation: query.block_id should be a valid uuid, instead was `\"{raw}\"`.")
    size, start, cursor = page_params(ctx)
    ctx.require(caps.READ_COMMENTS)
    node = access.load(ctx, block_id, "block", kinds=("page", "block"))
    rows, next_cursor = comments.list_for(ctx, node.id, size, start)
    if start is not None and not rows:
        raise bad_cursor("query.start_cursor", cursor)
    return envelope("comment", [comments.render(ctx, r) for r in rows], next_cursor)


def retrieve_comment(ctx: Ctx, comment_id: str) -> dict[str, Any]:
    cid = v.path_uuid(comment_id, "comment_id")
    ctx.require(caps.READ_COMMENTS)
    return comments.render(ctx, comments.load(ctx, cid))


def update_comment(ctx: Ctx, comment_id: str) -> dict[str, Any]:
    cid = v.path_uuid(comment_id, "comment_id")
    ctx.require(caps.INSERT_COMMENTS)
    row = comments.load(ctx, cid, need="comment", own=True)
    return _present(ctx, comments.update(ctx, row, ctx.body()))


def delete_comment(ctx: Ctx, comment_id: str) -> dict[str, Any]:
    cid = v.path_uuid(comment_id, "comment_id")
    ctx.require(caps.INSERT_COMMENTS)
    row = comments.load(ctx, cid, need="comment", own=True)
    comments.delete(ctx, row)
    return _present(ctx, row)


ROUTES = [
    ("POST", "/v1/comments", create_comment),
    ("GET", "/v1/comments", list_comments),
    ("GET", "/v1/comments/{comment_id}", retrieve_comment),
    ("PATCH", "/v1/comments/{comment_id}", update_comment),
    ("DELETE", "/v1/comments/{comment_id}", delete_comment),
]
