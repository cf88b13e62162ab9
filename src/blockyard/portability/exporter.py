"""Exporting a workspace as Notion API objects (JSON Lines), in the newest API version's shapes.

Order: users (by ID), then the node tree depth-first: workspace-level pages and databases by creation
time, each followed by its children in order (a database by its data sources, each by its pages).
Comments come last, grouped by parent in tree order, each group in listing order (oldest first); deleted
comments are not exported. Trashed objects are exported too, with `in_trash: true`. The workspace owner is not exported: the
owner stands for whoever imports the file. Property values are written whole (not capped at 25
items as API responses are)."""

from __future__ import annotations

from typing import Any, Iterator

import sqlalchemy as sa

from ..access.admin import Workspace
from ..store.engine import Tx
from ..store.nodes import Node
from ..store.schema import nodes, users

_BATCH = 200


def _tree(tx: Tx, ws: Workspace) -> list[str]:
    rows = tx.execute(
        sa.select(nodes.c.id, nodes.c.parent_id, nodes.c.parent_type, nodes.c.sort_key, nodes.c.created_time)
        .where(nodes.c.workspace_id == ws.id)
    ).all()
    present = {r.id for r in rows}
    children: dict[str, list[Any]] = {}
    roots = []
    for r in rows:
        if r.parent_type == "workspace" or r.parent_id is None or r.parent_id not in present:
            roots.append(r)
        else:
            children.setdefault(r.parent_id, []).append(r)
    for lst in children.values():
        lst.sort(key=lambda r: (r.sort_key, r.id))
    roots.sort(key=lambda r: (r.created_time, r.id))
    out: list[str] = []
    stack = [r.id for r in reversed(roots)]
    seen: set[str] = set()
    while stack:
        cur = stack.pop()
        if cur in seen:
            continue
        seen.add(cur)
        out.append(cur)
        stack.extend(r.id for r in reversed(children.get(cur, [])))
    return out


def _page(ctx: Any, node: Node) -> dict[str, Any]:
    from ..domain import render
    from ..domain.properties import values
    from ..domain.properties.base import TITLE_ID, encode_id

    out = render.page(ctx, node)
    if node.parent_type == "data_source_id":
        from ..domain.databases import data_source_node

        ds = data_source_node(ctx, node.parent_id)
        props: dict[str, Any] = {}
        for pid, prop in values.schema_of(ds).items():
            t = prop["type"]
            entry: dict[str, Any] = {"id": encode_id(pid), "type": t, t: values.render_value(ctx, node, prop, ds, cap=False)}
            if t == "relation":
                entry["has_more"] = False
            props[prop["name"]] = entry
        out["properties"] = props
    else:
        title = node.data.get("properties", {}).get(TITLE_ID, [])
        out["properties"] = {"title": {"id": TITLE_ID, "type": "title", "title": title}}
    return out


def export_objects(tx: Tx, ws: Workspace, progress: Any = None) -> Iterator[dict[str, Any]]:
    """Every user (but the owner) and node of the workspace as API objects, in import order."""
    from ..domain import blocks, databases, render, users as user_render
    from ..owner import owner_ctx
    from ..store import nodes as store_nodes

    with owner_ctx(tx, ws) as ctx:
        for row in tx.execute(sa.select(users).where(users.c.workspace_id == ws.id, users.c.is_owner.is_(False))
                              .order_by(users.c.id)):
            obj = user_render.render(ctx, row)
            if row.type == "bot":
                obj["bot"] = {}
            yield obj
        order = _tree(tx, ws)
        if progress is not None and hasattr(progress, "total"):
            progress.total = len(order)
        for start in range(0, len(order), _BATCH):
            chunk = order[start:start + _BATCH]
            tx.cache.clear()
            found = store_nodes.get_many(tx, ws.id, chunk)
            items = [found[i] for i in chunk if i in found]
            parents = blocks.has_children(ctx, [n for n in items if n.kind == "block"])
            for node in items:
                if node.kind == "page":
                    yield _page(ctx, node)
                elif node.kind == "database":
                    yield databases.render_database(ctx, node)
                elif node.kind == "data_source":
                    yield databases.render_data_source(ctx, node)
                else:
                    yield render.block(ctx, node, node.id in parents)
                if progress is not None:
                    progress.update(1)
        yield from _comments(ctx, tx, ws, order)


def _comments(ctx: Any, tx: Tx, ws: Workspace, order: list[str]) -> Iterator[dict[str, Any]]:
    from ..domain import comments as comment_domain
    from ..store.schema_comments import comments

    rank = {node_id: i for i, node_id in enumerate(order)}
    rows = tx.execute(sa.select(comments).where(
        comments.c.workspace_id == ws.id, comments.c.deleted == sa.false())).all()
    rows.sort(key=lambda r: (rank.get(r.parent_id, len(rank)), r.parent_id, r.created_time, r.id))
    for row in rows:
        yield comment_domain.render(ctx, row)
