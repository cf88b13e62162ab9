"""Blockyard inside a test process: the application with its store, a socket when one is asked for,
fresh workspaces, and the per-test handle that the `blockyard` fixture gives.

    server = Server()                      # a store in a temporary directory, no socket yet
    sandbox = server.sandbox()             # what the `blockyard` fixture is
    notion = sandbox.client()              # notion_client.Client straight to the app
    server.url                             # starts uvicorn on a free port, for other processes
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..access import capabilities as caps
from .helpers import Faults, RateLimit, Requests, TestClock, Webhooks
from .workspaces import INTEGRATION_NAME, Workspace, WorkspaceFactory

if TYPE_CHECKING:
    from ..app import Blockyard


class Server:
    """One Blockyard for a test session. `database` is an SQLite path or a URL (PostgreSQL with
    `?schema=NAME` keeps to its own schema, dropped on close); by default a new SQLite file in a
    temporary directory, removed on close. Settings are those of `blockyard serve`."""

    def __init__(self, database: str | None = None, **settings: Any) -> None:
        from ..app import create_app
        from ..settings import Settings

        self._tmp: str | None = None
        if database is None:
            self._tmp = tempfile.mkdtemp(prefix="blockyard-test-")
            database = os.path.join(self._tmp, "store.db")
        # An admin key turns fault injection on (limits/__init__.py); with no rule in force it costs nothing.
        settings.setdefault("admin_key", secrets.token_urlsafe(24))
        settings.setdefault("log_level", "warning")
        self.settings = Settings(database=database, **settings)
        self.app: "Blockyard" = create_app(self.settings)
        self.store = self.app.store
        self.clock = TestClock()
        self.store.clock = self.clock
        self.workspaces = WorkspaceFactory(self.store)
        self._uvicorn: Any = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def admin_key(self) -> str:
        return self.settings.admin_key or ""

    @property
    def url(self) -> str:
        """The base URL of a real socket (uvicorn on a free port in a thread), started on first use."""
        with self._lock:
            if self._uvicorn is None:
                self._start()
            return self.app.settings.public_url

    def _start(self) -> None:
        import socket

        import uvicorn

        sock = socket.socket()
        sock.bind((self.settings.host, 0))
        port = sock.getsockname()[1]
        self.app.settings.port = port
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                                  name="blockyard-test-server")
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Blockyard test server did not start")
            time.sleep(0.005)
        self._uvicorn, self._thread, self._socket = server, thread, sock

    def new_workspace(self, capabilities: tuple[str, ...] = caps.DEFAULT) -> Workspace:
        return self.workspaces.create(tuple(capabilities))

    def drop_workspace(self, workspace: Workspace | str, *, now: bool = False) -> None:
        """Deletes the workspace's rows: in the next workspace's transaction, or at once with now=True."""
        self.workspaces.drop(workspace if isinstance(workspace, str) else workspace.id, now=now)

    def client(self, token: str, *, asynchronous: bool = False, **options: Any) -> Any:
        from .client import client

        return client(self.app, auth=token, asynchronous=asynchronous, **options)

    def sandbox(self, **options: Any) -> "Sandbox":
        return Sandbox(self, **options)

    def close(self) -> None:
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
            assert self._thread is not None
            self._thread.join(timeout=10)
            self._socket.close()
            self._uvicorn = None
        self.workspaces.flush()
        log = getattr(self.app, "request_log", None)
        if log is not None:
            log.flush()
        self.store.drop_schema()
        self.store.dispose()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Sandbox:
    """One test's Blockyard: a fresh workspace (made on first use) with an integration token and a root
    page shared with it, in-process clients, and the helpers. `close()` drops every workspace it made
    and puts the helpers back (the fixture does this after each test)."""

    def __init__(self, server: Server, *, capabilities: tuple[str, ...] | None = None,
                 notion_version: str | None = None) -> None:
        self.server = server
        self.capabilities = tuple(capabilities) if capabilities is not None else caps.DEFAULT
        self.notion_version = notion_version
        self.clock = server.clock
        self.faults = Faults(server.app)
        self.rate_limit = RateLimit(server.app)
        self.requests = Requests(server.app)
        self.webhooks = Webhooks()
        self._workspace: Workspace | None = None
        self._made: list[Workspace] = []
        self._clients: list[Any] = []

    # --- the server ----------------------------------------------------------------------------

    @property
    def app(self) -> "Blockyard":
        """The ASGI application, for any ASGI-capable client (httpx.ASGITransport, ...)."""
        return self.server.app

    @property
    def url(self) -> str:
        """A real base URL (a socket on a free port, opened on first use), for subprocesses and Node."""
        return self.server.url

    @property
    def store(self) -> Any:
        return self.server.store

    # --- the workspace ---------------------------------------------------------------------------

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            self._workspace = self.new_workspace(self.capabilities)
        return self._workspace

    @property
    def token(self) -> str:
        """The integration token of the test's workspace ("Test Integration")."""
        return self.workspace.token

    @property
    def root_page_id(self) -> str:
        """The page "Root", shared with the integration: a parent for whatever the test creates."""
        return self.workspace.root_page_id

    def new_workspace(self, capabilities: tuple[str, ...] = caps.DEFAULT) -> Workspace:
        """Another fresh workspace, dropped with this test's."""
        workspace = self.server.new_workspace(capabilities)
        self._made.append(workspace)
        return workspace

    def client(self, token: str | None = None, *, asynchronous: bool = False, **options: Any) -> Any:
        """A notion_client.Client (AsyncClient with asynchronous=True) whose requests go straight to the
        app, authenticated as the test's integration unless another token is given. Retries are off
        unless `retry` is passed, so a failure shows as it comes."""
        from .client import client

        if self.notion_version and "notion_version" not in options:
            options["notion_version"] = self.notion_version
        made = client(self.app, auth=token or self.token, asynchronous=asynchronous, **options)
        self._clients.append(made)
        return made

    def integration(self, name: str, capabilities: tuple[str, ...] = caps.DEFAULT, *, share: str | None = "edit") -> str:
        """Another integration in the test's workspace, sharing the root page unless share=None; its token."""
        from ..access import admin

        with self.store.write() as tx:
            _info, token = admin.create_integration(tx, self.workspace.info, name, capabilities)
            if share:
                admin.share(tx, self.workspace.info, self.root_page_id, name, share)
        return token

    def share(self, object_id: str, integration: str = INTEGRATION_NAME, access: str = "edit") -> None:
        """Share a page or database (and all beneath it) with an integration, as Notion's share menu does."""
        from ..access import admin

        with self.store.write() as tx:
            admin.share(tx, self.workspace.info, object_id, integration, access)

    def unshare(self, object_id: str, integration: str = INTEGRATION_NAME) -> None:
        from ..access import admin

        with self.store.write() as tx:
            admin.unshare(tx, self.workspace.info, object_id, integration)

    def personal_token(self) -> str:
        """A personal access token of the workspace owner (sees everything, may create top-level pages)."""
        from ..access import admin

        with self.store.write() as tx:
            return admin.create_personal_token(tx, self.workspace.info)

    def load_snapshot(self, path: str | os.PathLike[str], *, share: bool = True) -> dict[str, Any]:
        """Import a snapshot (JSON Lines of API objects, docs/snapshots.md) into the test's workspace at its
        own IDs; its root pages and databases are shared with the integration unless share=False."""
        from .snapshots import load

        return load(self, Path(path), share=share)

    def export(self) -> list[dict[str, Any]]:
        """The test's workspace as a snapshot would hold it (portability/exporter.py)."""
        from ..portability import export_objects

        with self.store.read() as tx:
            return list(export_objects(tx, self.workspace.info))

    def close(self) -> None:
        for made in self._clients:
            # Sync clients own an event loop (transport.py): close it. An AsyncClient holds nothing that
            # outlives the test's own loop, and closing it would need that loop.
            if not hasattr(made, "aclose"):
                made.close()
        self._clients.clear()
        self.faults.reset()
        self.rate_limit.reset()
        self.clock.reset()
        for workspace in self._made:
            self.server.drop_workspace(workspace)
        self._made.clear()
        self._workspace = None
