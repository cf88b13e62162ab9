"""`client(app, ...)`: a notion-client Client whose requests never leave the process."""

from __future__ import annotations

from typing import Any

from .transport import AsyncInProcessClient, InProcessClient

IN_PROCESS_URL = "http://blockyard.test"  # what the in-process clients put in URLs; nothing listens there


def client(target: Any, *, auth: str | None = None, asynchronous: bool = False, **options: Any) -> Any:
    """A `notion_client.Client` (or `AsyncClient` with asynchronous=True) bound to a Blockyard app.

    `target` is the application (`blockyard.app.create_app(...)`), a `blockyard.testing.Server`, or
    the `blockyard` fixture; with the fixture, `auth` defaults to its integration's token. Every other
    keyword is a notion-client option (`notion_version`, `timeout_ms`, `retry`, `log_level`, ...);
    retries are off unless `retry` is given, so a test sees each failure as it comes."""
    from notion_client import AsyncClient, Client

    app = target
    if hasattr(target, "token") and hasattr(target, "app"):  # the fixture's Sandbox
        auth = auth if auth is not None else target.token
        app = target.app
    elif hasattr(target, "app") and not callable(target):  # a Server
        app = target.app
    if not callable(app):
        raise TypeError(f"blockyard.testing.client() needs a Blockyard app, Server or the blockyard fixture, not {target!r}")
    options.setdefault("retry", False)
    options.setdefault("base_url", IN_PROCESS_URL)
    if asynchronous:
        return AsyncClient(client=AsyncInProcessClient(app), auth=auth, **options)
    return Client(client=InProcessClient(app), auth=auth, **options)
