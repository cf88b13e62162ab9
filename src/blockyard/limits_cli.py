"""`blockyard log`, and the limits options of `blockyard serve` (--rate-limit, --faults, --admin-key,
--request-timeout), which reach every worker through BLOCKYARD_* environment variables."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from .cli import _redact, _settings, database_option, json_option, main

SERVE_OPTIONS = (
    ("--rate-limit", "rate_limit", str, "off | notion | per_integration=N/Ts,per_workspace=N/Ts"),
    ("--faults", "faults", str, "JSON file of fault rules (see docs/recipes.md)"),
    ("--admin-key", "admin_key", str, "Bearer key that enables /admin/faults and /admin/log"),
    ("--request-timeout", "request_timeout", float, "Seconds before a request answers 503 (default 60; 0 = none)"),
)


def _extend_serve() -> None:
    serve = main.commands["serve"]
    original = serve.callback
    assert original is not None
    for flag, name, kind, help_text in SERVE_OPTIONS:
        serve.params.append(click.Option([flag, name], default=None, type=kind, help=help_text))

    def callback(**kwargs: Any) -> Any:
        from .limits.rate import parse

        for _flag, name, _kind, _help in SERVE_OPTIONS:
            value = kwargs.pop(name, None)
            if value is not None:
                os.environ["BLOCKYARD_" + name.upper()] = str(value)
        try:
            parse(os.environ.get("BLOCKYARD_RATE_LIMIT"))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--rate-limit") from None
        return original(**kwargs)

    serve.callback = callback


_extend_serve()


@main.command("log")
@click.option("--limit", default=50, type=click.IntRange(1, 10_000), help="How many entries, newest first (default 50)")
@click.option("--integration", default=None, help="Only this integration's requests (name or ID; 'personal' for personal tokens)")
@database_option
@json_option
def log_command(limit: int, integration: str | None, database: str | None, as_json: bool) -> None:
    """Show the request log: who called what, the status, duration and request id."""
    from .limits.log import read
    from .store import Store

    settings = _settings(database)
    store = Store(settings.database)
    try:
        store.migrate()
        with store.log_transaction() as conn:
            entries = read(conn, limit, integration)
    except Exception as exc:  # a store that cannot be opened: say which, without its password
        raise click.ClickException(f"cannot read the request log of {_redact(settings.database)}: {exc}") from None
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
