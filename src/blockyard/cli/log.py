"""`blockyard log`: the request log, newest first."""

from __future__ import annotations

import json

import click

from .common import database_option, json_option, redact, settings_for


@click.command("log")
@click.option("--limit", default=50, type=click.IntRange(1, 10_000), help="How many entries, newest first (default 50)")
@click.option("--integration", default=None, help="Only this integration's requests (name or ID; 'personal' for personal tokens)")
@database_option
@json_option
def log_command(limit: int, integration: str | None, database: str | None, as_json: bool) -> None:
    """Show the request log: who called what, the status, duration and request id."""
    from ..limits.log import read
    from ..store import Store

    settings = settings_for(database)
    store = Store(settings.database)
    try:
        store.migrate()
        with store.log_transaction() as conn:
            entries = read(conn, limit, integration)
    except Exception as exc:  # a store that cannot be opened: say which, without its password
        raise click.ClickException(f"cannot read the request log of {redact(settings.database)}: {exc}") from None
    finally:
        store.dispose()
    if as_json:
        click.echo(json.dumps(entries, indent=2))
        return
    for e in reversed(entries):
        who = e["integration"] or "-"
        error = f"  {e['error_code']}" if e["error_code"] else ""
        click.echo(
            f"{e['time']}  {e['status']}  {e['method']:<6} {e['path']}  {e['duration_ms']:.1f}ms  {who}  "
            f"{e['request_id']}{error}"
        )
