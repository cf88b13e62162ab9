"""A page's block tree as markdown sees it, loaded level by level up to Notion's record limit.

Both dialects render `Block`s and parse into request-shaped block JSON; this module holds what they
share: the tree, the block types markdown cannot express, and the media tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..domain import access
from ..domain.render import url_for
from ..store.nodes import Node
from ..store.schema import nodes as nodes_table
from .inline import page_url

if TYPE_CHECKING:
    from ..context import Ctx

RECORD_LIMIT = 20_000  # Notion loads about 20,000 records of a page; the rest is <unknown>

MEDIA_TAGS = {"video": "video", "audio": "audio", "file": "file", "pdf": "pdf"}
# Types neither dialect writes: `<unknown url alt/>`, as Notion marks them.
UNKNOWN_V1 = {"bookmark", "embed", "link_preview", "breadcrumb", "template", "unsupported", "tab",
              "external_object_instance"}
UNKNOWN_V2 = {"link_preview", "breadcrumb", "template", "unsupported", "tab", "external_object_instance"}


@dataclass
class Block:
    type: str
    data: dict[str, Any]
    id: str
    children: list["Block"] = field(default_factory=list)
    url: str = ""  # pages and databases: their URL
    inline: bool = False  # databases shown inline
    missing: bool = False  # not loaded (record limit) or not visible: rendered <unknown>
    node: Node | None = None


@dataclass
class Page:
    id: str
    url: str
    blocks: list[Block]
    unknown_ids: list[str]


def _as_block(node: Node) -> Block:
    if node.kind == "page":
        return Block("child_page", {"title": node.data.get("_title_text", "")}, node.id, url=url_for(node), node=node)
    if node.kind == "database":
        return Block("child_database", {"title": node.data.get("_title_text", "")}, node.id, url=url_for(node),
                     inline=bool(node.data.get("is_inline")), node=node)
    return Block(node.type, node.data, node.id, node=node)


_LEVEL = (
    sa.select(nodes_table)
    .where(nodes_table.c.parent_id.in_(sa.bindparam("parents", expanding=True)),
           nodes_table.c.in_trash.is_(False), nodes_table.c.kind.in_(("block", "page", "database")))
    .order_by(nodes_table.c.parent_id, nodes_table.c.sort_key)
    .limit(sa.bindparam("limit"))
)
_LEVEL_IDS = (
    sa.select(nodes_table.c.id, nodes_table.c.type, nodes_table.c.parent_id)
    .where(nodes_table.c.parent_id.in_(sa.bindparam("parents", expanding=True)),
           nodes_table.c.in_trash.is_(False), nodes_table.c.kind.in_(("block", "page", "database")))
    .order_by(nodes_table.c.parent_id, nodes_table.c.sort_key)
)


def load(ctx: "Ctx", root: Node, *, limit: int | None = None) -> Page:
    """The blocks under `root` (a page, or a block from an earlier `unknown_block_ids`)."""
    limit = limit or int(ctx.app.settings.extra.get("markdown_record_limit", RECORD_LIMIT))
    budget = [limit]
    unknown: list[str] = []
    top = _load_children(ctx, [root.id], budget, unknown)
    blocks = top.get(root.id, [])
    page_node = root
    if root.kind == "block":
        # A block's markdown is the block itself, with its subtree.
        own = _as_block(root)
        own.children = blocks
        blocks = [own]
        from ..store import nodes as store_nodes

        ancestors = store_nodes.ancestors(ctx.tx, root)
        page_node = next((a for a in ancestors if a.kind == "page"), root)
    return Page(root.id, url_for(page_node) if page_node.kind == "page" else page_url(page_node.id), blocks, unknown)


def _load_children(ctx: "Ctx", parent_ids: list[str], budget: list[int], unknown: list[str]) -> dict[str, list[Block]]:
    """Children of each parent, level by level (one query per level and 500 parents), until the
    budget of records is spent; what is left over is marked missing."""
    result: dict[str, list[Block]] = {}
    frontier = list(parent_ids)
    while frontier:
        level = _level(ctx, frontier, budget, unknown)
        result.update(level)
        frontier = []
        for kids in level.values():
            for block in kids:
                node = block.node
                if block.missing or node is None:
                    continue
                if node.kind != "block":
                    if not access.can_read(ctx, node.id):
                        block.missing = True
                        unknown.append(node.id)
                elif node.type == "synced_block" and node.data.get("synced_from"):
                    original = node.data["synced_from"]["block_id"]
                    block.children = _load_children(ctx, [original], budget, unknown).get(original, [])
                else:
                    frontier.append(node.id)
    for kids in result.values():
        for block in kids:
            if not block.children and block.id in result:
                block.children = result[block.id]
    return result


def _level(ctx: "Ctx", frontier: list[str], budget: list[int], unknown: list[str]) -> dict[str, list[Block]]:
    out: dict[str, list[Block]] = {}
    for start in range(0, len(frontier), 500):
        chunk = frontier[start:start + 500]
        rows = [] if budget[0] <= 0 else [
            Node.from_row(r) for r in ctx.tx.execute(_LEVEL, {"parents": chunk, "limit": budget[0] + 1})]
        overflow = len(rows) > budget[0]
        rows = rows[: max(budget[0], 0)]
        budget[0] -= len(rows)
        for node in rows:
            ctx.tx.cache[("node", node.id)] = node
            out.setdefault(node.parent_id or "", []).append(_as_block(node))
        if overflow or budget[0] <= 0:
            loaded = {n.id for n in rows}
            for rid, rtype, parent in ctx.tx.execute(_LEVEL_IDS, {"parents": chunk}):
                if rid not in loaded:
                    out.setdefault(parent, []).append(Block(rtype, {}, rid, missing=True))
                    unknown.append(rid)
    return out
