"""blockyard serve | integration | share | unshare | token | page | user | workspace

Every command takes --database; a command on a new database creates it with a workspace and
its owner first. Output is plain for people, --json for scripts."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator

import click

from . import __version__

DB_HELP = "SQLite file or database URL (env BLOCKYARD_DATABASE; default blockyard.db)"


def _settings(database: str | None, **extra: Any):  # type: ignore[no-untyped-def]
    from .settings import Settings

    return Settings.from_env(database=database, **extra)


@contextmanager
def _workspace(database: str | None, workspace: str | None) -> Iterator[tuple[Any, Any]]:
    """A write transaction on the store and the chosen workspace (created on a new database)."""
    from .access.admin import AdminError, ensure_workspace
    from .errors import NotionError

    store = _open_store(database)
    try:
        with store.write() as tx:
            yield tx, ensure_workspace(tx, workspace)
    except AdminError as exc:
        raise click.ClickException(str(exc)) from None
    except NotionError as exc:
        # Domain code run as the owner fails in Notion's words; they read fine on a terminal too.
        raise click.ClickException(exc.message) from None
    finally:
        store.dispose()


def _open_store(database: str | None):  # type: ignore[no-untyped-def]
    from .store import Store

    url = _settings(database).database
    try:
        store = Store(url)
        store.migrate()
    except Exception as exc:  # a bad path or an unreachable server: say so, without a traceback
        raise click.ClickException(f"cannot open the store {_redact(url)}: {exc}") from None
    return store


def _emit(as_json: bool, data: Any, text: str) -> None:
    click.echo(json.dumps(data, indent=2) if as_json else text)


database_option = click.option("--database", "database", default=None, help=DB_HELP)
workspace_option = click.option("--workspace", default=None, help="Workspace name or ID (default: the first)")
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output")


@click.group()
@click.version_option(__version__, prog_name="blockyard")
def main() -> None:
    """Blockyard: Notion's API on your own machine."""


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1)")
@click.option("--port", default=None, type=int, help="Port (default 8787)")
@database_option
@click.option("--demo", is_flag=True, help="Create the getting-started demo on first run and print its token")
@click.option("--cors-origin", "cors", multiple=True, help="Allow browsers from this origin (repeatable; * for any)")
@click.option("--workers", default=1, type=int, help="Worker processes (PostgreSQL stores)")
@click.option("--log-level", default=None, help="debug, info, warning")
def serve(host: str | None, port: int | None, database: str | None, demo: bool, cors: tuple[str, ...],
          workers: int, log_level: str | None) -> None:
    """Start the server."""
    import os

    import uvicorn

    settings = _settings(database, host=host, port=port, cors_origins=cors or None, log_level=log_level)
    store = _open_store(settings.database)
    if demo:
        from .demo import ensure_demo

        with store.write() as tx:
            ensure_demo(tx, settings)
    store.dispose()
    os.environ["BLOCKYARD_DATABASE"] = settings.database
    os.environ["BLOCKYARD_MIGRATED"] = "1"
    if settings.cors_origins:
        os.environ["BLOCKYARD_CORS_ORIGINS"] = ",".join(settings.cors_origins)
    click.echo(f"Blockyard {__version__} serving {settings.public_url} (store: {_redact(settings.database)})", err=True)
    options = {"log_level": settings.log_level, "access_log": settings.log_level == "debug", "lifespan": "on"}
    from . import workers as worker_pool

    if workers > 1 and worker_pool.can_share_port():
        worker_pool.run(settings.host, settings.port, workers, options)
        return
    uvicorn.run(worker_pool.APP, host=settings.host, port=settings.port,
                workers=workers if workers > 1 else None, **options)


def _redact(url: str) -> str:
    """Database URLs may hold a password: never print it."""
    import re

    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


# --- integrations --------------------------------------------------------------------------------

@main.group()
def integration() -> None:
    """Internal integrations and their tokens."""


@integration.command("create")
@click.argument("name")
@click.option("--capabilities", default=None,
              help="Comma-separated: read,update,insert,read_comments,insert_comments and one of "
                   "user_with_email|user_without_email|no_user_info (default: all content and comments, users without email)")
@database_option
@workspace_option
@json_option
def integration_create(name: str, capabilities: str | None, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Create an internal integration and print its token (shown once)."""
    from .access import admin, capabilities as caps

    try:
        chosen = caps.parse(capabilities) if capabilities else caps.DEFAULT
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--capabilities") from None
    with _workspace(database, workspace) as (tx, ws):
        info, token = admin.create_integration(tx, ws, name, chosen)
    _emit(as_json, {**info, "token": token},
          f"Created integration {name!r} (bot user {info['bot_id']}).\n"
          f"Token (shown once, keep it secret):\n{token}")


@integration.command("list")
@database_option
@workspace_option
@json_option
def integration_list(database: str | None, workspace: str | None, as_json: bool) -> None:
    """List integrations, their capabilities and what is shared with them."""
    from .access import admin

    with _workspace(database, workspace) as (tx, ws):
        items = admin.list_integrations(tx, ws)
    lines = [f"{i['name']}  {i['id']}  tokens {' '.join(i['tokens']) or '-'}  "
             f"[{', '.join(i['capabilities'])}]  shared: {len(i['shared'])}" for i in items]
    _emit(as_json, items, "\n".join(lines) or "No integrations.")


@integration.command("rotate")
@click.argument("name")
@database_option
@workspace_option
@json_option
def integration_rotate(name: str, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Replace an integration's token; the old one stops working at once."""
    from .access import admin

    with _workspace(database, workspace) as (tx, ws):
        token = admin.rotate_token(tx, ws, name)
    _emit(as_json, {"name": name, "token": token}, f"New token for {name!r} (shown once):\n{token}")


@integration.command("delete")
@click.argument("name")
@database_option
@workspace_option
@json_option
def integration_delete(name: str, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Delete an integration, its tokens and its grants."""
    from .access import admin

    with _workspace(database, workspace) as (tx, ws):
        admin.delete_integration(tx, ws, name)
    _emit(as_json, {"deleted": name}, f"Deleted integration {name!r}.")


# --- sharing -------------------------------------------------------------------------------------

@main.command()
@click.argument("object_id")
@click.argument("integration_name", metavar="INTEGRATION")
@click.option("--access", "level", default="edit", type=click.Choice(["view", "comment", "edit", "full"]),
              help="view = can view, comment = can comment, edit = can edit content (default), full = full access")
@database_option
@workspace_option
@json_option
def share(object_id: str, integration_name: str, level: str, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Share a page or database, and everything beneath it, with an integration."""
    from .access import admin

    from . import ids

    with _workspace(database, workspace) as (tx, ws):
        admin.share(tx, ws, object_id, integration_name, level)
    object_id = ids.parse_id(object_id) or object_id
    _emit(as_json, {"object_id": object_id, "integration": integration_name, "access": level},
          f"Shared {object_id} with {integration_name!r} ({level}).")


@main.command()
@click.argument("object_id")
@click.argument("integration_name", metavar="INTEGRATION")
@database_option
@workspace_option
@json_option
def unshare(object_id: str, integration_name: str, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Take back a page or database from an integration."""
    from .access import admin

    from . import ids

    if ids.parse_id(object_id) is None:
        raise click.BadParameter("not a Notion ID", param_hint="OBJECT_ID")
    with _workspace(database, workspace) as (tx, ws):
        removed = admin.unshare(tx, ws, object_id, integration_name)
    object_id = ids.parse_id(object_id) or object_id
    _emit(as_json, {"object_id": object_id, "integration": integration_name, "removed": removed},
          f"Unshared {object_id} from {integration_name!r}." if removed else "It was not shared directly.")


# --- tokens --------------------------------------------------------------------------------------

@main.group()
def token() -> None:
    """Personal access tokens."""


@token.command("create")
@click.option("--personal", is_flag=True, required=True, help="A token that acts as the workspace owner")
@database_option
@workspace_option
@json_option
def token_create(personal: bool, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Create a personal access token (shown once)."""
    from .access import admin

    with _workspace(database, workspace) as (tx, ws):
        value = admin.create_personal_token(tx, ws)
    _emit(as_json, {"token": value, "user_id": ws.owner_id}, f"Personal access token for the owner (shown once):\n{value}")


# --- content -------------------------------------------------------------------------------------

@main.group()
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
    from . import ids
    from .owner import owner_ctx
    from .domain import pages

    if page_id is not None and ids.parse_id(page_id) is None:
        raise click.BadParameter("not a UUID", param_hint="--id")
    if parent is not None and ids.parse_id(parent) is None:
        raise click.BadParameter("not a UUID", param_hint="--parent")
    body: dict[str, Any] = {
        "parent": {"page_id": parent} if parent else {"workspace": True},
        "properties": {"title": {"title": [{"text": {"content": title}}]}},
    }
    with _workspace(database, workspace) as (tx, ws):
        if page_id is not None:
            _ensure_free_id(tx, ids.parse_id(page_id), "--id")
        with owner_ctx(tx, ws) as ctx:
            node = pages.create(ctx, body, node_id=ids.parse_id(page_id) if page_id else None)
    _emit(as_json, {"id": node.id, "title": title}, node.id)


def _ensure_free_id(tx: Any, object_id: str | None, hint: str) -> None:
    """IDs are unique across every workspace of a store: refuse one in use before writing."""
    import sqlalchemy as sa

    from .store.schema import nodes, users

    for table in (nodes, users):
        if tx.execute(sa.select(table.c.id).where(table.c.id == object_id)).first() is not None:
            raise click.BadParameter(f"{object_id} is already in use", param_hint=hint)


@main.group()
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
    from . import ids
    from .access import admin

    if user_id is not None and ids.parse_id(user_id) is None:
        raise click.BadParameter("not a UUID", param_hint="--id")
    with _workspace(database, workspace) as (tx, ws):
        if user_id is not None:
            _ensure_free_id(tx, ids.parse_id(user_id), "--id")
        uid = admin.add_person(tx, ws, name, email, ids.parse_id(user_id) if user_id else None)
    _emit(as_json, {"id": uid, "name": name, "email": email}, uid)


@main.group()
def workspace() -> None:
    """Workspaces on this server."""


@workspace.command("create")
@click.argument("name")
@database_option
@json_option
def workspace_create(name: str, database: str | None, as_json: bool) -> None:
    """Create another workspace with its owner."""
    from .access import admin

    if not name.strip():
        raise click.BadParameter("a workspace needs a name", param_hint="NAME")
    store = _open_store(database)
    try:
        with store.write() as tx:
            ws = admin.create_workspace(tx, name.strip())
    finally:
        store.dispose()
    _emit(as_json, {"id": ws.id, "name": ws.name, "owner_id": ws.owner_id}, ws.id)


@workspace.command("list")
@database_option
@json_option
def workspace_list(database: str | None, as_json: bool) -> None:
    """List workspaces."""
    from .access import admin

    with _workspace(database, None) as (tx, _ws):
        items = admin.list_workspaces(tx)
    _emit(as_json, [{"id": w.id, "name": w.name, "owner_id": w.owner_id} for w in items],
          "\n".join(f"{w.name}  {w.id}" for w in items))


# Commands of other capabilities live in their own modules; each adds itself here, one line each.
from . import limits_cli  # noqa: E402,F401
from .portability_cli import register as _register_portability; _register_portability(main)  # noqa: E402


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
