"""`blockyard serve`: validate the options, prepare the store, bind the port, then run the workers.

Everything that can be wrong is checked before anything is announced: each mistake is one `Error:` line
and a non-zero exit. "serving" is printed once the socket is bound, so it is true when it is read."""

from __future__ import annotations

import socket
from typing import Any

import click

from .. import __version__
from .common import database_option, open_store, redact, settings_for, store_hint

LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


@click.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1)")
@click.option("--port", default=None, type=click.IntRange(0, 65535), help="Port (default 8787; 0 = any free port)")
@database_option
@click.option("--demo", is_flag=True, help="Create the getting-started demo on first run and print its token")
@click.option("--cors-origin", "cors", multiple=True, help="Allow browsers from this origin (repeatable; * for any)")
@click.option("--workers", default=1, type=click.IntRange(min=1), help="Worker processes (PostgreSQL stores)")
@click.option("--log-level", default=None, type=click.Choice(LOG_LEVELS, case_sensitive=False),
              help="debug, info, warning, error, critical")
@click.option("--rate-limit", default=None, help="off | notion | per_integration=N/Ts,per_workspace=N/Ts")
@click.option("--faults", default=None, help="JSON file of fault rules (see docs/recipes.md)")
@click.option("--admin-key", default=None, help="Bearer key that enables /admin/faults and /admin/log")
@click.option("--request-timeout", default=None, type=click.FloatRange(min=0),
              help="Seconds before a request answers 503 (default 60; 0 = none)")
@click.option("--ephemeral", is_flag=True, help="In-memory store with a fresh workspace and token, for test runs")
@click.option("--print-config", type=click.Choice(["json"]), default=None,
              help="With --ephemeral: print base URL, token and root page ID as JSON on stdout once listening")
def serve(host: str | None, port: int | None, database: str | None, demo: bool, cors: tuple[str, ...],
          workers: int, log_level: str | None, ephemeral: bool, print_config: str | None, **limits: Any) -> None:
    """Start the server."""
    import os

    _export_limits(limits)
    settings = settings_for(database, host=host, port=port, cors_origins=cors or None,
                            log_level=log_level.lower() if log_level else None)
    if ephemeral or print_config:
        from ..testing.ephemeral import serve_ephemeral

        return serve_ephemeral(settings, ephemeral=ephemeral, print_config=print_config, database=database,
                               demo=demo, workers=workers)
    _check_settings(settings, workers)
    sock = _bind(settings.host, settings.port) if workers == 1 else None
    if sock is not None:
        settings.port = sock.getsockname()[1]  # the port chosen for --port 0
    else:
        _bind(settings.host, settings.port).close()  # each worker binds its own; a busy port fails here
    try:
        store = open_store(settings.database)
        if demo:
            from ..demo import ensure_demo

            with store.write() as tx:
                ensure_demo(tx, settings, store_hint(settings.database))
    except BaseException:
        if sock is not None:
            sock.close()
        raise
    for name, value in (("DATABASE", settings.database), ("HOST", settings.host), ("PORT", str(settings.port))):
        os.environ["BLOCKYARD_" + name] = value
    os.environ["BLOCKYARD_MIGRATED"] = "1"
    if settings.cors_origins:
        os.environ["BLOCKYARD_CORS_ORIGINS"] = ",".join(settings.cors_origins)
    from .. import workers as worker_pool
    from ..http.server import raise_file_limit, uvicorn_options

    raise_file_limit()
    options = uvicorn_options(settings)  # bounded heads, timeouts for idle and slow clients (http/server.py)

    click.echo(f"Blockyard {__version__} serving {settings.public_url} (store: {redact(settings.database)})", err=True)
    if sock is not None:
        import uvicorn

        # An in-memory store lives in this process only: serve the one the demo was written to.
        app: Any = worker_pool.APP
        if store.in_memory:
            from ..app import create_app

            app = create_app(settings, store, migrate=False)
        else:
            store.dispose()
        uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])
        return
    store.dispose()
    if worker_pool.can_share_port():
        worker_pool.run(settings.host, settings.port, workers, options)
        return
    import uvicorn

    uvicorn.run(worker_pool.APP, host=settings.host, port=settings.port, workers=workers, **options)


def _check_settings(settings: Any, workers: int) -> None:
    """What the environment may still hold wrong (BLOCKYARD_* variables), the store URL, and the fault rules file."""
    from ..store.engine import StoreURLError, normalise_url, sqlite_file

    try:
        url, _schema = normalise_url(settings.database)
    except StoreURLError as exc:
        raise click.BadParameter(str(exc), param_hint="--database") from None
    if workers > 1 and url.get_backend_name() == "sqlite" and sqlite_file(url) is None:
        raise click.BadParameter("an in-memory store lives in one process: use --workers 1", param_hint="--workers")
    if not 0 <= settings.port <= 65535:
        raise click.BadParameter(f"{settings.port} is not a port (0 to 65535)", param_hint="--port")
    if settings.log_level not in LOG_LEVELS:
        raise click.BadParameter(f"{settings.log_level!r} is not one of {', '.join(LOG_LEVELS)}",
                                 param_hint="--log-level")
    if settings.request_timeout < 0:
        raise click.BadParameter(f"{settings.request_timeout:g} is negative", param_hint="--request-timeout")
    if settings.faults:
        from ..limits.faults import FaultRules

        try:
            FaultRules().load_file(settings.faults)
        except OSError as exc:
            raise click.BadParameter(f"cannot read {settings.faults}: {exc.strerror}", param_hint="--faults") from None
        except ValueError as exc:  # invalid JSON, or a rule Notion's statuses do not allow
            message = str(exc).splitlines()[0]
            if not message.startswith(settings.faults):
                message = f"{settings.faults}: not valid JSON ({message})"
            raise click.BadParameter(message, param_hint="--faults") from None


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or one clear error (unknown host, port in use, no permission)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise click.BadParameter(f"cannot resolve {host!r} ({getattr(exc, 'strerror', None) or exc})",
                                 param_hint="--host") from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _export_limits(limits: dict[str, Any]) -> None:
    """The limits options reach every worker process through BLOCKYARD_* environment variables."""
    import os

    from ..limits.rate import parse

    for name, value in limits.items():
        if value is not None:
            os.environ["BLOCKYARD_" + name.upper()] = str(value)
    try:
        parse(os.environ.get("BLOCKYARD_RATE_LIMIT"))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--rate-limit") from None
