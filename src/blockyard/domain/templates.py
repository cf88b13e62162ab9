"""Templates of a data source: pages kept apart from its rows (kind `template`, so queries and search never
list them) that new pages start from. A data source may name one as its default. `POST /v1/pages` with
`template` copies the template's property values (where the request sets none) and its content; Notion applies
a template in the background, Blockyard before it answers (docs/compatibility.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from .. import errors, ids
from ..store import nodes as store_nodes
from ..store.schema import nodes
from . import validate as v

if TYPE_CHECKING:
    from ..context import Ctx
    from ..store.nodes import Node

KIND = "template"
DEFAULT_KEY = "default_template_id"
MAX_COPIED = 100_000  # children of one block that a template copies


def list_templates(ctx: "Ctx", ds: "Node", name: str | None, cursor: str | None, size: int) -> dict[str, Any]:
    """`{templates: [{id, name, is_default}], has_more, next_cursor}`: Notion's envelope, with no `object`.
    `name` matches a case-insensitive part of the title; the cursor is the next template's ID."""
    where = [nodes.c.parent_id == ds.id, nodes.c.kind == KIND, nodes.c.in_trash.is_(False)]
    if name:
        where.append(nodes.c.title.contains(name.lower(), autoescape=True))
    if cursor is not None:
        start = store_nodes.get(ctx.tx, ctx.principal.workspace_id, cursor)
        if start is None or start.kind != KIND or start.parent_id != ds.id:
            from ..api.lists import bad_cursor

            raise bad_cursor("query.start_cursor", cursor)
        where.append(sa.tuple_(nodes.c.sort_key, nodes.c.id) >= sa.tuple_(start.sort_key, start.id))
    rows = ctx.tx.execute(sa.select(nodes.c.id, nodes.c.data).where(*where)
                          .order_by(nodes.c.sort_key, nodes.c.id).limit(size + 1)).all()
    default = ds.data.get(DEFAULT_KEY)
    out = [{"id": r.id, "name": _name(r.data), "is_default": r.id == default} for r in rows[:size]]
    next_cursor = rows[size].id if len(rows) > size else None
    return {"templates": out, "has_more": next_cursor is not None, "next_cursor": next_cursor}


def _name(raw: Any) -> str:
    data = orjson.loads(raw) if isinstance(raw, (str, bytes)) else raw
    return data.get("_title_text", "")


def chosen(ctx: "Ctx", value: Any, data_source: "Node | None", path: str = "body.template") -> "Node | None":
    """The template a request asks for: `{type: "none"}` (none), `{type: "default"}` (the data source's
    default) or `{type: "template_id", template_id}`; `timezone` is accepted and names an IANA zone."""
    if value is None:
        return None
    body = v.obj(value, path)
    kind = v.enum(v.required(body, "type", path), f"{path}.type", ("none", "default", "template_id"))
    v.no_extra(body, ("type", "template_id", "timezone") if kind == "template_id" else ("type", "timezone"), path)
    if "timezone" in body:
        _timezone(body["timezone"], f"{path}.timezone")
    if kind == "none":
        return None
    if data_source is None:
        raise errors.validation(f"body failed validation: {path} needs a data source parent: only database pages have templates.")
    if kind == "default":
        default = data_source.data.get(DEFAULT_KEY)
        node = store_nodes.get(ctx.tx, ctx.principal.workspace_id, default) if default else None
        if node is None or node.kind != KIND or node.in_trash:
            raise errors.validation("The data source has no default template.")
        return node
    tid = v.uuid(v.required(body, "template_id", path), f"{path}.template_id")
    node = store_nodes.get(ctx.tx, ctx.principal.workspace_id, tid)
    if node is None or node.kind != KIND or node.parent_id != data_source.id or node.in_trash:
        raise errors.validation(
            f"body failed validation: {path}.template_id should be the ID of a template of the data source, "
            f"instead was `\"{tid}\"`."
        )
    return node


def _timezone(value: Any, path: str) -> str:
    from zoneinfo import ZoneInfo

    name = v.string(value, path)
    try:
        ZoneInfo(name)
    except Exception:
        raise v.fail(path, "an IANA time zone name", value) from None
    return name


def properties_from(template: "Node", given: dict[str, Any], sent: set[str]) -> dict[str, Any]:
    """The template's values, overridden by every property the request set itself."""
    merged = dict(template.data.get("properties") or {})
    merged.update({pid: val for pid, val in given.items() if pid in sent or pid not in merged})
    return merged


def copy_content(ctx: "Ctx", template: "Node", page: "Node") -> None:
    """The template's blocks, copied under `page` with new IDs (child pages and databases stay behind)."""
    todo = [(template.id, page.id, "page_id")]
    who, now = ctx.principal.user_id, ctx.now - ctx.now % 60_000
    while todo:
        source, target, target_type = todo.pop()
        copies = []
        batch = [c for c in store_nodes.children(ctx.tx, source, "", MAX_COPIED) if c.kind == "block"]
        # Under the page the copies follow what it already holds; deeper down their parents are new.
        keys = (store_nodes.keys_for_insert(ctx.tx, target, len(batch)) if target == page.id and batch
                else [c.sort_key for c in batch])
        for child, key in zip(batch, keys):
            copy = store_nodes.Node(
                id=ids.new_id(), workspace_id=child.workspace_id, kind="block", type=child.type,
                parent_type=target_type, parent_id=target, sort_key=key, in_trash=False, trash_root=None,
                created_time=now, created_by=who, last_edited_time=now, last_edited_by=who, title=child.title,
                data=dict(child.data),
            )
            copies.append(copy)
            todo.append((child.id, copy.id, "block_id"))
        store_nodes.insert_many(ctx.tx, copies)


def mark(ctx: "Ctx", page: "Node", *, default: bool) -> None:
    """Turn a page of a data source into one of its templates (the owner does this in Notion's UI)."""
    if page.kind != KIND:
        if page.kind != "page" or page.parent_type != "data_source_id":
            raise errors.validation("Only a page of a data source can become one of its templates.")
        page.kind = KIND
        store_nodes.save(ctx.tx, page)
    if default:
        ds = store_nodes.get(ctx.tx, ctx.principal.workspace_id, page.parent_id)  # type: ignore[arg-type]
        assert ds is not None
        ds.data = {**ds.data, DEFAULT_KEY: page.id}
        store_nodes.save(ctx.tx, ds)
