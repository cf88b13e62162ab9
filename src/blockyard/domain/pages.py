"""Pages: create, update, move and trash."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors, ids
from ..access import capabilities as caps
from ..store import nodes as store_nodes
from ..store.nodes import Node
from ..store.schema import grants
from ..webhooks import events as webhook_events
from . import access, blocks, properties, rich_text, templates, validate as v
from .media import parse_cover, parse_icon

if TYPE_CHECKING:
    from ..context import Ctx

PARENT_KINDS = ("page_id", "database_id", "data_source_id", "workspace")


def parse_parent(ctx: "Ctx", value: Any, path: str = "body.parent", allowed: tuple[str, ...] = PARENT_KINDS) -> tuple[str, str | None]:
    v.obj(value, path)
    kind = value.get("type")
    if kind is None:
        kind = next((k for k in allowed if k in value), None)
        if kind is None:
            raise errors.body_invalid_any([(f"{path}.{k}", "defined", errors.UNDEFINED) for k in allowed])
    v.enum(kind, f"{path}.type", allowed)
    if kind == "workspace":
        if v.required(value, "workspace", path) is not True:
            raise v.fail(f"{path}.workspace", "`true`", value["workspace"])
        return "workspace", None
    return kind, v.uuid(v.required(value, kind, path), f"{path}.{kind}")


def new_node(ctx: "Ctx", *, kind: str, type_: str, parent_type: str, parent_id: str | None, sort_key: str,
             data: dict[str, Any], node_id: str | None = None, title: str = "") -> Node:
    now = ctx.now - ctx.now % 60_000
    user = ctx.principal.user_id
    return Node(
        id=node_id or ids.new_id(), workspace_id=ctx.principal.workspace_id, kind=kind, type=type_,
        parent_type=parent_type, parent_id=parent_id, sort_key=sort_key, in_trash=False, trash_root=None,
        created_time=now, created_by=user, last_edited_time=now, last_edited_by=user, title=title.lower(), data=data,
    )


def resolve_container(ctx: "Ctx", kind: str, target: str | None) -> tuple[str, Node | None]:
    """Where a new page goes: (parent_type, parent node). Database parents resolve to their data source."""
    from . import databases

    if kind == "workspace":
        if not ctx.principal.is_personal and not ctx.principal.public:
            raise errors.validation(
                "Internal integrations can't create workspace-level pages. Provide a page, database or data source parent."
            )
        return "workspace", None
    assert target is not None
    if kind == "page_id":
        return "page_id", access.load(ctx, target, "page", kinds=("page",), need="edit")
    if kind == "database_id":
        db = access.load(ctx, target, "database", kinds=("database",), need="edit")
        return "data_source_id", databases.single_data_source(ctx, db)
    return "data_source_id", access.load(ctx, target, "data source", kinds=("data_source",), need="edit")


def check_create(ctx: "Ctx", body: dict[str, Any]) -> None:
    """What an async create checks before answering 202: the body's shape and the parent's access."""
    ctx.require(caps.INSERT_CONTENT)
    v.no_extra(body, ("parent", "properties", "icon", "cover", "children", "content", "position", "template",
                      "markdown", "markdown_version", "allow_async"), "body")
    v.boolean(body["allow_async"], "body.allow_async")
    _markdown_of(ctx, body)
    kind, target = parse_parent(ctx, v.required(body, "parent", "body"))
    parent_type, parent = resolve_container(ctx, kind, target)
    if parent is not None:
        access.ensure_editable(parent, "block")


def create(ctx: "Ctx", body: dict[str, Any], node_id: str | None = None) -> Node:
    ctx.require(caps.INSERT_CONTENT)
    v.no_extra(body, ("parent", "properties", "icon", "cover", "children", "content", "position", "template",
                      "markdown", "markdown_version", "allow_async"), "body")
    markdown = _markdown_of(ctx, body)
    if "allow_async" in body:
        v.boolean(body["allow_async"], "body.allow_async")
    kind, target = parse_parent(ctx, v.required(body, "parent", "body"))
    parent_type, parent = resolve_container(ctx, kind, target)
    if parent is not None:
        access.ensure_editable(parent, "block")
    data_source = parent if parent_type == "data_source_id" else None
    props = properties.parse_page_properties(ctx, body.get("properties", {}), data_source, None)
    template = templates.chosen(ctx, body.get("template"), data_source)
    if template is not None:
        if body.get("children", body.get("content")) is not None:
            raise errors.validation("body failed validation: body.template and body.children should not both be present.")
        props = templates.properties_from(template, props, set(props) & _sent_ids(data_source, body.get("properties", {})))
    if data_source is not None:
        from .properties import values

        props = values.complete_new(ctx, data_source, props) if hasattr(values, "complete_new") else props
    data: dict[str, Any] = {
        "properties": props,
        "icon": parse_icon(ctx, body.get("icon"), "body.icon"),
        "cover": parse_cover(ctx, body.get("cover"), "body.cover"),
        "is_locked": False,
        "is_archived": False,
    }
    if markdown is not None and not _title_of(ctx, data_source, props):
        markdown = _take_title(ctx, data_source, props, markdown)
    title = _title_of(ctx, data_source, props)
    data["_title_text"] = title
    children_json = body.get("children", body.get("content"))
    planned = blocks.parse_children(ctx, children_json, "body.children") if children_json is not None else []
    parent_id = parent.id if parent is not None else None
    key = _page_key(ctx, parent_type, parent_id, body.get("position"))
    page = new_node(ctx, kind="page", type_="child_page", parent_type=parent_type, parent_id=parent_id,
                    sort_key=key, data=data, node_id=node_id, title=title)
    store_nodes.insert(ctx.tx, page)
    if parent_type == "workspace" and ctx.principal.public:
        # A public integration's workspace-level page is its own: shared with it in full from the start.
        ctx.tx.execute(grants.insert().values(
            integration_id=ctx.principal.integration_id, object_id=page.id, workspace_id=page.workspace_id,
            access="full", created_time=ctx.tx.now,
        ))
    properties.page_written(ctx, page, data_source, None)
    if planned:
        keys = store_nodes.keys_for_insert(ctx.tx, page.id, len(planned))
        blocks.insert_planned(ctx, page, planned, keys)
    if template is not None:
        templates.copy_content(ctx, template, page)
    if markdown is not None:
        from ..markdown import content as markdown_content

        markdown_content.create(ctx, page, markdown[0], markdown[1], "body.markdown")
    if parent is not None and parent.kind == "page":
        store_nodes.touch(ctx.tx, parent.id, ctx.principal.user_id)
    webhook_events.record(ctx, "page.created", page)
    return page


def _sent_ids(data_source: Node | None, sent: Any) -> set[str]:
    """The property IDs a request's `properties` names (by ID or name)."""
    if data_source is None or not isinstance(sent, dict):
        return {"title"}
    from ..query.filters import find_property

    schema = data_source.data.get("properties") or {}
    return {found[0] for key in sent if (found := find_property(schema, key)) is not None}


def _markdown_of(ctx: "Ctx", body: dict[str, Any]) -> tuple[str, str] | None:
    """(markdown, dialect) of a page created from markdown, which excludes `children` and `content`."""
    if "markdown" not in body:
        if "markdown_version" in body:
            raise errors.validation(
                "body failed validation: body.markdown_version should only be present together with body.markdown.")
        return None
    for other in ("children", "content"):
        if other in body:
            raise errors.validation(
                f"body failed validation: body.markdown and body.{other} cannot both be present. Provide only one.")
    from ..markdown import content as markdown_content

    text = v.string(body["markdown"], "body.markdown")
    return text, markdown_content.dialect_of(ctx, body.get("markdown_version"), "body.markdown_version")


def _take_title(ctx: "Ctx", data_source: Node | None, props: dict[str, Any], markdown: tuple[str, str]) -> tuple[str, str]:
    """Without a title, the markdown's first `# ` heading becomes it, as Notion does, and leaves the content."""
    import re

    text, dialect = markdown
    m = re.search(r"^# +(.+?)[ \t]*$", text, re.M)
    if m is None:
        return markdown
    from ..markdown import inline

    title = rich_text.parse(inline.parse(m.group(1), dialect), "body.markdown")
    key = "title"
    if data_source is not None:
        key = next((pid for pid, p in data_source.data.get("properties", {}).items() if p["type"] == "title"), "title")
    props[key] = title
    return text[: m.start()] + text[m.end():].lstrip("\n"), dialect


def _title_of(ctx: "Ctx", data_source: Node | None, props: dict[str, Any]) -> str:
    if data_source is None:
        return properties.title_text(props)
    for pid, prop in data_source.data.get("properties", {}).items():
        if prop["type"] == "title":
            from . import rich_text

            return rich_text.shared_plain_text(props.get(pid, []))
    return ""


def _page_key(ctx: "Ctx", parent_type: str, parent_id: str | None, position: Any) -> str:
    if parent_id is None:
        return store_nodes.order.FIRST
    if position is None or parent_type != "page_id":
        if position is not None:
            raise v.fail("body.position", "not present", position)
        return store_nodes.keys_for_insert(ctx.tx, parent_id, 1)[0]
    v.obj(position, "body.position")
    kind = v.enum(position.get("type"), "body.position.type", ("after_block", "page_start", "page_end"))
    if kind == "page_start":
        return store_nodes.keys_for_insert(ctx.tx, parent_id, 1, at_start=True)[0]
    if kind == "page_end":
        return store_nodes.keys_for_insert(ctx.tx, parent_id, 1)[0]
    after = v.obj(v.required(position, "after_block", "body.position"), "body.position.after_block")
    after_id = v.uuid(v.required(after, "id", "body.position.after_block"), "body.position.after_block.id")
    sibling = store_nodes.get(ctx.tx, ctx.principal.workspace_id, after_id)
    if sibling is None or sibling.parent_id != parent_id:
        raise errors.validation(f"body failed validation: body.position.after_block.id should be a child of the parent page, instead was `\"{after_id}\"`.")
    return store_nodes.keys_for_insert(ctx.tx, parent_id, 1, after_key=sibling.sort_key)[0]


def update(ctx: "Ctx", page: Node, body: dict[str, Any]) -> None:
    ctx.require(caps.UPDATE_CONTENT)
    allowed = ["properties", "icon", "cover", "in_trash", "is_locked", "is_archived", "template", "erase_content"]
    if ctx.version.archived:
        allowed.append("archived")
    v.no_extra(body, allowed, "body")
    trash = _trash_flag(ctx, body)
    before = page.data.get("properties", {})
    was = webhook_events.snapshot(page)
    ds = None
    if page.parent_type == "data_source_id":
        from .databases import data_source_node

        ds = data_source_node(ctx, page.parent_id)
    if trash is not None and trash != page.in_trash:
        if not trash:
            _ensure_no_trashed_ancestor(ctx, page)
            store_nodes.set_trash(ctx.tx, page, False, ctx.principal.user_id)
        elif not (set(body) - {"in_trash", "archived"}):
            store_nodes.set_trash(ctx.tx, page, True, ctx.principal.user_id)
            properties.page_written(ctx, page, ds, before)
            webhook_events.changed(ctx, page, was)
            return
    access.ensure_editable(page, "block")
    data = dict(page.data)
    if "properties" in body:
        data["properties"] = properties.parse_page_properties(ctx, body["properties"], ds, data.get("properties"))
        data["_title_text"] = _title_of(ctx, ds, data["properties"])
        page.title = data["_title_text"].lower()
    if "icon" in body:
        data["icon"] = parse_icon(ctx, body["icon"], "body.icon")
    if "cover" in body:
        data["cover"] = parse_cover(ctx, body["cover"], "body.cover")
    if "is_locked" in body:
        data["is_locked"] = v.boolean(body["is_locked"], "body.is_locked")
    if "is_archived" in body:
        data["is_archived"] = v.boolean(body["is_archived"], "body.is_archived")
    template = templates.chosen(ctx, body.get("template"), ds)
    erase = v.boolean(body["erase_content"], "body.erase_content") if "erase_content" in body else False
    if erase:
        for child in store_nodes.children(ctx.tx, page.id, limit=100_000):
            if child.kind == "block":
                store_nodes.set_trash(ctx.tx, child, True, ctx.principal.user_id)
    if template is not None:
        # The template's values fill what the request leaves unset, and its content follows the page's own
        # (or replaces it, with erase_content).
        data["properties"] = templates.properties_from(
            template, data.get("properties") or {}, _sent_ids(ds, body.get("properties", {})))
        data["_title_text"] = _title_of(ctx, ds, data["properties"])
        page.title = data["_title_text"].lower()
        templates.copy_content(ctx, template, page)
    page.data = data
    page.last_edited_time = ctx.now - ctx.now % 60_000
    page.last_edited_by = ctx.principal.user_id
    if trash:
        store_nodes.save(ctx.tx, page)
        store_nodes.set_trash(ctx.tx, page, True, ctx.principal.user_id)
    else:
        store_nodes.save(ctx.tx, page)
    properties.page_written(ctx, page, ds, before)
    webhook_events.changed(ctx, page, was)


def _ensure_no_trashed_ancestor(ctx: "Ctx", page: Node) -> None:
    """A page under something in the trash comes back with that ancestor, not on its own."""
    if page.trash_root not in (None, page.id) or any(a.in_trash for a in store_nodes.ancestors(ctx.tx, page)):
        raise errors.validation(
            "Can't edit page on block with an archived ancestor. You must unarchive the ancestor before editing page."
        )


def _trash_flag(ctx: "Ctx", body: dict[str, Any]) -> bool | None:
    flag = None
    if "in_trash" in body:
        flag = v.boolean(body["in_trash"], "body.in_trash")
    if "archived" in body:
        archived = v.boolean(body["archived"], "body.archived")
        if flag is not None and flag != archived:
            raise errors.validation("body failed validation: body.archived and body.in_trash should not conflict.")
        flag = archived
    return flag


def move(ctx: "Ctx", page: Node, body: dict[str, Any]) -> None:
    ctx.require(caps.UPDATE_CONTENT)
    v.no_extra(body, ("parent",), "body")
    kind, target = parse_parent(ctx, v.required(body, "parent", "body"), allowed=("page_id", "data_source_id"))
    access.ensure_editable(page, "block")
    parent_type, parent = resolve_container(ctx, kind, target)
    assert parent is not None
    access.ensure_editable(parent, "block")
    if parent.id == page.id or page.id in [a.id for a in store_nodes.ancestors(ctx.tx, parent)]:
        raise errors.validation("Cannot move a page into itself or one of its descendants.")
    if page.parent_type == "data_source_id" and parent_type == "page_id" or parent_type == "data_source_id":
        from .properties import values

        ds_props = parent.data.get("properties", {}) if parent_type == "data_source_id" else None
        page.data = dict(page.data)
        page.data["properties"] = values.carry_over(page, ds_props) if hasattr(values, "carry_over") else {
            "title": page.data.get("properties", {}).get("title", [])
        }
    old_parent = page.parent_id
    page.parent_type, page.parent_id = parent_type, parent.id
    page.sort_key = store_nodes.keys_for_insert(ctx.tx, parent.id, 1)[0]
    page.last_edited_time = ctx.now - ctx.now % 60_000
    page.last_edited_by = ctx.principal.user_id
    store_nodes.save(ctx.tx, page)
    if parent_type == "data_source_id":
        properties.page_written(ctx, page, parent, None)
    for pid in (old_parent, parent.id):
        if pid:
            store_nodes.touch(ctx.tx, pid, ctx.principal.user_id)
    webhook_events.record(ctx, "page.moved", page)
