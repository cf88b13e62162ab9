"""`blockyard serve --demo`: the workspace of Notion's getting-started guide, made once."""

from __future__ import annotations

import shlex

import click
import sqlalchemy as sa

from .access import admin
from .domain import databases
from .owner import owner_ctx
from .settings import Settings
from .store.engine import Tx
from .store.schema import integrations, nodes

INTEGRATION = "My First API Test"
DATABASE = "My Projects"


def ensure_demo(tx: Tx, settings: Settings, store_hint: str = "") -> None:
    """Make the demo once; `store_hint` (such as ` --database x.db`) goes into the commands it prints."""
    ws = admin.ensure_workspace(tx, None)
    existing = tx.execute(
        sa.select(integrations.c.id).where(integrations.c.workspace_id == ws.id, integrations.c.name == INTEGRATION)
    ).first()
    db_id = tx.execute(
        sa.select(nodes.c.id).where(nodes.c.workspace_id == ws.id, nodes.c.kind == "database", nodes.c.title == DATABASE.lower())
    ).scalar()
    _login(tx, ws, settings)
    if existing is not None and db_id is not None:
        click.echo(
            f"Demo ready. Database {DATABASE!r}: {db_id}\n"
            f"The token of {INTEGRATION!r} was shown when it was created; "
            f"`blockyard integration rotate {shlex.quote(INTEGRATION)}{store_hint}` prints a new one.",
            err=True,
        )
        return
    with owner_ctx(tx, ws, settings=settings) as ctx:
        db = databases.create(ctx, {
            "parent": {"type": "workspace", "workspace": True},
            "title": [{"type": "text", "text": {"content": DATABASE}}],
            "initial_data_source": {"properties": {
                "Name": {"title": {}},
                "Status": {"select": {"options": [{"name": "Not started", "color": "default"}]}},
            }},
        })
    if existing is None:
        _info, token = admin.create_integration(tx, ws, INTEGRATION)
    else:
        token = admin.rotate_token(tx, ws, INTEGRATION)
    admin.share(tx, ws, db.id, INTEGRATION, "edit")
    base = settings.public_url
    click.echo(
        f"Demo workspace created.\n"
        f"  Integration: {INTEGRATION}\n"
        f"  Token (shown once): {token}\n"
        f"  Database {DATABASE!r}: {db.id}\n\n"
        f"Try:\n  curl -H \"Authorization: Bearer {token}\" -H \"Notion-Version: 2022-06-28\" {base}/v1/databases/{db.id}\n",
        err=True,
    )


def _login(tx: Tx, ws: admin.Workspace, settings: Settings) -> None:
    """The web UI's login for the demo owner: its password is printed once, when the account is made."""
    from .access import accounts

    account, password = accounts.ensure_owner_account(tx, ws)
    if password is None:
        click.echo(f"Web UI: {settings.public_url}/login as {account.email} (password printed when it was made)",
                   err=True)
    else:
        click.echo(f"Web UI: {settings.public_url}/login\n  Email: {account.email}\n  Password (shown once): {password}",
                   err=True)
