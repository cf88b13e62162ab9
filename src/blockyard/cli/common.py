"""What every command shares: the store it opens, the workspace it acts in, and how it prints."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator

import click

DB_HELP = "SQLite file or database URL (env BLOCKYARD_DATABASE; default blockyard.db)"


def settings_for(database: str | None, **extra: Any):  # type: ignore[no-untyped-def]
    from ..settings import Settings

    return Settings.from_env(database=database, **extra)


@contextmanager
def in_workspace(database: str | None, workspace: str | None) -> Iterator[tuple[Any, Any]]:
    """A write transaction on the store and the chosen workspace (created on a new database)."""
    from ..access.admin import AdminError, ensure_workspace
    from ..errors import NotionError

    store = open_store(database)
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


def open_store(database: str | None):  # type: ignore[no-untyped-def]
    from ..store import Store

    url = settings_for(database).database
    try:
        store = Store(url)
        store.migrate()
    except Exception as exc:  # a bad path or an unreachable server: say so, without a traceback
        raise click.ClickException(f"cannot open the store {redact(url)}: {exc}") from None
    return store


def emit(as_json: bool, data: Any, text: str) -> None:
    click.echo(json.dumps(data, indent=2) if as_json else text)


database_option = click.option("--database", "database", default=None, help=DB_HELP)
workspace_option = click.option("--workspace", default=None, help="Workspace name or ID (default: the first)")
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output")


def redact(url: str) -> str:
    """Database URLs may hold a password: never print it."""
    import re

    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)
