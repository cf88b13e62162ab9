"""The workspace: sidebar, page view and editing, database table view, and the trash."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape as e

from .. import errors
from ..access import admin
from ..api import blocks as blocks_api, data_sources as ds_api, databases as db_api, pages as pages_api
from ..api import query as query_api
from ..domain import access, blocks, workspace_tree
from . import http
from .http import Answer
from .render import BlockRenderer, Links, property_value, rich_text, rich_text_str
from .server import FormError, Web, mutate, safe_next

# What the "Add a block" form offers, in Notion's menu order.
ADDABLE = [
    ("paragraph", "Text"), ("heading_1", "Heading 1"), ("heading_2", "Heading 2"), ("heading_3", "Heading 3"),
    ("to_do", "To-do list"), ("bulleted_list_item", "Bulleted list"), ("numbered_list_item", "Numbered list"),
    ("toggle", "Toggle list"), ("quote", "Quote"), ("callout", "Callout"), ("code", "Code"),
    ("equation", "Block equation"), ("divider", "Divider"), ("bookmark", "Bookmark"),
]
ADDABLE_NAMES = dict(ADDABLE)
TEXT_TYPES = BlockRenderer.TEXT_TYPES + ("code",)
FILTER_OPERATORS = [
    ("contains", "contains"), ("does_not_contain", "does not contain"), ("equals", "is"),
    ("does_not_equal", "is not"), ("starts_with", "starts with"), ("ends_with", "ends with"),
    ("greater_than", "greater than"), ("less_than", "less than"), ("before", "before"), ("after", "after"),
    ("is_empty", "is empty"), ("is_not_empty", "is not empty"),
]
ROWS_PER_PAGE = 50
MAX_CHILDREN_SHOWN = 10_000  # per parent block; a page this long is shown cut


def register(ui: Any) -> None:
    ui.add("GET", "/w/{workspace_id}", workspace_home)
    ui.add("GET", "/w/{workspace_id}/p/{page_id}", page_view)
    ui.add("POST", "/w/{workspace_id}/p/{page_id}/title", page_title)
    ui.add("POST", "/w/{workspace_id}/p/{page_id}/blocks", add_block)
    ui.add("POST", "/w/{workspace_id}/p/{page_id}/trash", trash_page)
    ui.add("POST", "/w/{workspace_id}/pages", new_page)
    ui.add("GET", "/w/{workspace_id}/b/{block_id}", block_form)
    ui.add("POST", "/w/{workspace_id}/b/{block_id}", edit_block)
    ui.add("POST", "/w/{workspace_id}/b/{block_id}/todo", toggle_todo)
    ui.add("POST", "/w/{workspace_id}/b/{block_id}/delete", delete_block)
    ui.add("GET", "/w/{workspace_id}/d/{database_id}", database_view)
    ui.add("GET", "/w/{workspace_id}/trash", trash_view)
    ui.add("POST", "/w/{workspace_id}/trash/{object_id}/restore", restore)


def _title_text(node: Any) -> str:
    return node.data.get("_title_text") or "Untitled"


def sidebar(web: Web, current: Any = None) -> list[dict[str, Any]]:
    """The workspace's top-level pages and databases; the path down to `current` is opened."""
    assert web.acting is not None
    ctx = web.acting.read_ctx
    links = Links(web.member.workspace.id)  # type: ignore[union-attr]
    opened: set[str] = set()
    if current is not None:
        opened = {n.id for n in workspace_tree.path_to(ctx, current)} | {current.id}
    top = workspace_tree.top_level(ctx)
    inner = workspace_tree.child_containers(ctx, [i for i in opened])

    def item(node: Any) -> dict[str, Any]:
        href = links.page(node.id) if node.kind == "page" else links.database(node.id)
        kids = [item(k) for k in inner.get(node.id, ())] if node.id in opened else []
        return {"id": node.id, "kind": node.kind, "title": _title_text(node), "href": href, "children": kids,
                "current": current is not None and node.id == current.id, "open": node.id in opened}

    return [item(n) for n in top]


def workspace_home(web: Web) -> Answer:
    items = sidebar(web)
    return web.render("home.html", tree=items, integrations=None)


def children_of(web: Web, block_id: str) -> list[dict[str, Any]]:
    """A block's children in one read: the access check of GET /v1/blocks/{id}/children and each
    block's payload as the API renders it (domain/blocks.render_payload), without the envelope
    (parent, timestamps, authors) that the page does not show."""
    assert web.acting is not None
    ctx = web.acting.read_ctx
    parent = access.load(ctx, block_id, "block", kinds=blocks_api.BLOCK_KINDS)
    items = blocks.children_page(ctx, parent, "", MAX_CHILDREN_SHOWN)
    with_children = blocks.has_children(ctx, items)
    out = []
    for node in items:
        kind, payload = blocks.render_payload(ctx, node)
        out.append({"id": node.id, "type": kind, kind: payload, "has_children": node.id in with_children})
    return out


def block_html(web: Web, page_id: str) -> Markup:
    links = Links(web.member.workspace.id)  # type: ignore[union-attr]
    base = e(web.base)
    csrf = e(web.csrf)
    back = f"{base}/p/{e(page_id)}"
    renderer: BlockRenderer

    def children(b: dict[str, Any]) -> str:
        items = children_of(web, b["id"])
        if b["type"] == "table":
            return _table_rows(items, b["table"], links)
        return renderer.blocks(items)

    def tools(b: dict[str, Any]) -> str:
        if b["type"] in NO_TOOLS:
            return ""
        label = ADDABLE_NAMES.get(b["type"]) or e(b["type"].replace("_", " ").capitalize())
        bid = e(b["id"])
        # Delete buttons share one form of the page (its CSRF token), each with its own action.
        return (f'<div class="block-tools"><a class="tool" href="{base}/b/{bid}?back={back}" '
                f'aria-label="Edit {label} block">Edit</a><button class="tool" form="delete-block" '
                f'formaction="{base}/b/{bid}/delete" aria-label="Delete {label} block">Delete</button></div>')

    def todo_form(b: dict[str, Any]) -> str:
        checked = bool(b["to_do"].get("checked"))
        bid = e(b["id"])
        return (f'<form class="todo-form" method="post" action="{base}/b/{bid}/todo">'
                f'<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="back" value="{back}">'
                f'<input type="hidden" name="checked" value="{"false" if checked else "true"}">'
                f'<input type="checkbox" class="todo-box" data-autosubmit aria-labelledby="todo-{bid}"'
                f'{" checked" if checked else ""}><noscript><button class="tool">'
                f'{"Uncheck" if checked else "Check"}</button></noscript></form>')

    renderer = BlockRenderer(links, children, tools, todo_form)
    return Markup(renderer.blocks(children_of(web, page_id)))


NO_TOOLS = ("table_row", "column", "column_list", "child_page", "child_database")


def _table_rows(rows: list[dict[str, Any]], table: dict[str, Any], links: Links) -> str:
    col_header, row_header = table.get("has_column_header"), table.get("has_row_header")
    out = ['<table class="simple-table">']
    for r_index, row in enumerate(rows):
        cells = (row.get("table_row") or {}).get("cells") or []
        out.append("<tr>")
        for c_index, cell in enumerate(cells):
            head = (col_header and r_index == 0) or (row_header and c_index == 0)
            tag = "th" if head else "td"
            scope = ' scope="col"' if col_header and r_index == 0 else (' scope="row"' if head else "")
            out.append(f"<{tag}{scope}>{rich_text_str(cell, links)}</{tag}>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _title_of(obj: dict[str, Any]) -> list[dict[str, Any]]:
    if obj.get("object") == "database" or obj.get("object") == "data_source":
        return obj.get("title") or []
    for prop in (obj.get("properties") or {}).values():
        if prop.get("type") == "title":
            return prop.get("title") or []
    return []


def plain(items: list[dict[str, Any]]) -> str:
    return "".join(i.get("plain_text", "") for i in items)


def share_state(web: Web, object_id: str) -> dict[str, Any]:
    """Integrations of the workspace, and which of them this object is shared with (directly)."""
    ws = web.member.workspace  # type: ignore[union-attr]
    all_integrations = admin.list_integrations(web.tx, ws)
    granted = []
    for info in all_integrations:
        for s in info["shared"]:
            if s["object_id"] == object_id:
                granted.append({"id": info["id"], "name": info["name"], "access": s["access"]})
    return {"integrations": all_integrations, "granted": granted, "object_id": object_id,
            "open": web.request.query("share") == "open"}


def page_view(web: Web, page_id: str, error: FormError | None = None, typed: dict[str, str] | None = None) -> Answer:
    assert web.acting is not None
    page = web.acting.call(pages_api.retrieve_page, page_id=page_id)
    node = workspace_tree.get(web.acting.read_ctx, page["id"])
    links = Links(web.member.workspace.id)  # type: ignore[union-attr]
    title = _title_of(page)
    properties = []
    if page["parent"].get("type") in ("data_source_id", "database_id"):
        for name, value in page["properties"].items():
            if value.get("type") != "title":
                properties.append({"name": name, "html": property_value(value, links)})
    path = [{"title": _title_text(n), "href": links.page(n.id) if n.kind == "page" else links.database(n.id)}
            for n in workspace_tree.path_to(web.acting.read_ctx, node) if n.kind in ("page", "database")]
    return web.render(
        "page.html", 400 if error else 200, page=page, title_html=rich_text(title, links), title_text=plain(title),
        properties=properties, body=block_html(web, page["id"]), tree=sidebar(web, node), path=path,
        addable=ADDABLE, share=share_state(web, page["id"]), error=error, typed=typed or {},
        icon=(page.get("icon") or {}).get("emoji"),
    )


def _back(web: Web, default: str) -> str:
    value = safe_next(web.request.field("back") or web.request.query("back") or default)
    return value if value.startswith(web.base) else default


def _text_items(text: str) -> list[dict[str, Any]]:
    # Notion caps one text object at 2,000 characters; longer input is split, not refused.
    return [{"type": "text", "text": {"content": text[i:i + 2000]}} for i in range(0, len(text), 2000)] or []


def page_title(web: Web, page_id: str) -> Answer:
    assert web.acting is not None
    title = web.request.field("title")
    body = {"properties": {"title": {"title": _text_items(title)}}}
    try:
        mutate(web, lambda: web.acting.call(pages_api.update_page, "PATCH", body, page_id=page_id))  # type: ignore[union-attr]
    except FormError as exc:
        return page_view(web, page_id, exc, {"title": title})
    if web.request.wants_json:
        return http.json_answer({"ok": True})
    return http.redirect(f"{web.base}/p/{page_id}")


def block_payload(kind: str, text: str, language: str = "plain text") -> dict[str, Any]:
    if kind == "divider":
        return {}
    if kind == "bookmark":
        return {"url": text.strip()}
    if kind == "equation":
        return {"expression": text}
    payload: dict[str, Any] = {"rich_text": _text_items(text)}
    if kind == "code":
        payload["language"] = language or "plain text"
    if kind == "to_do":
        payload["checked"] = False
    return payload


def add_block(web: Web, page_id: str) -> Answer:
    assert web.acting is not None
    r = web.request
    kind, text = r.field("type", "paragraph"), r.field("text")
    if kind not in ADDABLE_NAMES:
        return page_view(web, page_id, FormError(f"Choose a block type from the list, not {kind!r}."),
                         {"text": text})
    body = {"children": [{"object": "block", "type": kind, kind: block_payload(kind, text, r.field("language"))}]}
    try:
        mutate(web, lambda: web.acting.call(blocks_api.append_children, "PATCH", body, block_id=page_id))  # type: ignore[union-attr]
    except FormError as exc:
        return page_view(web, page_id, exc, {"text": text, "type": kind})
    return http.redirect(f"{web.base}/p/{page_id}#add-block")


def new_page(web: Web) -> Answer:
    assert web.acting is not None
    title = web.request.field("title") or "Untitled"
    parent = web.request.field("parent")
    body = {"parent": {"page_id": parent} if parent else {"workspace": True},
            "properties": {"title": {"title": _text_items(title)}}}
    try:
        page = mutate(web, lambda: web.acting.call(pages_api.create_page, "POST", body))  # type: ignore[union-attr]
    except FormError as exc:
        return web.render("error.html", 400, status=400, message=exc.message)
    return http.redirect(f"{web.base}/p/{page['id']}")


def trash_page(web: Web, page_id: str) -> Answer:
    assert web.acting is not None
    web.acting.call(pages_api.update_page, "PATCH", {"in_trash": True}, page_id=page_id)
    return http.redirect(f"{web.base}/trash")


def block_form(web: Web, block_id: str, error: FormError | None = None, typed: str | None = None) -> Answer:
    assert web.acting is not None
    block = web.acting.call(blocks_api.retrieve_block, block_id=block_id)
    kind = block["type"]
    payload = block.get(kind) or {}
    if kind == "equation":
        text = payload.get("expression", "")
    elif kind == "bookmark":
        text = payload.get("url", "")
    else:
        text = plain(payload.get("rich_text") or [])
    back = _back(web, web.base)
    return web.render("block.html", 400 if error else 200, block=block, kind=kind,
                      label=ADDABLE_NAMES.get(kind, kind.replace("_", " ")),
                      editable=kind in TEXT_TYPES or kind in ("equation", "bookmark"),
                      text=text if typed is None else typed, back=back, error=error, tree=sidebar(web))


def edit_block(web: Web, block_id: str) -> Answer:
    assert web.acting is not None
    text = web.request.field("text")
    block = web.acting.call(blocks_api.retrieve_block, block_id=block_id)
    kind = block["type"]
    if kind == "equation":
        change: dict[str, Any] = {"expression": text}
    elif kind == "bookmark":
        change = {"url": text.strip()}
    else:
        change = {"rich_text": _text_items(text)}
    try:
        mutate(web, lambda: web.acting.call(blocks_api.update_block, "PATCH", {kind: change}, block_id=block_id))  # type: ignore[union-attr]
    except FormError as exc:
        return block_form(web, block_id, exc, text)
    return http.redirect(_back(web, web.base) + f"#block-{block['id']}")


def toggle_todo(web: Web, block_id: str) -> Answer:
    assert web.acting is not None
    checked = web.request.field("checked") == "true"
    web.acting.call(blocks_api.update_block, "PATCH", {"to_do": {"checked": checked}}, block_id=block_id)
    if web.request.wants_json:
        return http.json_answer({"checked": checked})
    return http.redirect(_back(web, web.base) + f"#block-{block_id}")


def delete_block(web: Web, block_id: str) -> Answer:
    assert web.acting is not None
    web.acting.call(blocks_api.delete_block, "DELETE", block_id=block_id)
    return http.redirect(_back(web, web.base))


def _filter(schema: dict[str, Any], prop: str, op: str, value: str) -> dict[str, Any] | None:
    if not prop:
        return None
    spec = schema.get(prop)
    if spec is None:
        raise FormError(f"There is no property {prop!r}.")
    kind = spec["type"]
    condition: Any = value
    if op in ("is_empty", "is_not_empty"):
        condition = True
    elif kind == "number":
        try:
            condition = float(value)
        except ValueError:
            raise FormError(f"{prop} is a number property: enter a number to compare with.") from None
        if condition.is_integer():
            condition = int(condition)
    elif kind == "checkbox":
        condition = value.strip().lower() in ("true", "yes", "1", "checked", "on")
    if kind in ("formula", "rollup"):
        raise FormError(f"Filtering on {kind} properties is not offered here yet; use the API.")
    return {"property": prop, kind: {op: condition}}


def database_view(web: Web, database_id: str) -> Answer:
    assert web.acting is not None
    r = web.request
    database = web.acting.call(db_api.retrieve_database, database_id=database_id)
    sources = database.get("data_sources") or []
    links = Links(web.member.workspace.id)  # type: ignore[union-attr]
    node = workspace_tree.get(web.acting.read_ctx, database["id"])
    chosen = r.query("source") or (sources[0]["id"] if sources else "")
    data_source = web.acting.call(ds_api.retrieve_data_source, data_source_id=chosen) if chosen else {"properties": {}}
    schema = data_source.get("properties") or {}
    columns = sorted(schema.values(), key=lambda p: (p["type"] != "title", 0))
    state = {"f_prop": r.query("f_prop"), "f_op": r.query("f_op", "contains"), "f_value": r.query("f_value"),
             "s_prop": r.query("s_prop"), "s_dir": r.query("s_dir", "ascending"), "cursor": r.query("cursor")}
    body: dict[str, Any] = {"page_size": ROWS_PER_PAGE}
    error = None
    rows: list[dict[str, Any]] = []
    next_cursor = None
    try:
        wanted = _filter(schema, state["f_prop"], state["f_op"], state["f_value"])
        if wanted:
            body["filter"] = wanted
        if state["s_prop"]:
            body["sorts"] = [{"property": state["s_prop"], "direction":
                              "descending" if state["s_dir"] == "descending" else "ascending"}]
        if state["cursor"]:
            body["start_cursor"] = state["cursor"]
        if chosen:
            answer = mutate(web, lambda: web.acting.call(  # type: ignore[union-attr]
                query_api.query_data_source, "POST", body, data_source_id=chosen))
            rows, next_cursor = answer["results"], answer.get("next_cursor")
    except FormError as exc:
        error = exc
    table = [{"id": row["id"], "href": links.page(row["id"]),
              "cells": [property_value(row["properties"].get(c["name"], {}), links) for c in columns]}
             for row in rows]
    return web.render(
        "database.html", 400 if error else 200, database=database, title_html=rich_text(database.get("title"), links),
        title_text=plain(database.get("title") or []), columns=columns, rows=table, next_cursor=next_cursor,
        state=state, operators=FILTER_OPERATORS, error=error, sources=sources, chosen=chosen,
        tree=sidebar(web, node), share=share_state(web, database["id"]),
        icon=(database.get("icon") or {}).get("emoji"),
    )


def trash_view(web: Web) -> Answer:
    assert web.acting is not None
    items = []
    links = Links(web.member.workspace.id)  # type: ignore[union-attr]
    for node in workspace_tree.trashed(web.acting.read_ctx):
        if node.kind == "block":
            title = node.type.replace("_", " ")
        else:
            title = _title_text(node)
        items.append({"id": node.id, "kind": node.kind, "title": title,
                      "href": links.page(node.id) if node.kind == "page" else None})
    return web.render("trash.html", items=items, tree=sidebar(web))


def restore(web: Web, object_id: str) -> Answer:
    assert web.acting is not None
    node = workspace_tree.get(web.acting.read_ctx, object_id)
    if node is None:
        raise errors.not_found("block", object_id, None, None)
    if node.kind == "page":
        web.acting.call(pages_api.update_page, "PATCH", {"in_trash": False}, page_id=object_id)
        target = f"{web.base}/p/{object_id}"
    elif node.kind == "database":
        web.acting.call(db_api.update_database, "PATCH", {"in_trash": False}, database_id=object_id)
        target = f"{web.base}/d/{object_id}"
    else:
        web.acting.call(blocks_api.update_block, "PATCH", {"in_trash": False}, block_id=object_id)
        target = f"{web.base}/trash"
    return http.redirect(target)
