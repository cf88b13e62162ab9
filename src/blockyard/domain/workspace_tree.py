"""The workspace as a person browses it: its top-level pages and databases, the pages and databases
inside a page, the path down to a node, and what sits in the trash. For the web UI's sidebar and trash."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..store import nodes as store_nodes
from ..store.nodes import Node
from ..store.schema import nodes

if TYPE_CHECKING:
    from ..context import Ctx

CONTAINERS = ("page", "database")
SIDEBAR_LIMIT = 200


def _nodes(ctx: "Ctx", query: sa.Select) -> list[Node]:
    return [Node.from_row(r) for r in ctx.tx.execute(query)]


def top_level(ctx: "Ctx") -> list[Node]:
    """Live pages and databases whose parent is the workspace, in their order."""
    return _nodes(ctx, sa.select(nodes).where(
        nodes.c.parent_id.is_(None), nodes.c.workspace_id == ctx.principal.workspace_id,
        nodes.c.kind.in_(CONTAINERS), nodes.c.in_trash.is_(False),
    ).order_by(nodes.c.sort_key, nodes.c.id).limit(SIDEBAR_LIMIT))


def child_containers(ctx: "Ctx", parent_ids: list[str]) -> dict[str, list[Node]]:
    """The live pages and databases directly inside each of these pages, in order."""
    out: dict[str, list[Node]] = {pid: [] for pid in parent_ids}
    if not parent_ids:
        return out
    for node in _nodes(ctx, sa.select(nodes).where(
        nodes.c.parent_id.in_(parent_ids), nodes.c.kind.in_(CONTAINERS), nodes.c.in_trash.is_(False),
        nodes.c.parent_type == "page_id", nodes.c.workspace_id == ctx.principal.workspace_id,
    ).order_by(nodes.c.sort_key).limit(SIDEBAR_LIMIT * 4)):
        out[node.parent_id].append(node)  # type: ignore[index]
    return out


def path_to(ctx: "Ctx", node: Node) -> list[Node]:
    """From the top-level ancestor down to the node's parent."""
    return list(reversed(store_nodes.ancestors(ctx.tx, node)))


def get(ctx: "Ctx", node_id: str) -> Node | None:
    return store_nodes.get(ctx.tx, ctx.principal.workspace_id, node_id)


def trashed(ctx: "Ctx", limit: int = 200) -> list[Node]:
    """Pages, databases and blocks trashed on their own (not along with a parent), newest first."""
    return _nodes(ctx, sa.select(nodes).where(
        nodes.c.trash_root == nodes.c.id, nodes.c.workspace_id == ctx.principal.workspace_id,
        nodes.c.kind.in_(("page", "database", "block")),
    ).order_by(nodes.c.last_edited_time.desc()).limit(limit))
