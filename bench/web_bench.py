"""python -m bench web: the web UI's server-side rendering, in process (no network, no browser).

Targets (issue 18): a page of 1,000 blocks renders in under 200 ms; the table view of a 10,000-row data
source shows its first page in under 100 ms. Each figure is the median of --repeats requests, each timed
from the request entering the ASGI app to its last byte, after one warm-up request."""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from .data import paragraph, row_properties, SCHEMA, _clone_rows, text

TARGETS = {"page_1000_blocks": 200.0, "table_10000_rows": 100.0}


def _blocks(n: int) -> list[dict[str, Any]]:
    kinds = []
    for i in range(n):
        k = i % 10
        if k == 0:
            kinds.append({"object": "block", "type": "heading_2", "heading_2": {"rich_text": text(f"Section {i}")}})
        elif k == 3:
            kinds.append({"object": "block", "type": "to_do", "to_do": {"rich_text": text(f"task {i}"), "checked": i % 2 == 0}})
        elif k == 5:
            kinds.append({"object": "block", "type": "bulleted_list_item", "bulleted_list_item": {"rich_text": text(f"item {i}")}})
        elif k == 7:
            kinds.append({"object": "block", "type": "code", "code": {"rich_text": text(f"def f{i}(x):\n    return x * {i}"), "language": "python"}})
        else:
            kinds.append(paragraph(f"Paragraph {i} with a few words of text in it, as pages have."))
    return kinds


def build(database: str, rows: int) -> tuple[Any, str, str, str, str]:
    from blockyard.access import accounts, admin
    from blockyard.api import blocks as blocks_api
    from blockyard.app import create_app
    from blockyard.domain import databases, pages
    from blockyard.owner import owner_ctx
    from blockyard.settings import Settings
    from blockyard.store import nodes as store_nodes

    app = create_app(Settings(database=database, request_log_hours=0))
    store = app.store
    with store.write() as tx:
        ws = admin.ensure_workspace(tx, None)
        account, password = accounts.ensure_owner_account(tx, ws)
        session = accounts.start_session(tx, account)
        with owner_ctx(tx, ws) as ctx:
            page = pages.create(ctx, {"parent": {"workspace": True},
                                      "properties": {"title": {"title": text("A thousand blocks")}}})
            db = databases.create(ctx, {"parent": {"type": "workspace", "workspace": True}, "title": text("Big table"),
                                        "initial_data_source": {"properties": SCHEMA}})
    all_blocks = _blocks(1000)
    for start in range(0, 1000, 100):
        with store.write() as tx:
            with owner_ctx(tx, ws) as ctx:
                ctx.request.body = __import__("orjson").dumps({"children": all_blocks[start:start + 100]})
                ctx.request._json = __import__("blockyard.errors", fromlist=["UNDEFINED"]).UNDEFINED
                blocks_api.append_children(ctx, page.id)
    rng = random.Random(7)
    with store.read() as tx:
        with owner_ctx(tx, ws) as ctx:
            ds_id = databases.data_sources_of(ctx, db)[0].id
    templates = []
    with store.write() as tx:
        with owner_ctx(tx, ws) as ctx:
            for i in range(200):
                templates.append(pages.create(ctx, {"parent": {"data_source_id": ds_id},
                                                    "properties": row_properties(rng, i)}))
    _clone_rows(store, ws, ds_id, templates, rows - len(templates), rng)
    with store.read() as tx:
        assert len(store_nodes.children(tx, ds_id, limit=rows + 1)) == rows
    return app, session, ws.id, page.id, db.id


async def _get(app: Any, path: str, session: str) -> tuple[float, int, int]:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"bench"), (b"cookie", f"by_session={session}".encode())],
             "client": ("127.0.0.1", 1), "server": ("bench", 80)}
    status, size = 0, 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            size += len(message.get("body", b""))

    started = time.perf_counter()
    await app(scope, receive, send)
    return (time.perf_counter() - started) * 1000, status, size


def measure(app: Any, path: str, session: str, repeats: int) -> tuple[float, int, float]:
    """(median ms, bytes, ms of the first request, which also compiles templates and highlights code)."""
    async def run() -> tuple[float, int, float]:
        first, status, size = await _get(app, path, session)
        assert status == 200, (path, status)
        times = [(await _get(app, path, session))[0] for _ in range(repeats)]
        return statistics.median(times), size, first

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench web", description=__doc__)
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite",
                   help="a new SQLite file, or a fresh bench_* schema at 127.0.0.1:5432 (dropped at the end)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.store == "postgres":
            import uuid

            database = f"postgresql://postgres@127.0.0.1:5432/test?schema=bench_web_{uuid.uuid4().hex[:8]}"
        else:
            database = str(Path(tmp) / "web-bench.db")
        started = time.perf_counter()
        app, session, wid, page_id, db_id = build(database, args.rows)
        print(f"loaded in {time.perf_counter() - started:.1f} s")
        results = {
            "page_1000_blocks": measure(app, f"/w/{wid}/p/{page_id}", session, args.repeats),
            "table_10000_rows": measure(app, f"/w/{wid}/d/{db_id}", session, args.repeats),
        }
        print(f"{'workload':<20} {'median ms':>10} {'first ms':>9} {'target ms':>10} {'HTML KB':>8}  verdict")
        ok = True
        for name, (ms, size, first) in results.items():
            target = TARGETS[name]
            ok = ok and ms < target
            print(f"{name:<20} {ms:>10.1f} {first:>9.1f} {target:>10.0f} {size / 1024:>8.0f}  "
                  f"{'ok' if ms < target else 'SLOW'}")
        app.store.drop_schema()
        app.store.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
