"""What every command shares: the store it opens, the workspace it acts in, how it prints, and how it fails."""

from __future__ import annotations

import json
import shlex
from contextlib import contextmanager
from typing import Any, Iterator

import click

DB_HELP = "SQLite file or database URL (env BLOCKYARD_DATABASE; default blockyard.db)"
DEFAULT_DATABASE = "blockyard.db"


def settings_for(database: str | None, **extra: Any):  # type: ignore[no-untyped-def]
    from ..settings import Settings, SettingsError

    try:
        return Settings.from_env(database=database, **extra)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


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
    """The store, migrated. A store this call creates is announced once on stderr, with where it is."""
    from ..store import Store

    url = settings_for(database).database
    try:
        store = Store(url)
        created = store.migrate()
    except Exception as exc:  # a bad path or an unreachable server: say so, without a traceback
        raise click.ClickException(f"cannot open the store {redact(url)}: {store_error(exc)}") from None
    if created and not store.in_memory:
        click.echo(f"Created a new store: {describe_store(url)}", err=True)
    return store


def describe_store(url: str) -> str:
    """Where a store is, for people: an absolute file path, or the redacted URL."""
    import os

    from ..store.engine import normalise_url, sqlite_file

    sa_url, _schema = normalise_url(url)
    if sa_url.get_backend_name() == "sqlite":
        path = sqlite_file(sa_url)
        return os.path.abspath(path) if path else "in memory"
    return redact(url)


def store_hint(database: str) -> str:
    """What a printed command needs to reach this store: nothing for the default one."""
    return "" if database == DEFAULT_DATABASE else f" --database {shlex.quote(redact(database))}"


def store_error(exc: BaseException) -> str:
    """A store's error in the CLI's words: the driver's message, without SQLAlchemy's statement and links."""
    from sqlalchemy.exc import DBAPIError, StatementError

    from ..store.engine import StoreURLError

    if isinstance(exc, StoreURLError):
        return str(exc)
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        message = str(exc.orig)
    elif isinstance(exc, StatementError):
        message = str(exc.orig or exc).split("\n[SQL:")[0]
    else:
        message = str(exc)
    message = message.split("(Background on this error at")[0]
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    text = "; ".join(lines) or type(exc).__name__
    if "unable to open database file" in text:
        text += " (does its directory exist, and may you write there?)"
    return text


def emit(as_json: bool, data: Any, text: str) -> None:
    click.echo(json.dumps(data, indent=2) if as_json else text)


database_option = click.option("--database", "database", default=None, help=DB_HELP)
workspace_option = click.option("--workspace", default=None, help="Workspace name or ID (default: the first)")
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output; errors too")


def redact(url: str) -> str:
    """Database URLs may hold a password: never print it."""
    import re

    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)
