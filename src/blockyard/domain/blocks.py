"""Block types: how each is validated on create and update, what defaults it takes, whether it
may hold children, and how it renders. One registry, `SPECS`; each type declares itself once.

Stored block data is the response payload of its type, fields in Notion's response order
(fields are declared in that order, and parsing fills them in declaration order)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import orjson


from .. import errors, ids
from ..store import nodes as store_nodes
from ..store.nodes import Node
from . import media, rich_text, validate as v

if TYPE_CHECKING:
    from ..context import Ctx

MAX_CHILDREN = 100
MAX_DEPTH = 3  # block levels in one request: top level, children, grandchildren (two `children` arrays)
MAX_BLOCKS_PER_REQUEST = 1000
MAX_EXPRESSION = 1000

Parser = Callable[["Ctx", Any, str, dict[str, Any] | None], Any]


@dataclass
class Field:
    """One field of a block payload: `parse(ctx, value, path, current)` returns the stored value."""

    parse: Parser
    required: bool = False
    default: Callable[[], Any] | None = None
    updatable: bool = True


@dataclass
class BlockSpec:
    type: str
    fields: dict[str, Field] = field(default_factory=dict)
    # any: children of any type | none | toggleable: only if is_toggleable | original: only synced originals
    children: str = "any"
    creatable: bool = True
    # Extra checks after fields parse: (ctx, stored data, parsed children or None, path, parent data) -> None
    check: Callable[["Ctx", dict[str, Any], "list[Planned] | None", str, dict[str, Any] | None], None] | None = None
    # Custom rendering of the stored payload
    render: Callable[["Ctx", Node], dict[str, Any]] | None = None
    # Allowed child types, when restricted (column_list -> column, table -> table_row, tab -> paragraph)
    child_types: tuple[str, ...] | None = None
    # The only parent type this block may have (column -> column_list, table_row -> table)
    parent_type: str | None = None
    # Children that must come with the block on create
    children_required: bool = False
    min_children: int = 0
    # Rewrites the stored payload on update (e.g. a file's new name keeps its extension)
    on_update: Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], None] | None = None


SPECS: dict[str, BlockSpec] = {}


def register(spec: BlockSpec) -> BlockSpec:
    SPECS[spec.type] = spec
    return spec


# --- field parsers -------------------------------------------------------------------------------

def rich_text_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    return rich_text.parse(value, path, resolver_for(ctx))


def color_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    return v.enum(value, path, v.COLORS)


def bool_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    return v.boolean(value, path)


def icon_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    return media.parse_icon(ctx, value, path)


def url_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    return v.string(value, path, max_len=rich_text.MAX_URL)


def expression_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    return v.string(value, path, max_len=MAX_EXPRESSION)


def language_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    return v.enum(value, path, LANGUAGES)


def list_start_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    return v.integer(value, path, minimum=1)


def list_format_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    return v.enum(value, path, ("numbers", "letters", "roman"))


def width_ratio_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    ratio = v.number(value, path)
    if not 0 < ratio <= 1:
        raise errors.validation(
            f"body failed validation: {path} should be a number greater than 0 and at most 1, instead was `{errors.show(value)}`."
        )
    return ratio


def table_width_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    return v.integer(value, path, minimum=1)


def cells_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    cells = v.array(value, path)
    return [rich_text.parse(cell, f"{path}[{i}]", resolver_for(ctx)) for i, cell in enumerate(cells)]


def synced_from_field(ctx: "Ctx", value: Any, path: str, current: dict[str, Any] | None) -> Any:
    if value is None:
        return None
    v.obj(value, path)
    v.no_extra(value, ("type", "block_id"), path)
    if "type" in value:
        v.enum(value["type"], f"{path}.type", ("block_id",))
    block_id = v.uuid(v.required(value, "block_id", path), f"{path}.block_id")
    original = store_nodes.get(ctx.tx, ctx.principal.workspace_id, block_id)
    if original is None or original.kind != "block" or original.type != "synced_block" or original.in_trash:
        raise errors.validation(
            f"body failed validation: {path}.block_id should be the ID of an original synced_block, instead was `\"{block_id}\"`."
        )
    if original.data.get("synced_from") is not None:
        raise errors.validation(
            f"body failed validation: {path}.block_id should be the ID of an original synced_block, not of a synced copy, "
            f"instead was `\"{block_id}\"`."
        )
    return {"type": "block_id", "block_id": block_id}


LINK_TARGETS = ("page_id", "database_id", "comment_id")


def link_field(ctx: "Ctx", value: Any, path: str) -> dict[str, Any]:
    v.obj(value, path)
    kind = value.get("type")
    if kind is None:
        present = [k for k in LINK_TARGETS if k in value]
        if len(present) != 1:
            raise errors.body_invalid_any([(f"{path}.{k}", "defined", errors.UNDEFINED) for k in LINK_TARGETS])
        kind = present[0]
    v.enum(kind, f"{path}.type", LINK_TARGETS)
    v.no_extra(value, ("type", kind), path)
    target = v.uuid(v.required(value, kind, path), f"{path}.{kind}")
    return {"type": kind, kind: target}


def text_fields(**extra: Field) -> dict[str, Field]:
    return {"rich_text": Field(rich_text_field, required=True), "color": Field(color_field, default=lambda: "default"), **extra}


def caption() -> Field:
    return Field(rich_text_field, default=list)


# Notion's code block languages, as the API names them.
LANGUAGES = (
    "abap", "abc", "agda", "arduino", "ascii art", "assembly", "bash", "basic", "bnf", "c", "c#", "c++", "clojure",
    "coffeescript", "coq", "css", "dart", "dhall", "diff", "docker", "ebnf", "elixir", "elm", "erlang", "f#", "flow",
    "fortran", "gherkin", "glsl", "go", "graphql", "groovy", "haskell", "hcl", "html", "idris", "java", "javascript",
    "json", "julia", "kotlin", "latex", "less", "lisp", "livescript", "llvm ir", "lua", "makefile", "markdown",
    "markup", "matlab", "mathematica", "mermaid", "nix", "notion formula", "objective-c", "ocaml", "pascal", "perl",
    "php", "plain text", "powershell", "prolog", "protobuf", "purescript", "python", "r", "racket", "reason", "ruby",
    "rust", "sass", "scala", "scheme", "scss", "shell", "smalltalk", "solidity", "sql", "swift", "toml", "typescript",
    "vb.net", "verilog", "vhdl", "visual basic", "webassembly", "xml", "yaml", "java/c/c++/c#",
)

# Text blocks: field order is the response order Notion uses.
register(BlockSpec("paragraph", {"rich_text": Field(rich_text_field, required=True), "icon": Field(icon_field, default=lambda: None),
                                 "color": Field(color_field, default=lambda: "default")}))
for _t in ("bulleted_list_item", "quote", "toggle"):
    register(BlockSpec(_t, text_fields()))
register(BlockSpec("numbered_list_item", text_fields(
    list_start_index=Field(list_start_field, updatable=False), list_format=Field(list_format_field, updatable=False))))
register(BlockSpec("to_do", {"rich_text": Field(rich_text_field, required=True), "checked": Field(bool_field, default=lambda: False),
                             "color": Field(color_field, default=lambda: "default")}))
for _t in ("heading_1", "heading_2", "heading_3", "heading_4"):
    register(BlockSpec(_t, {"rich_text": Field(rich_text_field, required=True),
                            "is_toggleable": Field(bool_field, default=lambda: False),
                            "color": Field(color_field, default=lambda: "default")}, children="toggleable"))
# A callout made without an icon gets Notion's default light bulb.
register(BlockSpec("callout", {"rich_text": Field(rich_text_field, required=True),
                               "icon": Field(icon_field, default=lambda: {"type": "emoji", "emoji": "💡"}),
                               "color": Field(color_field, default=lambda: "default")}))
register(BlockSpec("code", {"caption": caption(), "rich_text": Field(rich_text_field, required=True),
                            "language": Field(language_field, required=True)}, children="none"))
register(BlockSpec("equation", {"expression": Field(expression_field, required=True)}, children="none"))
register(BlockSpec("divider", children="none"))
register(BlockSpec("breadcrumb", children="none"))
register(BlockSpec("table_of_contents", {"color": Field(color_field, default=lambda: "default")}, children="none"))
register(BlockSpec("embed", {"caption": caption(), "url": Field(url_field, required=True)}, children="none"))
register(BlockSpec("bookmark", {"caption": caption(), "url": Field(url_field, required=True)}, children="none"))
register(BlockSpec("link_to_page", children="none"))  # payload is a union; parsed in parse_payload
register(BlockSpec("synced_block", {"synced_from": Field(synced_from_field, required=True)}, children="original"))
register(BlockSpec("column_list", child_types=("column",), children_required=True, min_children=2))
register(BlockSpec("column", {"width_ratio": Field(width_ratio_field)}, parent_type="column_list"))
register(BlockSpec("tab", child_types=("paragraph",)))


def _check_table(ctx: "Ctx", data: dict[str, Any], children: "list[Planned] | None", path: str, parent: dict[str, Any] | None) -> None:
    for i, row in enumerate(children or []):
        _check_row_width(row.data, data["table_width"], f"{path}.children[{i}].table_row.cells")


def _check_row(ctx: "Ctx", data: dict[str, Any], children: "list[Planned] | None", path: str, parent: dict[str, Any] | None) -> None:
    # Rows planned inside a new table are checked by the table; rows appended to a stored one here.
    if parent is not None and "table_width" in parent:
        _check_row_width(data, parent["table_width"], f"{path}.cells")


def _check_row_width(row: dict[str, Any], width: int, path: str) -> None:
    if len(row["cells"]) != width:
        raise errors.validation(
            f"body failed validation: {path}.length should be `{width}` (the table_width of the table), "
            f"instead was `{len(row['cells'])}`."
        )


register(BlockSpec("table", {"table_width": Field(table_width_field, required=True, updatable=False),
                             "has_column_header": Field(bool_field, default=lambda: False),
                             "has_row_header": Field(bool_field, default=lambda: False)},
                   child_types=("table_row",), children_required=True, min_children=1, check=_check_table))
register(BlockSpec("table_row", {"cells": Field(cells_field, required=True)}, children="none", parent_type="table",
                   check=_check_row))

for _t in media.MEDIA_TYPES:
    register(BlockSpec(_t, children="none", on_update=media.keep_extension if _t == "file" else None))

# Read-only types: answered by GET, refused on create and update.
READ_ONLY_TYPES = ("child_page", "child_database", "link_preview", "unsupported", "meeting_notes", "transcription", "template")


# --- rendering -----------------------------------------------------------------------------------

def render_payload(ctx: "Ctx", node: Node) -> tuple[str, dict[str, Any]]:
    """(type name in this API version, payload) of a block, page or database node."""
    if node.kind == "page":
        return "child_page", {"title": node.data.get("_title_text", "")}
    if node.kind == "database":
        return "child_database", {"title": node.data.get("_title_text", "")}
    spec = SPECS.get(node.type)
    if spec is not None and spec.render is not None:
        return node.type, spec.render(ctx, node)
    if node.type in ("transcription", "meeting_notes"):
        return ctx.version.meeting_notes_type, _public(node.data)
    if node.type == "unsupported":
        payload = _public(node.data)
        if not ctx.version.unsupported_block_type:
            payload.pop("block_type", None)
        return "unsupported", payload
    payload = _public(node.data)
    if node.data.get("_user_mentions"):
        payload = rich_text.render_user_mentions(ctx, payload)
    return node.type, payload


def _public(data: dict[str, Any]) -> dict[str, Any]:
    return {k: val for k, val in data.items() if not k.startswith("_")}


def render_list(ctx: "Ctx", items: list[Node]) -> list[dict[str, Any]]:
    from . import render

    parents = has_children(ctx, items)
    return [render.block(ctx, n, n.id in parents) for n in items]


def has_children(ctx: "Ctx", items: list[Node]) -> set[str]:
    """IDs of the items that have children; a synced copy has the children of its original."""
    if not items:
        return set()
    source = {n.id: _children_source(n) for n in items}
    found = store_nodes.with_children(ctx.tx, list(set(source.values())))
    return {nid for nid, src in source.items() if src in found}


def _children_source(node: Node) -> str:
    if node.kind == "block" and node.type == "synced_block" and node.data.get("synced_from"):
        return node.data["synced_from"]["block_id"]
    return node.id


def children_page(ctx: "Ctx", parent: Node, from_key: str, limit: int) -> list[Node]:
    """Children in order from `from_key`; a synced copy lists its original's children."""
    source_id = _children_source(parent)
    source = parent if source_id == parent.id else store_nodes.get(ctx.tx, parent.workspace_id, source_id)
    if source is None:
        return []
    return store_nodes.block_children(ctx.tx, source, from_key, limit)


# --- create --------------------------------------------------------------------------------------

@dataclass
class Planned:
    """A block parsed from a request, waiting for its place in the tree."""

    type: str
    data: dict[str, Any]
    children: list["Planned"]
    id: str = field(default_factory=ids.new_id)


def parse_children(ctx: "Ctx", value: Any, path: str, *, depth: int = 1, parent_spec: BlockSpec | None = None,
                   parent_data: dict[str, Any] | None = None, min_items: int | None = None) -> list[Planned]:
    items = v.array(value, path, max_items=MAX_CHILDREN, min_items=min_items)
    return [parse_block(ctx, item, f"{path}[{i}]", depth=depth, parent_spec=parent_spec, parent_data=parent_data)
            for i, item in enumerate(items)]


def _block_type(item: dict[str, Any], path: str) -> str:
    block_type = item.get("type")
    if block_type is None:
        present = [k for k in item if k in SPECS or k in READ_ONLY_TYPES]
        if len(present) != 1:
            raise errors.body_invalid_any([(f"{path}.{t}", "defined", errors.UNDEFINED) for t in creatable_types()])
        block_type = present[0]
    if not isinstance(block_type, str):
        raise v.fail(f"{path}.type", "a string", block_type)
    return block_type


def creatable_types() -> list[str]:
    return [t for t, s in SPECS.items() if s.creatable]


def parse_block(ctx: "Ctx", item: Any, path: str, *, depth: int, parent_spec: BlockSpec | None,
                parent_data: dict[str, Any] | None = None) -> Planned:
    v.obj(item, path)
    block_type = _block_type(item, path)
    spec = SPECS.get(block_type)
    if spec is None or not spec.creatable:
        if block_type in READ_ONLY_TYPES or block_type in ctx.app.settings.extra.get("read_only_blocks", ()):
            raise errors.validation(
                f"body failed validation: {path}.type should be a block type that can be created, instead was `\"{block_type}\"`."
            )
        raise v.fail(f"{path}.type", v.one_of(creatable_types()), block_type)
    if parent_spec is not None and parent_spec.child_types is not None and block_type not in parent_spec.child_types:
        raise v.fail(f"{path}.type", v.one_of(parent_spec.child_types), block_type)
    if spec.parent_type is not None and (parent_spec is None or parent_spec.type != spec.parent_type):
        raise errors.validation(
            f"body failed validation: {path}.type `\"{block_type}\"` can only be a child of a {spec.parent_type} block."
        )
    v.no_extra(item, ("object", "type", block_type, "id", "has_children", "archived", "in_trash", "created_time",
                      "last_edited_time", "created_by", "last_edited_by", "parent"), path)
    if "object" in item:
        v.enum(item["object"], f"{path}.object", ("block",))
    payload = v.obj(v.required(item, block_type, path), f"{path}.{block_type}")
    data = parse_payload(ctx, spec, payload, f"{path}.{block_type}", current=None)
    children_json = payload.get("children")
    children: list[Planned] | None = None
    cpath = f"{path}.{block_type}.children"
    if children_json is not None and children_json != []:
        if not may_have_children(spec, data) or depth >= MAX_DEPTH:
            raise v.fail(cpath, "not present", children_json)
        # Columns are the layout of their column_list, not a nesting level of their own.
        children = parse_children(ctx, children_json, cpath, depth=depth if block_type == "column_list" else depth + 1,
                                  parent_spec=spec, parent_data=data,
                                  min_items=spec.min_children or None)
    elif spec.children_required:
        if children_json is None:
            raise v.fail(cpath, "defined")
        v.array(children_json, cpath, min_items=spec.min_children or 1)
    if spec.check is not None:
        spec.check(ctx, data, children, f"{path}.{block_type}", parent_data)
    _mark_mentions(data)
    return Planned(block_type, data, children or [])


def parse_payload(ctx: "Ctx", spec: BlockSpec, payload: dict[str, Any], path: str, current: dict[str, Any] | None) -> dict[str, Any]:
    if spec.type == "link_to_page":
        if "children" in payload:
            raise v.fail(f"{path}.children", "not present", payload["children"])
        return link_field(ctx, payload, path)
    if spec.type in media.MEDIA_TYPES:
        return media.parse_block_media(ctx, spec.type, payload, path, current, resolver_for(ctx))
    allowed = set(spec.fields) | {"children"}
    v.no_extra(payload, allowed, path)
    data: dict[str, Any] = {}
    for name, fld in spec.fields.items():
        if name in payload:
            if current is not None and not fld.updatable:
                raise v.fail(f"{path}.{name}", "not present", payload[name])
            data[name] = fld.parse(ctx, payload[name], f"{path}.{name}", current)
        elif current is not None:
            if name in current:
                data[name] = current[name]
        else:
            if fld.required:
                raise v.fail(f"{path}.{name}", "defined")
            if fld.default is not None:
                data[name] = fld.default()
    return data


def may_have_children(spec: BlockSpec, data: dict[str, Any]) -> bool:
    if spec.children == "none":
        return False
    if spec.children == "toggleable":
        return bool(data.get("is_toggleable"))
    if spec.children == "original":
        return data.get("synced_from") is None
    return True


_may_have_children = may_have_children  # older name


def _mark_mentions(data: dict[str, Any]) -> None:
    """Flag payloads holding user mentions, which render with the user as the caller may see them."""
    data.pop("_user_mentions", None)
    if b'"mention"' in orjson.dumps(data) and rich_text.has_user_mention(data):
        data["_user_mentions"] = True


def count_blocks(planned: list[Planned]) -> int:
    return sum(1 + count_blocks(p.children) for p in planned)


def check_request_size(planned: list[Planned], limit: int = MAX_BLOCKS_PER_REQUEST) -> None:
    total = count_blocks(planned)
    if total > limit:
        raise errors.validation(
            f"body failed validation: the request contains {total} block elements, more than the limit of {limit}."
        )


def insert_planned(ctx: "Ctx", parent: Node, planned: list[Planned], keys: list[str],
                   max_blocks: int | None = MAX_BLOCKS_PER_REQUEST) -> list[Node]:
    """Insert parsed blocks (and their children) under `parent` with the given order keys.
    `max_blocks` is the per-request limit; markdown writes have their own (None here)."""
    if max_blocks is not None:
        check_request_size(planned, max_blocks)
    now = ctx.now - ctx.now % 60_000
    user = ctx.principal.user_id
    parent_type = "page_id" if parent.kind == "page" else "block_id"
    rows: list[Node] = []
    top: list[Node] = []

    def add(items: list[Planned], parent_id: str, ptype: str, item_keys: list[str], collect: list[Node] | None) -> None:
        for item, key in zip(items, item_keys):
            node = Node(
                id=item.id, workspace_id=parent.workspace_id, kind="block", type=item.type, parent_type=ptype,
                parent_id=parent_id, sort_key=key, in_trash=False, trash_root=None, created_time=now,
                created_by=user, last_edited_time=now, last_edited_by=user, title="", data=item.data,
            )
            rows.append(node)
            if collect is not None:
                collect.append(node)
            if item.children:
                child_keys = []
                k = None
                for _ in item.children:
                    k = store_nodes.order.after(k)
                    child_keys.append(k)
                add(item.children, item.id, "block_id", child_keys, None)

    add(planned, parent.id, parent_type, keys, top)
    store_nodes.insert_many(ctx.tx, rows)
    return top


def parent_spec_of(parent: Node) -> BlockSpec | None:
    """The spec governing children appended to `parent` (None for pages)."""
    if parent.kind != "block":
        return None
    spec = SPECS.get(parent.type)
    if spec is None or not may_have_children(spec, parent.data):
        raise errors.validation(f"Block type {parent.type} does not support children.")
    return spec


# --- update --------------------------------------------------------------------------------------

def update(ctx: "Ctx", node: Node, body: dict[str, Any]) -> None:
    """PATCH /v1/blocks/{id}: replace the supplied fields of the block's payload."""
    spec = SPECS.get(node.type)
    if node.type in READ_ONLY_TYPES or spec is None:
        raise errors.validation(f"body failed validation: a block of type `{node.type}` cannot be updated.")
    if "type" in body and body["type"] != node.type:
        raise v.fail("body.type", f'`"{node.type}"`', body["type"])
    for key in body:
        if key in SPECS and key != node.type or key in READ_ONLY_TYPES:
            raise v.fail(f"body.{key}", "not present", body[key])
        if key not in SPECS and key not in ("type", "in_trash", "archived"):
            raise v.fail(f"body.{key}", "not present", body[key])
    if node.type in body:
        path = f"body.{node.type}"
        payload = v.obj(body[node.type], path)
        # Clients echo `children: []` from the blocks they read; only real children are refused.
        if payload.get("children") not in (None, []):
            raise v.fail(f"{path}.children", "not present", payload["children"])
        payload = {k: val for k, val in payload.items() if k != "children"}
        data = parse_payload(ctx, spec, payload, path, current=node.data)
        if spec.children == "toggleable" and node.data.get("is_toggleable") and not data.get("is_toggleable"):
            if children_page(ctx, node, "", 1):
                raise errors.validation(
                    f"body failed validation: {path}.is_toggleable cannot be false while the heading has children; "
                    "remove its children first."
                )
        if spec.type == "synced_block" and data.get("synced_from") is not None and children_page(ctx, node, "", 1):
            raise errors.validation(
                f"body failed validation: {path}.synced_from cannot point to another block while this synced_block has children."
            )
        if spec.check is not None:
            parent = store_nodes.get(ctx.tx, node.workspace_id, node.parent_id) if node.parent_id else None
            spec.check(ctx, data, None, path, parent.data if parent is not None and parent.kind == "block" else None)
        if spec.on_update is not None:
            spec.on_update(node.data, payload, data)
        _mark_mentions(data)
        node.data = data
    node.last_edited_time = ctx.now - ctx.now % 60_000
    node.last_edited_by = ctx.principal.user_id


# --- the workspace as rich text sees it ----------------------------------------------------------

class WorkspaceResolver(rich_text.Resolver):
    def __init__(self, ctx: "Ctx") -> None:
        self.ctx = ctx

    def user_name(self, user_id: str) -> str | None:
        from . import users

        row = users.get_row(self.ctx, user_id)
        return row.name if row is not None else None

    def user_exists(self, user_id: str) -> bool:
        from . import users

        return users.get_row(self.ctx, user_id) is not None

    def page_title(self, page_id: str) -> str | None:
        node = store_nodes.get(self.ctx.tx, self.ctx.principal.workspace_id, page_id)
        return node.data.get("_title_text") if node is not None else None

    database_title = page_title


def resolver_for(ctx: "Ctx") -> rich_text.Resolver:
    key = ("resolver",)
    if key not in ctx.tx.cache:
        ctx.tx.cache[key] = WorkspaceResolver(ctx)
    return ctx.tx.cache[key]
