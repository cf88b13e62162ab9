"""`blockyard integration | share | unshare | token`: integrations, their tokens and what they may reach."""

from __future__ import annotations

import click

from .common import (
    database_option,
    emit,
    in_workspace,
    json_option,
    workspace_option,
)


@click.group()
def integration() -> None:
    """Internal integrations and their tokens."""


@integration.command("create")
@click.argument("name")
@click.option("--capabilities", default=None,
              help="Comma-separated: read,update,insert,read_comments,insert_comments and one of "
                   "user_with_email|user_without_email|no_user_info (default: all content and comments, users without email)")
@click.option("--public", is_flag=True, help="A public integration, installed through OAuth (see docs/oauth.md)")
@click.option("--redirect-uri", "redirect_uris", multiple=True, metavar="URL",
              help="With --public: a redirect URI (repeat for several)")
@database_option
@workspace_option
@json_option
def integration_create(name: str, capabilities: str | None, public: bool, redirect_uris: tuple[str, ...],
                       database: str | None, workspace: str | None, as_json: bool) -> None:
    """Create an internal integration and print its token, or with --public an OAuth client and its
    client secret (shown once)."""
    from ..access import admin
    from ..access import capabilities as caps

    try:
        chosen = caps.parse(capabilities) if capabilities else caps.DEFAULT
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--capabilities") from None
    if public or redirect_uris:
        from ..oauth.cli import create_public

        create_public(name, chosen, list(redirect_uris), database, workspace, as_json)
        return
    with in_workspace(database, workspace) as (tx, ws):
        info, token = admin.create_integration(tx, ws, name, chosen)
    emit(as_json, {**info, "token": token},
          f"Created integration {name!r} (bot user {info['bot_id']}).\n"
          f"Token (shown once, keep it secret):\n{token}")


@integration.command("list")
@database_option
@workspace_option
@json_option
def integration_list(database: str | None, workspace: str | None, as_json: bool) -> None:
    """List integrations, their capabilities and what is shared with them."""
    from ..access import admin

    with in_workspace(database, workspace) as (tx, ws):
        items = admin.list_integrations(tx, ws)
    lines = [f"{i['name']}  {i['id']}  tokens {' '.join(i['tokens']) or '-'}  "
             f"[{', '.join(i['capabilities'])}]  shared: {len(i['shared'])}" for i in items]
    emit(as_json, items, "\n".join(lines) or "No integrations.")


@integration.command("rotate")
@click.argument("name")
@database_option
@workspace_option
@json_option
def integration_rotate(name: str, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Replace an integration's token (a public one's client secret); the old one stops working at once."""
    from ..access import admin
    from ..oauth.cli import rotate_if_public

    if rotate_if_public(name, database, workspace, as_json):
        return
    with in_workspace(database, workspace) as (tx, ws):
        token = admin.rotate_token(tx, ws, name)
    emit(as_json, {"name": name, "token": token}, f"New token for {name!r} (shown once):\n{token}")


@integration.command("delete")
@click.argument("name")
@database_option
@workspace_option
@json_option
def integration_delete(name: str, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Delete an integration, its tokens and its grants."""
    from ..access import admin

    with in_workspace(database, workspace) as (tx, ws):
        admin.delete_integration(tx, ws, name)
    emit(as_json, {"deleted": name}, f"Deleted integration {name!r}.")


# --- sharing -------------------------------------------------------------------------------------

@click.command()
@click.argument("object_id")
@click.argument("integration_name", metavar="INTEGRATION")
@click.option("--access", "level", default="edit", type=click.Choice(["view", "comment", "edit", "full"]),
              help="view = can view, comment = can comment, edit = can edit content (default), full = full access")
@database_option
@workspace_option
@json_option
def share(object_id: str, integration_name: str, level: str, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Share a page or database, and everything beneath it, with an integration."""
    from .. import ids
    from ..access import admin

    with in_workspace(database, workspace) as (tx, ws):
        admin.share(tx, ws, object_id, integration_name, level)
    object_id = ids.parse_id(object_id) or object_id
    emit(as_json, {"object_id": object_id, "integration": integration_name, "access": level},
          f"Shared {object_id} with {integration_name!r} ({level}).")


@click.command()
@click.argument("object_id")
@click.argument("integration_name", metavar="INTEGRATION")
@database_option
@workspace_option
@json_option
def unshare(object_id: str, integration_name: str, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Take back a page or database from an integration."""
    from .. import ids
    from ..access import admin

    if ids.parse_id(object_id) is None:
        raise click.BadParameter("not a Notion ID", param_hint="OBJECT_ID")
    with in_workspace(database, workspace) as (tx, ws):
        removed = admin.unshare(tx, ws, object_id, integration_name)
    object_id = ids.parse_id(object_id) or object_id
    emit(as_json, {"object_id": object_id, "integration": integration_name, "removed": removed},
          f"Unshared {object_id} from {integration_name!r}." if removed else "It was not shared directly.")


# --- tokens --------------------------------------------------------------------------------------

@click.group()
def token() -> None:
    """Personal access tokens."""


@token.command("create")
@click.option("--personal", is_flag=True, required=True, help="A token that acts as the workspace owner")
@database_option
@workspace_option
@json_option
def token_create(personal: bool, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Create a personal access token (shown once)."""
    from ..access import admin

    with in_workspace(database, workspace) as (tx, ws):
        value = admin.create_personal_token(tx, ws)
    emit(as_json, {"token": value, "user_id": ws.owner_id}, f"Personal access token for the owner (shown once):\n{value}")
