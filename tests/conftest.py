"""Shared fixtures: a live Blockyard per store backend, and a fresh workspace per test.

The server runs under uvicorn in a thread on a free port; tests talk to it through the real
`notion-client`, raw httpx for malformed requests, and Node's `@notionhq/client`. Every test gets
its own workspace, integration and shared root page, so tests never see each other's rows."""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

from support import Server, Workspace, postgres_available, store_url

BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("BLOCKYARD_TEST_POSTGRES", "auto") != "off" else [])


@pytest.fixture(scope="session", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    backend = request.param
    if backend == "postgres":
        if not postgres_available():
            pytest.skip("PostgreSQL does not answer at 127.0.0.1:5432")
    srv = Server.start(store_url(backend == "postgres", tmp_path_factory.mktemp("store")))
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def ws(server: Server) -> Workspace:
    return server.new_workspace()


@pytest.fixture(params=["drive", "walk", "bounded"])
def plan(request, monkeypatch):  # type: ignore[no-untyped-def]
    """Every query plan: conditions drive and their pages are sorted; or queries walk their order and
    probe each page; or a bounded walk gives up at once and drives. Answers must not depend on it."""
    from blockyard.query import engine

    monkeypatch.setattr(engine, "DRIVE_LIMIT", 10**9 if request.param == "drive" else 0)
    if request.param == "bounded":
        monkeypatch.setattr(engine, "WALK_FACTOR", 0)
    return request.param


# Webhook tests: a server of their own with short webhook timings, its workspaces, and a receiver.


@pytest.fixture(scope="module")
def wsrv(server: Any, tmp_path_factory: Any) -> Any:
    """A server of its own, with short webhook timings and its deliverer running."""
    from webhook_support import FAST

    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path_factory.mktemp("wh")), **FAST)
    srv.app.webhooks.start()  # lifespan is off under the test server; serve starts it at start-up
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def wws(wsrv: Any) -> Any:
    return wsrv.new_workspace()


@pytest.fixture
def rx() -> Any:
    from webhook_support import Receiver

    r = Receiver().start()
    yield r
    r.stop()
