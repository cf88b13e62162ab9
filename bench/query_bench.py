"""Query latency benchmark: a data source of N rows with 10 properties of mixed types, queried over HTTP
with a selective compound filter and a sort, first page of 100.

    .venv/bin/python bench/query_bench.py [--rows 10000 100000] [--postgres URL] [--requests 60]

Rows are written straight through the store and indexed with `reindex_page`, as the API would."""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import uvicorn

from blockyard import ids
from blockyard.access import admin
from blockyard.app import create_app
from blockyard.domain import databases
from blockyard.owner import owner_ctx
from blockyard.query.index import reindex_page
from blockyard.settings import Settings
from blockyard.store import nodes as store_nodes
from blockyard.store.nodes import Node

SCHEMA = {
    "Name": {"title": {}}, "N": {"number": {}}, "Score": {"number": {}}, "Done": {"checkbox": {}},
    "S": {"select": {"options": [{"name": f"opt{i}"} for i in range(50)]}},
    "Tags": {"multi_select": {"options": [{"name": f"tag{i}"} for i in range(5)]}},
    "When": {"date": {}}, "Notes": {"rich_text": {}}, "Link": {"url": {}}, "Mail": {"email": {}},
}
QUERY = {
    "filter": {"and": [
        {"property": "S", "select": {"equals": "opt3"}},
        {"property": "N", "number": {"greater_than": 500}},
        {"property": "Done", "checkbox": {"equals": True}},
    ]},
    "sorts": [{"property": "When", "direction": "descending"}],
    "page_size": 100,
}


def rich(s: str) -> list[dict]:
    return [{"type": "text", "text": {"content": s, "link": None}, "plain_text": s, "href": None,
             "annotations": {"bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False, "color": "default"}}]


def build(app, rows: int) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    store = app.store
    rng = random.Random(7)
    with store.write() as tx:
        ws = admin.create_workspace(tx, "Bench")
        _info, token = admin.create_integration(tx, ws, "Bench", ("read_content", "update_content", "insert_content"))
        with owner_ctx(tx, ws) as ctx:
            from blockyard.domain import pages

            root = pages.create(ctx, {"parent": {"workspace": True}, "properties": {"title": {"title": [{"text": {"content": "Root"}}]}}})
            db = databases.create(ctx, {"parent": {"page_id": root.id}, "title": [{"text": {"content": "Bench"}}],
                                        "initial_data_source": {"properties": SCHEMA}})
            ds = databases.data_sources_of(ctx, db)[0]
        admin.share(tx, ws, root.id, "Bench", "edit")
    schema = ds.data["properties"]
    pid = {p["name"]: k for k, p in schema.items()}
    opts = {n: schema[pid[n]][schema[pid[n]]["type"]]["options"] for n in ("S", "Tags")}
    done = 0
    while done < rows:
        n = min(5000, rows - done)
        with store.write() as tx:
            keys = store_nodes.keys_for_insert(tx, ds.id, n)
            batch = []
            for i in range(n):
                k = done + i
                s = rng.choice(opts["S"])
                props = {
                    "title": rich(f"Row {k}"), pid["N"]: rng.randint(0, 1000), pid["Score"]: rng.random(),
                    pid["Done"]: rng.random() < 0.5, pid["S"]: {"id": s["id"], "name": s["name"], "color": s["color"]},
                    pid["Tags"]: [{"id": t["id"], "name": t["name"], "color": t["color"]} for t in rng.sample(opts["Tags"], rng.randint(0, 3))],
                    pid["When"]: {"start": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "end": None, "time_zone": None},
                    pid["Notes"]: rich(f"note {rng.randint(0, 99999)}"), pid["Link"]: f"https://example.com/{k}",
                    pid["Mail"]: f"user{k}@example.com",
                }
                t = tx.now - tx.now % 60_000
                batch.append(Node(ids.new_id(), ws.id, "page", "child_page", "data_source_id", ds.id, keys[i], False, None,
                                  t, ws.owner_id, t, ws.owner_id, f"row {k}", {"properties": props, "_title_text": f"Row {k}"}))
            store_nodes.insert_many(tx, batch)
            for node in batch:
                reindex_page(tx, node, ds)
        done += n
    with store.write() as tx:
        if tx.is_sqlite:
            tx.conn.exec_driver_sql("ANALYZE")
    if not store.is_sqlite:
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return token, ds.id


def serve(database: str):  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(Settings(database=database, port=port))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return app, server, f"http://127.0.0.1:{port}"


def measure(url: str, token: str, ds_id: str, requests: int) -> tuple[float, float, int]:
    headers = {"Authorization": f"Bearer {token}", "Notion-Version": "2026-03-11"}
    times = []
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        for i in range(requests + 5):
            t0 = time.perf_counter()
            r = client.post(f"/v1/data_sources/{ds_id}/query", json=QUERY)
            elapsed = (time.perf_counter() - t0) * 1000
            r.raise_for_status()
            if i >= 5:
                times.append(elapsed)
            count = len(r.json()["results"])
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", default=None, help="e.g. postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    backends = [("sqlite", None)] + ([("postgres", args.postgres)] if args.postgres else [])
    for backend, pg in backends:
        for rows in args.rows:
            if pg:
                database = f"{pg}?schema=bench_{uuid.uuid4().hex[:8]}"
            else:
                database = str(Path(tempfile.mkdtemp()) / "bench.db")
            app, server, url = serve(database)
            t0 = time.perf_counter()
            token, ds_id = build(app, rows)
            built = time.perf_counter() - t0
            median, p99, count = measure(url, token, ds_id, args.requests)
            print(f"{backend:8} rows={rows:>7} build={built:6.1f}s  median={median:6.1f} ms  p99={p99:6.1f} ms  results={count}")
            server.should_exit = True
            time.sleep(0.3)
            app.store.drop_schema()
            app.store.dispose()


if __name__ == "__main__":
    main()
