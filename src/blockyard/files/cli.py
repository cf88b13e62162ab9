"""`blockyard emoji add NAME IMAGE | list | delete NAME`: a workspace's custom emojis."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli.common import database_option, emit, in_workspace, json_option, settings_for, workspace_option


@click.group()
def emoji() -> None:
    """Custom emojis, usable as page and callout icons."""


@emoji.command("add")
@click.argument("name")
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@database_option
@workspace_option
@json_option
def emoji_add(name: str, image: Path, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Add the image IMAGE as the custom emoji NAME and print its ID."""
    from . import emojis, storage_for

    with in_workspace(database, workspace) as (tx, w):
        try:
            row = emojis.add(tx, storage_for(settings_for(database), tx.store), w.id, name, image)
        except emojis.EmojiError as exc:
            raise click.ClickException(str(exc)) from None
    emit(as_json, {"id": row["id"], "name": row["name"]}, row["id"])


@emoji.command("list")
@database_option
@workspace_option
@json_option
def emoji_list(database: str | None, workspace: str | None, as_json: bool) -> None:
    """The workspace's custom emojis."""
    from . import emojis

    with in_workspace(database, workspace) as (tx, w):
        rows = [{"id": r.id, "name": r.name, "content_type": r.content_type} for r in emojis.all_in(tx, w.id)]
    emit(as_json, rows, "\n".join(f"{r['id']}  :{r['name']}:  {r['content_type']}" for r in rows) or "(no custom emojis)")


@emoji.command("delete")
@click.argument("name")
@database_option
@workspace_option
def emoji_delete(name: str, database: str | None, workspace: str | None) -> None:
    """Remove the custom emoji NAME (icons that use it keep their copy of its URL)."""
    from . import emojis, storage_for

    with in_workspace(database, workspace) as (tx, w):
        try:
            emojis.delete(tx, storage_for(settings_for(database), tx.store), w.id, name)
        except emojis.EmojiError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"deleted :{name}:")
