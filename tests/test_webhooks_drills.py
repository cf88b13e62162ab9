"""Delivery under stress: several workers sharing one PostgreSQL outbox, and kill -9 with deliveries in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import httpx
import pytest
import sqlalchemy as sa

from blockyard.access import admin as access_admin
from blockyard.domain import pages
from blockyard.owner import owner_ctx
from blockyard.store import Store
from blockyard.store.schema_webhooks import webhook_deliveries
from blockyard.webhooks import subscriptions
from support import Server, free_port, store_url
from webhook_support import FAST


def title(text: str) -> dict:
    return {"title": {"title": [{"text": {"content": text}}]}}


def test_two_workers_on_postgresql_deliver_each_event_once(server, tmp_path, rx):
    if not server.database.startswith("postgresql"):
        pytest.skip("several deliverers share an outbox on PostgreSQL; SQLite elects one")
    url = store_url(True, tmp_path)
    first = Server.start(url, **FAST)
    second = Server.start(url, **FAST)
    try:
        for s in (first, second):
            s.app.webhooks.start()
        ws = first.new_workspace()
        with first.store.write() as tx:
            subscriptions.create(tx, ws.info, "Test Integration", rx.url("/many"), ["page.created"], None, True)
        count = 120
        clients = [httpx.Client(base_url=s.url, headers={"Authorization": f"Bearer {ws.token}",
                                                          "Notion-Version": "2026-03-11"}) for s in (first, second)]
        for i in range(count):
            resp = clients[i % 2].post("/v1/pages", json={"parent": {"page_id": ws.root_id}, "properties": title(f"p{i}")})
            assert resp.status_code == 200, resp.text
        rx.wait(lambda items: len(items) >= count, "/many", timeout=60)
        time.sleep(1.0)
        ids = Counter(e["id"] for e in rx.events("/many"))
        assert len(ids) == count and max(ids.values()) == 1
        assert first.app.webhooks.sent + second.app.webhooks.sent == count + 1  # and the verification request
        for c in clients:
            c.close()
    finally:
        first.app.webhooks.stop()
        second.app.webhooks.stop()
        second.uvicorn_server.should_exit = True
        second.thread.join(timeout=10)
        second.store.dispose()
        first.stop()


def _unfinished(store: Store) -> int:
    with store.read() as tx:
        return tx.execute(sa.select(sa.func.count()).select_from(webhook_deliveries)
                          .where(webhook_deliveries.c.state != "delivered")).scalar()


def _serve(database: str, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKYARD_")}
    env.update(BLOCKYARD_WEBHOOK_TIMEOUT_SECONDS="1", BLOCKYARD_WEBHOOK_RETRY_SECONDS="0.05",
               BLOCKYARD_WEBHOOK_POLL_SECONDS="0.05", BLOCKYARD_WEBHOOK_AGGREGATION_SECONDS="0.2")
    proc = subprocess.Popen([sys.executable, "-m", "blockyard.cli", "serve", "--database", database, "--port", str(port),
                             "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/users/me", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "serve did not start")


def test_kill_9_with_deliveries_in_flight_loses_no_event(server, tmp_path, rx):
    postgres = server.database.startswith("postgresql")
    database = store_url(postgres, tmp_path)
    store = Store(database)
    store.migrate()
    with store.write() as tx:
        ws = access_admin.create_workspace(tx, "Drill")
        _info, token = access_admin.create_integration(tx, ws, "Drill Integration", ("read_content", "update_content", "insert_content"))
        with owner_ctx(tx, ws) as ctx:
            root = pages.create(ctx, {"parent": {"workspace": True}, "properties": title("Root")})
        access_admin.share(tx, ws, root.id, "Drill Integration", "edit")
        subscriptions.create(tx, ws, "Drill Integration", rx.url("/drill"), ["page.created"], None, True)
    rx.answer = lambda d: (200, b"", 0.15)  # slow enough that deliveries are in flight when the process dies
    port = free_port()
    proc = _serve(database, port)
    count = 40
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={
                "Authorization": f"Bearer {token}", "Notion-Version": "2026-03-11"}) as client:
            for i in range(count):
                assert client.post("/v1/pages", json={"parent": {"page_id": root.id},
                                                      "properties": title(f"d{i}")}).status_code == 200
        rx.wait(lambda items: len(items) >= 5, "/drill", timeout=30)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        before = len(rx.events("/drill"))
        assert before < count, "everything went out before the kill: nothing was in flight"
        proc = _serve(database, port)
        rx.wait(lambda items: len({e["id"] for e in items}) >= count, "/drill", timeout=60)
        deadline = time.time() + 20
        while time.time() < deadline and _unfinished(store):
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    received = Counter(e["id"] for e in rx.events("/drill"))
    with store.read() as tx:
        rows = tx.execute(sa.select(webhook_deliveries.c.id, webhook_deliveries.c.state)
                          .where(webhook_deliveries.c.type == "page.created")).all()
    assert len(rows) == count and {r.state for r in rows} == {"delivered"}
    assert set(received) == {r.id for r in rows}
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= 16  # at most the attempts that were in flight (PER_SUBSCRIPTION) are repeated
    store.drop_schema()
    store.dispose()
