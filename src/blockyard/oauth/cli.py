"""What `blockyard integration create --public` and `integration rotate` do for public integrations."""

from __future__ import annotations

import click

from ..cli.common import emit, in_workspace


def create_public(name: str, capabilities: tuple[str, ...], redirect_uris: list[str], database: str | None,
                  workspace: str | None, as_json: bool) -> None:
    from ..access.admin import AdminError
    from . import clients

    if not redirect_uris:
        raise click.UsageError("a public integration needs at least one --redirect-uri")
    with in_workspace(database, workspace) as (tx, ws):
        try:
            info, secret = clients.create_public(tx, ws, name, redirect_uris, capabilities)
        except AdminError as exc:
            raise click.ClickException(str(exc)) from None
    emit(as_json, {**info, "client_secret": secret},
         f"Created public integration {name!r}.\n"
         f"Client ID: {info['client_id']}\n"
         f"Redirect URIs: {' '.join(info['redirect_uris'])}\n"
         f"Client secret (shown once, keep it secret):\n{secret}")


def rotate_if_public(name: str, database: str | None, workspace: str | None, as_json: bool) -> bool:
    """Rotates the client secret when `name` is a public integration; False for any other."""
    from ..access import admin
    from . import clients

    with in_workspace(database, workspace) as (tx, ws):
        row = admin._integration_row(tx, ws, name)
        if row is None or row.kind != "public":
            return False
        secret = clients.rotate_secret(tx, ws, name)
        client_id = clients.client_for_integration(tx, ws, name).client_id
    emit(as_json, {"name": name, "client_id": client_id, "client_secret": secret},
         f"New client secret for {name!r} (shown once; the old one no longer works):\n{secret}")
    return True
