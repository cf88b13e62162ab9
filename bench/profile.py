"""`python -m bench profile WORKLOAD`: where one workload's time goes, without the network.

Loads a store (or reuses one with --database/--dataset), then calls the ASGI app in-process for
`--requests` requests and prints: time per request, SQL statements per request (with the slowest
statement texts), and a profile (pyinstrument if installed, else cProfile). In-process figures have no
HTTP parsing or socket cost, so they isolate what Blockyard's own code does."""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import data
from .runner import VERSION, Workload, workloads


def _scope(wl: Workload, id_: str, token: str) -> dict[str, Any]:
    path = wl.path.replace("{id}", id_)
    path, _, qs = path.partition("?")
    headers = [(b"authorization", f"Bearer {token}".encode()), (b"notion-version", VERSION.encode()),
               (b"host", b"127.0.0.1")]
    if wl.body is not None:
        headers.append((b"content-type", b"application/json"))
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": wl.method,
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": qs.encode(),
            "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}


async def _call(app: Any, scope: dict[str, Any], body: bytes) -> tuple[int, bytes]:
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench profile", description=__doc__)
    p.add_argument("workload", help="get_page, get_children, query_10000, patch_page, append_100, create_row, ...")
    p.add_argument("--rows", default="10000", help="database rows to load (default 10000)")
    p.add_argument("--database", help="reuse this SQLite store (with --dataset) instead of loading one")
    p.add_argument("--dataset", help="the dataset JSON saved by a previous --save-dataset")
    p.add_argument("--save-dataset", help="write the dataset JSON here (with --database, to reuse the store)")
    p.add_argument("--requests", type=int, default=500)
    p.add_argument("--profiler", choices=("auto", "pyinstrument", "cprofile", "none"), default="auto")
    p.add_argument("--top", type=int, default=30)
    args = p.parse_args(argv)

    from sqlalchemy import event

    from blockyard.app import create_app
    from blockyard.settings import Settings

    if args.dataset:
        ds = data.Dataset.from_json(json.loads(Path(args.dataset).read_text()))
        database = args.database
    else:
        database = args.database or os.path.join(tempfile.mkdtemp(prefix="blockyard-profile-"), "blockyard.db")
        ds = data.load(database, [int(r.replace("k", "000")) for r in args.rows.split(",")],
                       progress=lambda s: print("  " + s, file=sys.stderr))
        if args.save_dataset:
            Path(args.save_dataset).write_text(json.dumps(ds.to_json()))
    wl = next((w for w in workloads(ds) if w.name == args.workload), None)
    if wl is None:
        raise SystemExit(f"no workload {args.workload!r}; choose from {[w.name for w in workloads(ds)]}")
    app = create_app(Settings(database=database, log_level="warning"))

    statements: collections.Counter[str] = collections.Counter()
    statement_time: collections.Counter[str] = collections.Counter()
    starts: dict[int, float] = {}

    @event.listens_for(app.store.engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *_a: Any) -> None:
        starts[id(cursor)] = time.perf_counter()

    @event.listens_for(app.store.engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *_a: Any) -> None:
        key = " ".join(statement.split())[:160]
        statements[key] += 1
        statement_time[key] += time.perf_counter() - starts.pop(id(cursor), time.perf_counter())

    def one(i: int) -> tuple[int, bytes]:
        id_ = wl.ids[i % len(wl.ids)]
        body = wl.body.replace("{n}", str(i % 1000)).encode() if wl.body is not None else b""
        return loop.run_until_complete(_call(app, _scope(wl, id_, ds.token), body))

    loop = asyncio.new_event_loop()
    status, payload = one(0)
    if status != 200:
        raise SystemExit(f"{wl.label}: {status} {payload[:300]!r}")
    for i in range(1, 20):  # warm caches
        one(i)
    statements.clear()
    statement_time.clear()
    counted = min(100, args.requests)
    for i in range(counted):  # statements per request, with the listeners on
        one(i)
    event.remove(app.store.engine, "before_cursor_execute", _before)
    event.remove(app.store.engine, "after_cursor_execute", _after)

    profiler_name = args.profiler
    if profiler_name == "auto":
        try:
            import pyinstrument  # noqa: F401

            profiler_name = "pyinstrument"
        except ImportError:
            profiler_name = "cprofile"
    started = time.perf_counter()
    cpu_started = time.process_time()
    if profiler_name == "pyinstrument":
        from pyinstrument import Profiler

        prof: Any = Profiler(interval=0.0002)
        prof.start()
    elif profiler_name == "cprofile":
        prof = cProfile.Profile()
        prof.enable()
    for i in range(args.requests):
        one(i)
    if profiler_name == "pyinstrument":
        prof.stop()
    elif profiler_name == "cprofile":
        prof.disable()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    n = args.requests
    print(f"{wl.label}: {n} requests in-process, {elapsed / n * 1000:.3f} ms/request wall, "
          f"{cpu / n * 1000:.3f} ms/request CPU (under {profiler_name}; --profiler none for clean timing)")
    n = counted
    total_sql = sum(statements.values())
    print(f"SQL: {total_sql / n:.1f} statements/request, {sum(statement_time.values()) / n * 1000:.3f} ms/request in the driver")
    for stmt, count in statements.most_common(15):
        print(f"  {count / n:6.2f}/req {statement_time[stmt] / count * 1e6:8.1f} us  {stmt}")
    if profiler_name == "pyinstrument":
        print(prof.output_text(unicode=False, color=False, show_all=False))
    elif profiler_name == "cprofile":
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    app.store.dispose()
    return 0
