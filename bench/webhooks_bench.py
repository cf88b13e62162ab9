"""Webhook benchmarks: what recording events costs a request, how fast one deliverer empties the outbox, and what
a long delivery history costs the deliverer's queries.

    .venv/bin/python -m bench.webhooks_bench [--requests 200] [--events 5000] [--outbox-rows 1000000] [--postgres URL]

1. Recording overhead: PATCH page properties and appending 100 blocks over HTTP to a `blockyard serve` process,
   with event recording patched out (the floor), recording with no subscription, and recording with an active
   subscription that sees the page (delivery off, so only the request's own work is measured). Each mode runs
   in its own server process, alternating per round. It reports median latency, and the server's CPU time per
   request, which stays meaningful on a shared, busy machine.
2. Delivery: N due deliveries to N entities, one deliverer, a local uvicorn receiver; events per second.
3. Outbox: the claim query and the aggregation lookup on an outbox holding M delivered rows, against an empty one."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from blockyard import ids
from blockyard.access import admin
from blockyard.app import create_app
from blockyard.domain import pages
from blockyard.owner import owner_ctx
from blockyard.settings import Settings
from blockyard.store.schema_webhooks import webhook_deliveries
from blockyard.webhooks import delivery, subscriptions


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_RECEIVER = """
import sys, uvicorn

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def _receiver() -> tuple[str, Any]:
    """A receiver in a process of its own, so that it takes no CPU from the deliverer being measured."""
    import subprocess
    import sys

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", _RECEIVER, str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/hook"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            httpx.post(url, content=b"{}", timeout=1)
            return url, proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("receiver did not start")


def _title(text: str) -> dict[str, Any]:
    return {"title": {"title": [{"text": {"content": text}}]}}


_LAUNCH = """
import sys
if sys.argv.pop(1) == "off":
    import blockyard.webhooks.events as events
    events.record_entity = lambda *a, **k: None
from blockyard.cli import main
sys.argv[0] = "blockyard"
main()
"""


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process: what it spent, however busy the machine is."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start_serve(database: str, mode: str) -> tuple[Any, str]:
    import os
    import subprocess
    import sys

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKYARD_")}
    env["BLOCKYARD_WEBHOOK_DELIVERY"] = "off"  # only the request's own work is measured
    proc = subprocess.Popen([sys.executable, "-c", _LAUNCH, mode, "serve", "--database", database, "--port", str(port),
                             "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            httpx.get(url + "/v1/users/me", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("serve did not start")


def recording(database: str, requests: int, rounds: int = 3) -> dict[str, Any]:
    """Each mode in a `blockyard serve` process of its own (off: recording patched out); modes alternate per
    round. Reports the median latency and the server's CPU time per request."""
    app = create_app(Settings(database=database, webhook_delivery=False))
    with app.store.write() as tx:
        ws = admin.create_workspace(tx, "Bench")
        _info, token = admin.create_integration(tx, ws, "Bench Integration", ("read_content", "update_content", "insert_content"))
        with owner_ctx(tx, ws) as ctx:
            root = pages.create(ctx, {"parent": {"workspace": True}, "properties": _title("Root")})
        admin.share(tx, ws, root.id, "Bench Integration", "edit")
    blocks = [{"paragraph": {"rich_text": [{"text": {"content": f"block {i}"}}]}} for i in range(100)]
    modes = ("off", "recorded", "subscribed")
    wall: dict[str, dict[str, list[float]]] = {w: {m: [] for m in modes} for w in ("patch_page", "append_100")}
    cpu: dict[str, dict[str, list[float]]] = {w: {m: [] for m in modes} for w in ("patch_page", "append_100")}
    sub_id = None
    for round_ in range(rounds):
        for mode in modes[round_ % 3:] + modes[:round_ % 3]:  # each mode takes each place in turn
            with app.store.write() as tx:
                if mode == "subscribed" and sub_id is None:
                    sub, _ = subscriptions.create(tx, ws, "Bench Integration", "http://127.0.0.1:9/none", None, None, True)
                    sub_id = sub["id"]
                elif mode != "subscribed" and sub_id is not None:
                    subscriptions.delete(tx, ws, sub_id)
                    sub_id = None
            proc, url = _start_serve(database, "off" if mode == "off" else "on")
            client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}",
                                                         "Notion-Version": "2026-03-11"}, timeout=60)
            try:
                page_id = client.post("/v1/pages", json={"parent": {"page_id": root.id},
                                                         "properties": _title("Target")}).json()["id"]
                for i in range(5):  # warm
                    client.patch(f"/v1/pages/{page_id}", json={"properties": _title(f"w{i}")})

                def run(workload: str, n: int, request: Any) -> None:
                    c0 = _cpu_seconds(proc.pid)
                    for i in range(n):
                        t0 = time.perf_counter()
                        request(i).raise_for_status()
                        wall[workload][mode].append((time.perf_counter() - t0) * 1000)
                    cpu[workload][mode].append((_cpu_seconds(proc.pid) - c0) * 1000 / n)

                run("patch_page", requests, lambda i: client.patch(f"/v1/pages/{page_id}",
                                                                   json={"properties": _title(f"Title {i}")}))
                target = client.post("/v1/pages", json={"parent": {"page_id": root.id},
                                                        "properties": _title("Appends")}).json()["id"]
                run("append_100", max(10, requests // 5),
                    lambda i: client.patch(f"/v1/blocks/{target}/children", json={"children": blocks}))
            finally:
                client.close()
                proc.terminate()
                proc.wait(timeout=20)
    app.store.dispose()
    out: dict[str, Any] = {}
    for workload in wall:
        med = {m: statistics.median(v) for m, v in wall[workload].items()}
        cpu_ms = {m: statistics.median(v) for m, v in cpu[workload].items()}
        out[workload] = {
            **{f"{m}_ms": round(x, 2) for m, x in med.items()},
            **{f"{m}_cpu_ms": round(x, 2) for m, x in cpu_ms.items()},
            "recorded_overhead_pct": round((med["recorded"] / med["off"] - 1) * 100, 1),
            "subscribed_overhead_pct": round((med["subscribed"] / med["off"] - 1) * 100, 1),
            "recorded_cpu_overhead_pct": round((cpu_ms["recorded"] / cpu_ms["off"] - 1) * 100, 1),
            "subscribed_cpu_overhead_pct": round((cpu_ms["subscribed"] / cpu_ms["off"] - 1) * 100, 1),
        }
    return out


def _due_rows(ws_id: str, sub_id: str, n: int, now: int, state: str = "pending") -> list[dict[str, Any]]:
    return [{
        "id": ids.new_id(), "workspace_id": ws_id, "subscription_id": sub_id, "type": "page.created",
        "entity_id": ids.new_id(), "entity_type": "page", "authors": "[]", "data": '{"parent":{"id":"x","type":"space"}}',
        "timestamp": now, "created_time": now, "state": state, "attempts": 1 if state == "delivered" else 0,
        "next_attempt_at": now, "finished_time": now if state == "delivered" else None,
    } for _ in range(n)]


def throughput(database: str, n: int) -> dict[str, Any]:
    """Wall time, and the CPU this process spent (the deliverer's thread, nearly all of it) per event."""
    hook, receiver = _receiver()
    app = create_app(Settings(database=database, webhook_poll_seconds=0.05, webhook_timeout_seconds=10))
    with app.store.write() as tx:
        ws = admin.create_workspace(tx, "Bench")
        admin.create_integration(tx, ws, "Bench Integration", ("read_content",))
        sub, _ = subscriptions.create(tx, ws, "Bench Integration", hook, None, None, True)
        now = tx.now
        for start in range(0, n, 5000):
            tx.execute(webhook_deliveries.insert(), _due_rows(ws.id, sub["id"], min(5000, n - start), now))
    t0, c0 = time.perf_counter(), time.process_time()
    app.webhooks.start()
    while app.webhooks.sent < n + 1 and time.perf_counter() - t0 < 300:
        time.sleep(0.02)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    app.webhooks.stop()
    app.store.dispose()
    receiver.terminate()
    receiver.wait(timeout=10)
    sent = app.webhooks.sent
    return {"events": n, "seconds": round(elapsed, 2), "events_per_second": round(sent / elapsed),
            "cpu_ms_per_event": round(cpu * 1000 / sent, 3), "events_per_cpu_second": round(sent / cpu)}


def outbox(database: str, rows: int) -> dict[str, Any]:
    app = create_app(Settings(database=database, webhook_delivery=False))
    store = app.store
    with store.write() as tx:
        ws = admin.create_workspace(tx, "Bench")
        admin.create_integration(tx, ws, "Bench Integration", ("read_content",))
        sub, _ = subscriptions.create(tx, ws, "Bench Integration", "http://127.0.0.1:9/x", None, None, True)
        tx.execute(webhook_deliveries.delete())

    def measure() -> dict[str, float]:
        now = store.clock.now_ms()
        params = {"now": now, "limit": 200, "busy": [""]}
        out = {}
        for name, stmt, p in (
            ("claim_ms", delivery._DUE, params),
            ("aggregation_lookup_ms", delivery._FOLLOWERS, {"sub": sub["id"], "entity": ids.new_id(), "seq": 0}),
        ):
            times = []
            with store.read() as tx:
                for _ in range(50):
                    t0 = time.perf_counter()
                    tx.execute(stmt, p).all()
                    times.append((time.perf_counter() - t0) * 1000)
            out[name] = round(statistics.median(times), 3)
        return out

    now = store.clock.now_ms()
    with store.write() as tx:
        tx.execute(webhook_deliveries.insert(), _due_rows(ws.id, sub["id"], 100, now))  # a little due work
    empty = measure()
    t0 = time.perf_counter()
    for start in range(0, rows, 20000):
        with store.write() as tx:
            tx.execute(webhook_deliveries.insert(), _due_rows(ws.id, sub["id"], min(20000, rows - start), now, "delivered"))
    fill = time.perf_counter() - t0
    full = measure()
    store.dispose()
    return {"delivered_rows": rows, "fill_seconds": round(fill, 1), "empty": empty, "full": full}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--rounds", type=int, default=3, help="rounds of the recording modes (each mode a server per round)")
    p.add_argument("--events", type=int, default=5000)
    p.add_argument("--outbox-rows", type=int, default=1_000_000)
    p.add_argument("--postgres", default=None, help="a PostgreSQL URL (a schema of its own is made per part)")
    p.add_argument("--only", default="recording,throughput,outbox")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wh-bench-"))

    def _database() -> str:
        if args.postgres:
            return f"{args.postgres}?schema=wh_bench_{uuid.uuid4().hex[:8]}"
        return str(tmp / f"{uuid.uuid4().hex[:8]}.db")

    made: list[str] = []

    def database() -> str:  # noqa: F811 (records what to drop at the end)
        url = _database()
        made.append(url)
        return url

    results: dict[str, Any] = {"store": "postgres" if args.postgres else "sqlite"}
    parts = args.only.split(",")
    if "recording" in parts:
        results["recording"] = recording(database(), args.requests, args.rounds)
        print("recording", results["recording"], flush=True)
    if "throughput" in parts:
        results["throughput"] = throughput(database(), args.events)
        print("throughput", results["throughput"], flush=True)
    if "outbox" in parts:
        results["outbox"] = outbox(database(), args.outbox_rows)
        print("outbox", results["outbox"], flush=True)
    if args.postgres:
        from blockyard.store import Store

        for url in made:
            store = Store(url)
            store.drop_schema()
            store.dispose()


if __name__ == "__main__":
    main()
