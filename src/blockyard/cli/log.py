"""`blockyard log`: the request log, newest first."""

from __future__ import annotations

import json
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from .common import database_option, json_option, open_store, redact, settings_for, store_error


@click.command("log")
@click.option("--limit", default=50, type=click.IntRange(1, 10_000), help="How many entries, newest first (default 50)")
@click.option("--integration", default=None, help="Only this integration's requests (name or ID; 'personal' for personal tokens)")
@database_option
@json_option
def log_command(limit: int, integration: str | None, database: str | None, as_json: bool) -> None:
    """Show the request log: who called what, the status, duration and request id."""
    from ..limits.log import read

    settings = settings_for(database)
    store = open_store(settings.database)
    try:
        with store.log_transaction() as conn:
            entries = read(conn, limit, integration)
        if integration and integration != "personal" and not entries and not _known(store, integration):
            raise click.ClickException(f"no integration {integration!r} (`blockyard integration list` shows them)")
    except SQLAlchemyError as exc:  # a store that cannot be read: say which, without its password
        raise click.ClickException(
            f"cannot read the request log of {redact(settings.database)}: {store_error(exc)}") from None
    finally:
        store.dispose()
    if as_json:
        click.echo(json.dumps(entries, indent=2))
        return
    for e in entries:
        who = e["integration"] or "-"
        error = f"  {e['error_code']}" if e["error_code"] else ""
        click.echo(
            f"{e['time']}  {e['status']}  {e['method']:<6} {e['path']}  {e['duration_ms']:.1f}ms  {who}  "
            f"{e['request_id']}{error}"
        )


def _known(store: Any, integration: str) -> bool:
    """An integration of any workspace of the store, by name or ID."""
    import sqlalchemy as sa

    from .. import ids
    from ..store.schema import integrations

    condition = integrations.c.name == integration
    if ids.parse_id(integration):
        condition = sa.or_(condition, integrations.c.id == ids.parse_id(integration))
    with store.read() as tx:
        return tx.execute(sa.select(integrations.c.id).where(condition).limit(1)).first() is not None
