"""`blockyard page | user | workspace`: content and people, created as the workspace owner."""

from __future__ import annotations

from typing import Any

import click

from .common import (
    database_option,
    emit,
    in_workspace,
    json_option,
    open_store,
    workspace_option,
)


@click.group()
def page() -> None:
    """Pages, created as the workspace owner."""


@page.command("create")
@click.option("--title", required=True)
@click.option("--parent", default=None, help="Parent page ID (default: a workspace-level page)")
@click.option("--id", "page_id", default=None, help="Create the page at this ID (for test setups)")
@database_option
@workspace_option
@json_option
def page_create(title: str, parent: str | None, page_id: str | None, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Create a page and print its ID."""
    from .. import ids
    from ..domain import pages
    from ..owner import owner_ctx

    if page_id is not None and ids.parse_id(page_id) is None:
        raise click.BadParameter("not a UUID", param_hint="--id")
    if parent is not None and ids.parse_id(parent) is None:
        raise click.BadParameter("not a UUID", param_hint="--parent")
    body: dict[str, Any] = {
        "parent": {"page_id": parent} if parent else {"workspace": True},
        "properties": {"title": {"title": [{"text": {"content": title}}]}},
    }
    with in_workspace(database, workspace) as (tx, ws):
        if page_id is not None:
            ensure_free_id(tx, ids.parse_id(page_id), "--id")
        with owner_ctx(tx, ws) as ctx:
            node = pages.create(ctx, body, node_id=ids.parse_id(page_id) if page_id else None)
    emit(as_json, {"id": node.id, "title": title}, node.id)


def ensure_free_id(tx: Any, object_id: str | None, hint: str) -> None:
    """IDs are unique across every workspace of a store: refuse one in use before writing."""
    import sqlalchemy as sa

    from ..store.schema import nodes, users

    for table in (nodes, users):
        if tx.execute(sa.select(table.c.id).where(table.c.id == object_id)).first() is not None:
            raise click.BadParameter(f"{object_id} is already in use", param_hint=hint)


@click.group()
def user() -> None:
    """People in the workspace."""


@user.command("add")
@click.argument("name")
@click.option("--email", default=None)
@click.option("--id", "user_id", default=None, help="Create the user at this ID")
@database_option
@workspace_option
@json_option
def user_add(name: str, email: str | None, user_id: str | None, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Add a person (a member) to the workspace."""
    from .. import ids
    from ..access import admin

    if user_id is not None and ids.parse_id(user_id) is None:
        raise click.BadParameter("not a UUID", param_hint="--id")
    with in_workspace(database, workspace) as (tx, ws):
        if user_id is not None:
            ensure_free_id(tx, ids.parse_id(user_id), "--id")
        uid = admin.add_person(tx, ws, name, email, ids.parse_id(user_id) if user_id else None)
    emit(as_json, {"id": uid, "name": name, "email": email}, uid)


@click.group()
def workspace() -> None:
    """Workspaces on this server."""


@workspace.command("create")
@click.argument("name")
@database_option
@json_option
def workspace_create(name: str, database: str | None, as_json: bool) -> None:
    """Create another workspace with its owner."""
    from ..access import admin

    if not name.strip():
        raise click.BadParameter("a workspace needs a name", param_hint="NAME")
    store = open_store(database)
    try:
        with store.write() as tx:
            ws = admin.create_workspace(tx, name.strip())
    finally:
        store.dispose()
    emit(as_json, {"id": ws.id, "name": ws.name, "owner_id": ws.owner_id}, ws.id)


@workspace.command("list")
@database_option
@json_option
def workspace_list(database: str | None, as_json: bool) -> None:
    """List workspaces."""
    from ..access import admin

    with in_workspace(database, None) as (tx, _ws):
        items = admin.list_workspaces(tx)
    emit(as_json, [{"id": w.id, "name": w.name, "owner_id": w.owner_id} for w in items],
          "\n".join(f"{w.name}  {w.id}" for w in items))
