"""Test helpers: starting a server, making workspaces, and clients for each API version."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from notion_client import Client

from blockyard.access import admin, capabilities as caps
from blockyard.app import create_app
from blockyard.http.server import GuardedHttpTools
from blockyard.owner import owner_ctx
from blockyard.settings import Settings
from blockyard.store import Store

VERSIONS = ("2022-06-28", "2025-09-03", "2026-03-11")


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            pass
        import psycopg

        psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=2).close()
        return True
    except Exception:
        return False


def store_url(postgres: bool, tmp_path: Path) -> str:
    """A fresh store: its own PostgreSQL schema (dropped when the server stops), or a new SQLite file."""
    if postgres:
        return f"postgresql://postgres@127.0.0.1:5432/test?schema=t_{uuid.uuid4().hex[:12]}"
    return str(tmp_path / f"{uuid.uuid4().hex[:8]}.db")


def custom_server(server: "Server", tmp_path: Path, **settings: Any) -> "Server":
    """A server with its own settings and store, on the same backend as `server`."""
    return Server.start(store_url(server.database.startswith("postgresql"), tmp_path), **settings)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    store: Store
    app: Any
    thread: threading.Thread
    uvicorn_server: uvicorn.Server
    database: str

    @classmethod
    def start(cls, database: str, **settings: Any) -> "Server":
        port = free_port()
        cfg = Settings(database=database, port=port, **settings)
        app = create_app(cfg)
        # The HTTP protocol `serve` uses, limits included, so every test request goes through it.
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                http=GuardedHttpTools)
        userver = uvicorn.Server(config)
        thread = threading.Thread(target=userver.run, daemon=True)
        thread.start()
        deadline = time.time() + 10
        while not userver.started:
            if time.time() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        return cls(f"http://127.0.0.1:{port}", app.store, app, thread, userver, database)

    def stop(self) -> None:
        self.uvicorn_server.should_exit = True
        self.thread.join(timeout=10)
        self.app.files.worker.stop()  # its background thread (imports, expiry) ends with the server
        self.app.webhooks.stop()
        self.store.drop_schema()
        self.store.dispose()

    def new_workspace(self, capabilities: tuple[str, ...] = caps.DEFAULT) -> "Workspace":
        with self.store.write() as tx:
            w = admin.create_workspace(tx, "Test Workspace")
            _info, token = admin.create_integration(tx, w, "Test Integration", capabilities)
            with owner_ctx(tx, w) as ctx:
                from blockyard.domain import pages

                root = pages.create(ctx, {
                    "parent": {"workspace": True},
                    "properties": {"title": {"title": [{"text": {"content": "Root"}}]}},
                })
            admin.share(tx, w, root.id, "Test Integration", "edit")
        return Workspace(self, w, token, root.id)


@dataclass
class Workspace:
    server: Server
    info: admin.Workspace
    token: str
    root_id: str
    _clients: dict[str, Client] = field(default_factory=dict)

    def client(self, version: str = "2026-03-11", token: str | None = None) -> Client:
        key = f"{version}:{token or self.token}"
        if key not in self._clients:
            self._clients[key] = Client(
                auth=token or self.token, base_url=self.server.url, notion_version=version, retry=False
            )
        return self._clients[key]

    def raw(self, method: str, path: str, *, version: str | None = "2026-03-11", token: str | None = "default",
            json: Any = None, content: bytes | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
        h = dict(headers or {})
        if version is not None:
            h["Notion-Version"] = version
        if token is not None:
            h["Authorization"] = f"Bearer {self.token if token == 'default' else token}"
        return httpx.request(method, self.server.url + path, json=json, content=content, headers=h, timeout=30)

    def admin(self):  # type: ignore[no-untyped-def]
        """A write transaction and this workspace, for settings actions (integrations, sharing)."""
        return _AdminTx(self)

    def integration(self, name: str, capabilities: tuple[str, ...] = caps.DEFAULT, share: str | None = "edit") -> str:
        """Another integration in this workspace; returns its token. Shares the root page unless share=None."""
        with self.server.store.write() as tx:
            _info, token = admin.create_integration(tx, self.info, name, capabilities)
            if share:
                admin.share(tx, self.info, self.root_id, name, share)
        return token

    def personal_token(self) -> str:
        with self.server.store.write() as tx:
            return admin.create_personal_token(tx, self.info)

    def integration_record(self, name: str = "Test Integration") -> dict[str, Any]:
        """What the settings page shows for an integration: id, bot_id, capabilities, grants."""
        with self.server.store.read() as tx:
            return admin.integration_info(tx, self.info, name)

    def share(self, object_id: str, name: str = "Test Integration", access: str = "edit") -> None:
        with self.server.store.write() as tx:
            admin.share(tx, self.info, object_id, name, access)

    def unshare(self, object_id: str, name: str = "Test Integration") -> None:
        with self.server.store.write() as tx:
            admin.unshare(tx, self.info, object_id, name)

    def owner_page(self, title: str = "Owner page") -> str:
        """A workspace-level page made by the owner and shared with nobody; returns its ID."""
        with self.server.store.write() as tx:
            with owner_ctx(tx, self.info) as ctx:
                from blockyard.domain import pages

                return pages.create(ctx, {
                    "parent": {"workspace": True},
                    "properties": {"title": {"title": [{"text": {"content": title}}]}},
                }).id

    def add_person(self, name: str, email: str | None = None) -> str:
        with self.server.store.write() as tx:
            return admin.add_person(tx, self.info, name, email)


class _AdminTx:
    def __init__(self, w: Workspace) -> None:
        self.w = w

    def __enter__(self):  # type: ignore[no-untyped-def]
        self._cm = self.w.server.store.write()
        tx = self._cm.__enter__()
        return tx, self.w.info

    def __exit__(self, *exc: Any) -> None:
        self._cm.__exit__(*exc)


# Every code Notion documents; the SDKs only treat a body as a Notion error when its code is known.
KNOWN_CODES = frozenset({
    "invalid_json", "invalid_request_url", "invalid_request", "invalid_grant", "validation_error", "missing_version",
    "invalid_beta", "unauthorized", "restricted_resource", "object_not_found", "conflict_error", "row_limit_exceeded",
    "rate_limited", "internal_server_error", "bad_gateway", "service_unavailable", "database_connection_unavailable",
    "gateway_timeout", "service_overload",
})


def assert_error(resp: httpx.Response, status: int, code: str, message: str | None = None, *,
                 contains: str | None = None) -> dict[str, Any]:
    """Checks Notion's error shape and returns the body: JSON `{object:"error", status, code, message,
    request_id}` (+ `additional_data`), with `x-notion-request-id` equal to the body's `request_id`."""
    assert resp.status_code == status, (resp.status_code, resp.text)
    assert resp.headers.get("content-type", "").startswith("application/json"), resp.headers
    body = resp.json()
    assert body["object"] == "error", body
    assert body["status"] == status, body
    assert body["code"] == code, body
    assert body["code"] in KNOWN_CODES, body
    assert isinstance(body["message"], str) and body["message"], body
    assert set(body) <= {"object", "status", "code", "message", "request_id", "additional_data"}, body
    assert isinstance(body["request_id"], str) and body["request_id"], body
    assert resp.headers.get("x-notion-request-id") == body["request_id"], (resp.headers, body)
    if message is not None:
        assert body["message"] == message, body
    if contains is not None:
        assert contains in body["message"], body
    return body


def text(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content}}]


def paragraph(content: str, **extra: Any) -> dict[str, Any]:
    return {"object": "block", "type": "paragraph", "paragraph": {"rich_text": text(content), **extra}}
