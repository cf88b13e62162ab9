"""Comments and discussions, validated and decided the way Notion does.

- A comment made with `parent` joins the parent's discussion (the earliest live one), or starts it:
  Notion's public API cannot start a second discussion on the same page or block, and recorded
  traffic shows two page comments made with `parent` landing in one discussion.
- A comment made with `discussion_id` joins that discussion and takes its parent.
- Only the comment's author (the same integration, or the same person for personal tokens) may
  update or delete it; anyone else gets 404, as Notion answers.
- Deleting the first live comment of a discussion deletes the whole discussion.
- Timestamps are stored to the millisecond and shown to the minute, like pages and blocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from .. import errors, ids
from ..clock import iso, minute
from ..store import nodes as store_nodes
from ..store.schema import events, integrations, users
from ..store.schema_comments import comments
from . import access, rich_text, validate as v

if TYPE_CHECKING:
    from ..context import Ctx

MAX_ATTACHMENTS = 3
DISPLAY_TYPES = ("integration", "user", "custom")
MAX_CUSTOM_NAME = 200
UPLOADS_UNSUPPORTED = "file uploads are not supported yet"


# --- reading -----------------------------------------------------------------------------------

def _row(ctx: "Ctx", comment_id: str) -> Any:
    return ctx.tx.execute(
        sa.select(comments).where(
            comments.c.id == comment_id,
            comments.c.workspace_id == ctx.principal.workspace_id,
            comments.c.deleted == sa.false(),
        )
    ).first()


def _not_found(ctx: "Ctx", label: str, object_id: str) -> errors.NotionError:
    return access.not_found(ctx, label, object_id)


def load(ctx: "Ctx", comment_id: str, *, need: str = "read", own: bool = False) -> Any:
    """A live comment the caller can reach: 404 when it is deleted, on something the caller cannot
    read, or (with `own`) written by someone else."""
    row = _row(ctx, comment_id)
    if row is None or not access.can_read(ctx, row.parent_id):
        raise _not_found(ctx, "comment", comment_id)
    if own and row.created_by != ctx.principal.user_id:
        raise _not_found(ctx, "comment", comment_id)
    if need != "read":
        access.load(ctx, row.parent_id, "block", need=need)
    return row


def list_for(ctx: "Ctx", parent_id: str, size: int, cursor: str | None) -> tuple[list[Any], str | None]:
    """Live comments whose parent is `parent_id`, oldest first; the cursor is the ID of the first
    comment of the next page."""
    base = [
        comments.c.workspace_id == ctx.principal.workspace_id,
        comments.c.parent_id == parent_id,
        comments.c.deleted == sa.false(),
    ]
    query = sa.select(comments).where(*base)
    if cursor is not None:
        start = ctx.tx.execute(sa.select(comments.c.created_time, comments.c.id).where(
            *base, comments.c.id == cursor)).first()
        if start is None:
            return [], None
        query = query.where(sa.or_(
            comments.c.created_time > start.created_time,
            sa.and_(comments.c.created_time == start.created_time, comments.c.id >= start.id),
        ))
    rows = ctx.tx.execute(query.order_by(comments.c.created_time, comments.c.id).limit(size + 1)).all()
    next_cursor = rows[size].id if len(rows) > size else None
    return list(rows[:size]), next_cursor


def render(ctx: "Ctx", row: Any) -> dict[str, Any]:
    """The comment object; the same in every API version (Notion added `display_name` and
    `attachments` without a version change). `attachments` appears only when there are some."""
    return {
        "object": "comment",
        "id": row.id,
        "parent": {"type": row.parent_type, row.parent_type: row.parent_id},
        "discussion_id": row.discussion_id,
        "created_time": iso(minute(row.created_time)),
        "last_edited_time": iso(minute(row.last_edited_time)),
        "created_by": {"object": "user", "id": row.created_by},
        "rich_text": rich_text.render_user_mentions(ctx, orjson.loads(row.rich_text)),
        "display_name": orjson.loads(row.display_name),
    }


# --- body parts --------------------------------------------------------------------------------

def content(ctx: "Ctx", body: dict[str, Any]) -> list[dict[str, Any]]:
    """Exactly one of `rich_text` or `markdown`, as response-form rich text."""
    from .blocks import resolver_for

    has_rt, has_md = "rich_text" in body, "markdown" in body
    if has_rt and has_md:
        raise errors.validation(
            "body failed validation: body.rich_text and body.markdown cannot both be present. Provide exactly one."
        )
    if not has_rt and not has_md:
        raise errors.body_invalid_any(
            [("body.rich_text", "defined", errors.UNDEFINED), ("body.markdown", "defined", errors.UNDEFINED)]
        )
    if has_rt:
        if "markdown_version" in body:
            raise errors.validation(
                "body failed validation: body.markdown_version should only be present together with body.markdown.")
        return rich_text.parse(body["rich_text"], "body.rich_text", resolver_for(ctx))
    from ..markdown import content as markdown_content, inline

    text = v.string(body["markdown"], "body.markdown")
    dialect = markdown_content.dialect_of(ctx, body.get("markdown_version"), "body.markdown_version")
    # Inline markdown only, in the request's dialect (formatting, links, $math$, mentions).
    return rich_text.parse(inline.parse(text, dialect), "body.markdown", resolver_for(ctx))


def display_name(ctx: "Ctx", value: Any) -> dict[str, Any]:
    """`{type, resolved_name}`; without one, the integration's name (or the person's, for a
    personal token)."""
    if value is errors.UNDEFINED or value is None:
        kind = "user" if ctx.principal.is_personal else "integration"
        return {"type": kind, "resolved_name": _resolved(ctx, kind)}
    v.obj(value, "body.display_name")
    kind = v.enum(v.required(value, "type", "body.display_name"), "body.display_name.type", DISPLAY_TYPES)
    if kind == "custom":
        v.no_extra(value, ("type", "custom"), "body.display_name")
        custom = v.obj(v.required(value, "custom", "body.display_name"), "body.display_name.custom")
        v.no_extra(custom, ("name",), "body.display_name.custom")
        name = v.string(v.required(custom, "name", "body.display_name.custom"), "body.display_name.custom.name",
                        max_len=MAX_CUSTOM_NAME, allow_empty=False)
        return {"type": "custom", "resolved_name": name}
    v.no_extra(value, ("type",), "body.display_name")
    return {"type": kind, "resolved_name": _resolved(ctx, kind)}


def _resolved(ctx: "Ctx", kind: str) -> str | None:
    p = ctx.principal
    if kind == "integration":
        return p.integration_name
    # "user": the person behind the token: the token's own person, or who made the integration.
    person = p.user_id
    if not p.is_personal:
        person = ctx.tx.execute(
            sa.select(integrations.c.created_by).where(integrations.c.id == p.integration_id)
        ).scalar()
    if person is None:
        return None
    return ctx.tx.execute(sa.select(users.c.name).where(users.c.id == person)).scalar()


def attachments(value: Any) -> None:
    """At most three `{file_upload_id, type?: "file_upload"}`; until file uploads exist here, no ID
    can name an uploaded file, so any attachment is refused."""
    if value is errors.UNDEFINED:
        return
    items = v.array(value, "body.attachments", max_items=MAX_ATTACHMENTS)
    for i, item in enumerate(items):
        path = f"body.attachments[{i}]"
        v.obj(item, path)
        v.no_extra(item, ("file_upload_id", "type"), path)
        if "type" in item:
            v.enum(item["type"], f"{path}.type", ("file_upload",))
        v.uuid(v.required(item, "file_upload_id", path), f"{path}.file_upload_id")
    if items:
        raise errors.validation(f"body failed validation: body.attachments[0].file_upload_id: {UPLOADS_UNSUPPORTED}.")


# --- writing -----------------------------------------------------------------------------------

def create(ctx: "Ctx", body: dict[str, Any]) -> Any:
    v.no_extra(body, ("parent", "discussion_id", "rich_text", "markdown", "markdown_version", "attachments",
                      "display_name"), "body")
    has_parent, has_discussion = "parent" in body, "discussion_id" in body
    if has_parent and has_discussion:
        raise errors.validation(
            "body failed validation: body.parent and body.discussion_id cannot both be present. Provide exactly one."
        )
    if not has_parent and not has_discussion:
        raise errors.body_invalid_any(
            [("body.parent", "defined", errors.UNDEFINED), ("body.discussion_id", "defined", errors.UNDEFINED)]
        )
    if has_parent:
        parent_type, parent_id = _parent(body["parent"])
        discussion_id = None
    else:
        discussion_id = v.uuid(body["discussion_id"], "body.discussion_id")
    items = content(ctx, body)
    attachments(body.get("attachments", errors.UNDEFINED))
    shown = display_name(ctx, body.get("display_name", errors.UNDEFINED))

    if discussion_id is None:
        label = "page" if parent_type == "page_id" else "block"
        node = access.load(ctx, parent_id, label, kinds=("page", "block"), need="comment")
        parent_type = "page_id" if node.kind == "page" else "block_id"
        existing = ctx.tx.execute(
            sa.select(comments.c.discussion_id).where(
                comments.c.workspace_id == ctx.principal.workspace_id,
                comments.c.parent_id == node.id,
                comments.c.deleted == sa.false(),
            ).order_by(comments.c.created_time, comments.c.id).limit(1)
        ).scalar()
        discussion_id = existing or ids.new_id()
    else:
        first = ctx.tx.execute(
            sa.select(comments.c.parent_type, comments.c.parent_id).where(
                comments.c.workspace_id == ctx.principal.workspace_id,
                comments.c.discussion_id == discussion_id,
                comments.c.deleted == sa.false(),
            ).limit(1)
        ).first()
        if first is None or not access.can_read(ctx, first.parent_id):
            raise _not_found(ctx, "discussion", discussion_id)
        node = access.load(ctx, first.parent_id, "discussion", need="comment")
        parent_type = first.parent_type

    # Strictly increasing per parent, so that listing order is creation order.
    last = ctx.tx.execute(
        sa.select(sa.func.max(comments.c.created_time)).where(comments.c.parent_id == node.id)
    ).scalar()
    now = ctx.now if last is None else max(ctx.now, last + 1)
    comment_id = ids.new_id()
    ctx.tx.execute(comments.insert().values(
        id=comment_id,
        workspace_id=ctx.principal.workspace_id,
        discussion_id=discussion_id,
        parent_type=parent_type,
        parent_id=node.id,
        page_id=_page_of(ctx, node),
        created_time=now,
        created_by=ctx.principal.user_id,
        last_edited_time=now,
        rich_text=orjson.dumps(items).decode(),
        display_name=orjson.dumps(shown).decode(),
        deleted=False,
    ))
    row = _row(ctx, comment_id)
    _event(ctx, "comment.created", row)
    return row


def update(ctx: "Ctx", row: Any, body: dict[str, Any]) -> Any:
    v.no_extra(body, ("rich_text", "markdown", "markdown_version"), "body")
    items = content(ctx, body)
    ctx.tx.execute(comments.update().where(comments.c.id == row.id).values(
        rich_text=orjson.dumps(items).decode(),
        last_edited_time=max(ctx.now, row.created_time),
    ))
    row = _row(ctx, row.id)
    _event(ctx, "comment.updated", row)
    return row


def delete(ctx: "Ctx", row: Any) -> None:
    """Deletes the comment; the first comment of a discussion takes the discussion with it."""
    first = ctx.tx.execute(
        sa.select(comments.c.id).where(
            comments.c.discussion_id == row.discussion_id, comments.c.deleted == sa.false()
        ).order_by(comments.c.created_time, comments.c.id).limit(1)
    ).scalar()
    if first == row.id:
        gone = ctx.tx.execute(sa.select(comments).where(
            comments.c.discussion_id == row.discussion_id, comments.c.deleted == sa.false()
        ).order_by(comments.c.created_time, comments.c.id)).all()
    else:
        gone = [row]
    ctx.tx.execute(comments.update().where(comments.c.id.in_([g.id for g in gone])).values(deleted=True))
    for g in gone:
        _event(ctx, "comment.deleted", g)


def _parent(value: Any) -> tuple[str, str]:
    v.obj(value, "body.parent")
    kind = value.get("type")
    if kind is None:
        kind = "page_id" if "page_id" in value else "block_id" if "block_id" in value else None
        if kind is None:
            raise errors.body_invalid_any(
                [("body.parent.page_id", "defined", errors.UNDEFINED), ("body.parent.block_id", "defined", errors.UNDEFINED)]
            )
    v.enum(kind, "body.parent.type", ("page_id", "block_id"))
    v.no_extra(value, ("type", kind), "body.parent")
    return kind, v.uuid(v.required(value, kind, "body.parent"), f"body.parent.{kind}")


def _page_of(ctx: "Ctx", node: Any) -> str:
    if node.kind == "page":
        return node.id
    for ancestor in store_nodes.ancestors(ctx.tx, node):
        if ancestor.kind == "page":
            return ancestor.id
    return node.id


def _event(ctx: "Ctx", kind: str, row: Any) -> None:
    """The webhook outbox: `{parent: {id, type}, page_id}` as Notion's comment events carry."""
    data = {"parent": {"id": row.parent_id, "type": "page" if row.parent_type == "page_id" else "block"},
            "page_id": row.page_id}
    ctx.tx.execute(events.insert().values(
        id=ids.new_id(), workspace_id=ctx.principal.workspace_id, type=kind, entity_id=row.id,
        entity_type="comment", author_id=ctx.principal.user_id, timestamp=ctx.now,
        data=orjson.dumps(data).decode(),
    ))
