"""Shared fixtures: a live Blockyard per store backend, and a fresh workspace per test.

The server runs under uvicorn in a thread on a free port; tests talk to it through the real
`notion-client`, raw httpx for malformed requests, and Node's `@notionhq/client`. Every test gets
its own workspace, integration and shared root page, so tests never see each other's rows."""

from __future__ import annotations

import os
from typing import Iterator

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
