"""`blockyard serve --ephemeral`: Blockyard on an in-memory store for one test run, from any language.

It makes a fresh workspace with an integration ("Test Integration") and a root page shared with it,
listens (`--port 0` picks a free port), and with `--print-config json` prints one line on stdout once the
socket accepts connections:

    {"base_url": "http://127.0.0.1:41234", "token": "ntn_...", "root_page_id": "...", "workspace_id": "...",
     "integration": "Test Integration"}

Nothing is written to disk, and everything is gone when the process exits. One process serves it (the
store lives in its memory), so --workers does not apply."""

from __future__ import annotations

import json
import socket
import sys
from typing import Any

import click

MEMORY = ":memory:"  # SQLite in this process's memory (store/engine.py)


def serve_ephemeral(settings: Any, *, ephemeral: bool, print_config: str | None, database: str | None = None,
                    demo: bool = False, workers: int = 1) -> None:
    """Validate the options that go with --ephemeral, then serve until interrupted."""
    import uvicorn

    from ..app import create_app
    from .workspaces import INTEGRATION_NAME, WorkspaceFactory

    if print_config is not None and print_config != "json":
        raise click.BadParameter("only json is supported", param_hint="--print-config")
    if not ephemeral:
        raise click.UsageError("--print-config needs --ephemeral (only an ephemeral server's token is known)")
    if database:
        raise click.UsageError("--ephemeral keeps its store in memory: leave out --database")
    if demo:
        raise click.UsageError("--ephemeral makes its own workspace: leave out --demo")
    if workers > 1:
        raise click.UsageError("--ephemeral serves from one process (its store is in memory): leave out --workers")
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}") from None
    settings.port = sock.getsockname()[1]
    settings.database = MEMORY
    app = create_app(settings)
    workspace = WorkspaceFactory(app.store).create()
    config = {"base_url": settings.public_url, "token": workspace.token, "root_page_id": workspace.root_page_id,
              "workspace_id": workspace.id, "integration": INTEGRATION_NAME}

    class Announcing(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                if print_config == "json":
                    sys.stdout.write(json.dumps(config) + "\n")
                    sys.stdout.flush()
                else:
                    click.echo(f"Blockyard (ephemeral) serving {config['base_url']}; token {config['token']}, "
                               f"root page {config['root_page_id']}", err=True)

    server = Announcing(uvicorn.Config(app, log_level=settings.log_level if settings.log_level != "info" else "warning",
                                       access_log=settings.log_level == "debug", lifespan="on"))
    server.run(sockets=[sock])
