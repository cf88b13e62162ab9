"""`blockyard template mark PAGE_ID [--default]`: make a page of a data source one of its templates, as the
owner does in Notion's UI."""

from __future__ import annotations

import click

from .common import database_option, emit, in_workspace, json_option, workspace_option


@click.group()
def template() -> None:
    """Templates of data sources."""


@template.command("mark")
@click.argument("page_id")
@click.option("--default", "is_default", is_flag=True, help="Also make it the data source's default template")
@database_option
@workspace_option
@json_option
def template_mark(page_id: str, is_default: bool, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Turn a page of a data source into one of its templates: queries and search stop listing it, and
    `POST /v1/pages` with `template` starts new pages from it."""
    from .. import ids
    from ..domain import templates
    from ..owner import owner_ctx
    from ..store import nodes as store_nodes

    pid = ids.parse_id(page_id)
    if pid is None:
        raise click.BadParameter("not a Notion ID", param_hint="PAGE_ID")
    with in_workspace(database, workspace) as (tx, ws):
        node = store_nodes.get(tx, ws.id, pid)
        if node is None:
            raise click.ClickException(f"no page {pid} in workspace {ws.name!r}")
        with owner_ctx(tx, ws) as ctx:
            templates.mark(ctx, node, default=is_default)
    emit(as_json, {"id": pid, "default": is_default},
         f"{pid} is now a template{' (the default)' if is_default else ''} of data source {node.parent_id}.")
