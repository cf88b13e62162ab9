"""Blockyard in your own tests (docs/testing.md).

- `client(app, ...)`: a notion-client Client or AsyncClient whose requests go straight to the ASGI app.
- `Server`: the application with its store, a socket on a free port when asked, fresh workspaces.
- The pytest plugin (`blockyard.testing.plugin`, registered through the `pytest11` entry point):
  fixtures `blockyard`, `notion` and `notion_async`, and the marker `@pytest.mark.blockyard(snapshot=...)`.
- `serve_ephemeral`: `blockyard serve --ephemeral`, for test suites in other languages.
"""

from __future__ import annotations

from .client import client
from .helpers import Faults, RateLimit, Requests, TestClock, Webhooks
from .server import Sandbox, Server
from .snapshots import SnapshotError
from .workspaces import Workspace

__all__ = ["Faults", "RateLimit", "Requests", "Sandbox", "Server", "SnapshotError", "TestClock", "Webhooks",
           "Workspace", "client"]
