"""`blockyard serve`: validate the options, prepare the store, then run the workers."""

from __future__ import annotations

from typing import Any

import click

from .. import __version__
from .common import database_option, open_store, redact, settings_for


@click.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1)")
@click.option("--port", default=None, type=int, help="Port (default 8787)")
@database_option
@click.option("--demo", is_flag=True, help="Create the getting-started demo on first run and print its token")
@click.option("--cors-origin", "cors", multiple=True, help="Allow browsers from this origin (repeatable; * for any)")
@click.option("--workers", default=1, type=int, help="Worker processes (PostgreSQL stores)")
@click.option("--log-level", default=None, help="debug, info, warning")
@click.option("--rate-limit", default=None, help="off | notion | per_integration=N/Ts,per_workspace=N/Ts")
@click.option("--faults", default=None, help="JSON file of fault rules (see docs/recipes.md)")
@click.option("--admin-key", default=None, help="Bearer key that enables /admin/faults and /admin/log")
@click.option("--request-timeout", default=None, type=float,
              help="Seconds before a request answers 503 (default 60; 0 = none)")
def serve(host: str | None, port: int | None, database: str | None, demo: bool, cors: tuple[str, ...],
          workers: int, log_level: str | None, **limits: Any) -> None:
    """Start the server."""
    import os

    import uvicorn

    _export_limits(limits)
    settings = settings_for(database, host=host, port=port, cors_origins=cors or None, log_level=log_level)
    store = open_store(settings.database)
    if demo:
        from ..demo import ensure_demo

        with store.write() as tx:
            ensure_demo(tx, settings)
    store.dispose()
    os.environ["BLOCKYARD_DATABASE"] = settings.database
    os.environ["BLOCKYARD_MIGRATED"] = "1"
    if settings.cors_origins:
        os.environ["BLOCKYARD_CORS_ORIGINS"] = ",".join(settings.cors_origins)
    click.echo(f"Blockyard {__version__} serving {settings.public_url} (store: {redact(settings.database)})", err=True)
    options = {"log_level": settings.log_level, "access_log": settings.log_level == "debug", "lifespan": "on"}
    from .. import workers as worker_pool

    if workers > 1 and worker_pool.can_share_port():
        worker_pool.run(settings.host, settings.port, workers, options)
        return
    uvicorn.run(worker_pool.APP, host=settings.host, port=settings.port,
                workers=workers if workers > 1 else None, **options)


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
