"""Block types: how each is validated on create and update, what defaults it takes, whether it
may hold children, and how it renders. One registry, `SPECS`; each type declares itself once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from .. import errors, ids
from ..store import nodes as store_nodes
from ..store.nodes import Node
from . import rich_text, validate as v

if TYPE_CHECKING:
    from ..api.context import Ctx

MAX_CHILDREN = 100
MAX_DEPTH = 2  # nesting levels in one append request
MAX_BLOCKS_PER_REQUEST = 1000

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
    # any: children of any type | none | toggleable: only if is_toggleable | callable: validate child types
    children: str = "any"
    creatable: bool = True
    # Extra checks after fields parse: (ctx, stored, children json, path) -> None
    check: Callable[["Ctx", dict[str, Any], list[Any] | None, str], None] | None = None
    # Custom rendering of the stored payload
    render: Callable[["Ctx", Node], dict[str, Any]] | None = None
    # Allowed child types, when restricted (column_list -> column, table -> table_row)
    child_types: tuple[str, ...] | None = None
    # Children that must come with the block on create
    children_required: bool = False


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
    from .media import parse_icon

    return parse_icon(ctx, value, path)


def text_fields(**extra: Field) -> dict[str, Field]:
    return {
        "rich_text": Field(rich_text_field, required=True),
        "color": Field(color_field, default=lambda: "default"),
        **extra,
    }


for _t in ("paragraph", "bulleted_list_item", "quote", "toggle"):
    register(BlockSpec(_t, text_fields()))
SPECS["paragraph"].fields["icon"] = Field(icon_field)  # tab items carry an icon (2026-03)
register(BlockSpec("numbered_list_item", text_fields()))
register(BlockSpec("to_do", text_fields(checked=Field(bool_field, default=lambda: False))))
for _t in ("heading_1", "heading_2", "heading_3", "heading_4"):
    register(BlockSpec(_t, text_fields(is_toggleable=Field(bool_field, default=lambda: False)), children="toggleable"))
register(BlockSpec("callout", text_fields(icon=Field(icon_field, default=lambda: None))))


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
    if node.type == "transcription":
        return ctx.version.meeting_notes_type, dict(node.data)
    if node.type == "unsupported":
        payload = dict(node.data)
        if not ctx.version.unsupported_block_type:
            payload.pop("block_type", None)
        return "unsupported", payload
    return node.type, {k: val for k, val in node.data.items() if not k.startswith("_")}


def render_list(ctx: "Ctx", items: list[Node]) -> list[dict[str, Any]]:
    from . import render

    parents = store_nodes.with_children(ctx.tx, [n.id for n in items])
    return [render.block(ctx, n, n.id in parents) for n in items]


# --- create --------------------------------------------------------------------------------------

@dataclass
class Planned:
    """A block parsed from a request, waiting for its place in the tree."""

    type: str
    data: dict[str, Any]
    children: list["Planned"]
    id: str = field(default_factory=ids.new_id)


def parse_children(ctx: "Ctx", value: Any, path: str, *, depth: int = 1, parent_spec: BlockSpec | None = None) -> list[Planned]:
    items = v.array(value, path, max_items=MAX_CHILDREN)
    return [parse_block(ctx, item, f"{path}[{i}]", depth=depth, parent_spec=parent_spec) for i, item in enumerate(items)]


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


READ_ONLY_TYPES = ("child_page", "child_database", "link_preview", "unsupported", "meeting_notes", "transcription", "template")


def parse_block(ctx: "Ctx", item: Any, path: str, *, depth: int, parent_spec: BlockSpec | None) -> Planned:
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
    v.no_extra(item, ("object", "type", block_type, "id", "has_children", "archived", "in_trash", "created_time",
                      "last_edited_time", "created_by", "last_edited_by", "parent"), path)
    payload = v.obj(v.required(item, block_type, path), f"{path}.{block_type}")
    data = parse_payload(ctx, spec, payload, f"{path}.{block_type}", current=None)
    children_json = payload.get("children")
    children: list[Planned] = []
    if children_json is not None:
        if not _may_have_children(spec, data):
            raise v.fail(f"{path}.{block_type}.children", "not present", children_json)
        if depth >= MAX_DEPTH:
            raise v.fail(f"{path}.{block_type}.children", "not present", children_json)
        children = parse_children(ctx, children_json, f"{path}.{block_type}.children", depth=depth + 1, parent_spec=spec)
    elif spec.children_required:
        raise v.fail(f"{path}.{block_type}.children", "defined")
    if spec.check is not None:
        spec.check(ctx, data, children_json, f"{path}.{block_type}")
    return Planned(block_type, data, children)


def parse_payload(ctx: "Ctx", spec: BlockSpec, payload: dict[str, Any], path: str, current: dict[str, Any] | None) -> dict[str, Any]:
    allowed = set(spec.fields) | {"children"}
    v.no_extra(payload, allowed, path)
    data: dict[str, Any] = dict(current) if current is not None else {}
    for name, fld in spec.fields.items():
        if name in payload:
            if current is not None and not fld.updatable:
                raise v.fail(f"{path}.{name}", "not present", payload[name])
            data[name] = fld.parse(ctx, payload[name], f"{path}.{name}", current)
        elif current is None:
            if fld.required:
                raise v.fail(f"{path}.{name}", "defined")
            if fld.default is not None:
                data[name] = fld.default()
    return data


def _may_have_children(spec: BlockSpec, data: dict[str, Any]) -> bool:
    if spec.children == "none":
        return False
    if spec.children == "toggleable":
        return bool(data.get("is_toggleable"))
    return True


def count_blocks(planned: list[Planned]) -> int:
    return sum(1 + count_blocks(p.children) for p in planned)


def insert_planned(ctx: "Ctx", parent: Node, planned: list[Planned], keys: list[str]) -> list[Node]:
    """Insert parsed blocks (and their children) under `parent` with the given order keys."""
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
    if len(rows) > MAX_BLOCKS_PER_REQUEST:
        raise errors.validation(
            f"body failed validation: the request contains {len(rows)} block elements, more than the limit of {MAX_BLOCKS_PER_REQUEST}."
        )
    store_nodes.insert_many(ctx.tx, rows)
    return top


# --- update --------------------------------------------------------------------------------------

def update(ctx: "Ctx", node: Node, body: dict[str, Any]) -> None:
    """PATCH /v1/blocks/{id}: replace the supplied fields of the block's payload."""
    spec = SPECS.get(node.type)
    block_type = body.get("type", node.type)
    if block_type != node.type or spec is None:
        raise v.fail("body.type", f'`"{node.type}"`', block_type)
    if node.type in body:
        payload = v.obj(body[node.type], f"body.{node.type}")
        if "children" in payload:
            raise v.fail(f"body.{node.type}.children", "not present", payload["children"])
        data = parse_payload(ctx, spec, payload, f"body.{node.type}", current=node.data)
        if spec.children == "toggleable" and node.data.get("is_toggleable") and not data.get("is_toggleable"):
            if store_nodes.children(ctx.tx, node.id, limit=1):
                raise errors.validation("Cannot set is_toggleable to false on a heading block that has children.")
        if spec.check is not None:
            spec.check(ctx, data, None, f"body.{node.type}")
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
