"""Blockyard in a test suite (blockyard.testing): what a test pays for its workspace and its client.

    .venv/bin/python -m bench testing [--store sqlite|postgres] [--n 2000] [--repeats 5] [--out FILE]

1. workspace: a fresh workspace per test and its teardown, as the `blockyard` fixture does them
   (Sandbox: template copy of workspace, owner, integration, token, shared root page; then every row
   dropped and the helpers put back). Target: under 5 ms.
2. client overhead on GET page: `notion.pages.retrieve(id)` through the in-process notion-client
   (blockyard.testing.client) minus the server's own work for the same request (the ASGI app called
   directly with the same scope, in a running event loop). Sync and async. Target: under 100 µs.

Every figure is the median of `--repeats` passes of `--n` operations, passes of the two sides of a
difference interleaved so both see the same machine."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_WORKSPACE_MS = 5.0
TARGET_OVERHEAD_US = 100.0
VERSION = "2026-03-11"


def _server(store: str) -> Any:
    from blockyard.testing import Server

    if store == "postgres":
        return Server(f"postgresql://postgres@127.0.0.1:5432/test?schema=bench_{uuid.uuid4().hex[:10]}")
    return Server()


def workspace_cycle(server: Any, n: int) -> float:
    """ms per test: a Sandbox, its workspace, and its teardown."""
    started = time.perf_counter()
    for _ in range(n):
        sandbox = server.sandbox()
        sandbox.workspace
        sandbox.close()
    return (time.perf_counter() - started) / n * 1000


def _direct(app: Any, scope: dict[str, Any], n: int) -> float:
    from blockyard.testing.transport import _Exchange

    async def loop() -> float:
        started = time.perf_counter()
        for _ in range(n):
            exchange = _Exchange(b"")
            await app(dict(scope), exchange.receive, exchange.send)
        assert exchange.status == 200, exchange.chunks
        return (time.perf_counter() - started) / n * 1e6

    return asyncio.run(loop())


def client_overhead(server: Any, n: int, repeats: int) -> dict[str, Any]:
    from blockyard.testing.transport import _scope

    sandbox = server.sandbox(notion_version=VERSION)
    page_id = sandbox.root_page_id
    notion = sandbox.client()
    notion_async = sandbox.client(asynchronous=True)
    request = notion.client.build_request("GET", f"pages/{page_id}")
    scope = _scope(request, b"")
    notion.pages.retrieve(page_id)

    def sync_pass() -> float:
        started = time.perf_counter()
        for _ in range(n):
            notion.pages.retrieve(page_id)
        return (time.perf_counter() - started) / n * 1e6

    async def async_loop() -> float:
        started = time.perf_counter()
        for _ in range(n):
            await notion_async.pages.retrieve(page_id)
        return (time.perf_counter() - started) / n * 1e6

    direct, sync, asynchronous = [], [], []
    for _ in range(repeats):
        direct.append(_direct(server.app, scope, n))
        sync.append(sync_pass())
        asynchronous.append(asyncio.run(async_loop()))
    sandbox.close()
    server_us = statistics.median(direct)
    return {
        "server_us": round(server_us, 1),
        "sync_client_us": round(statistics.median(sync), 1),
        "async_client_us": round(statistics.median(asynchronous), 1),
        "sync_overhead_us": round(statistics.median(s - d for s, d in zip(sync, direct)), 1),
        "async_overhead_us": round(statistics.median(a - d for a, d in zip(asynchronous, direct)), 1),
    }


def run(store: str, n: int, repeats: int) -> dict[str, Any]:
    server = _server(store)
    try:
        server.sandbox().workspace  # the template, made once per session
        cycles = [workspace_cycle(server, n) for _ in range(repeats)]
        overhead = client_overhead(server, n, repeats)
    finally:
        server.close()
    workspace_ms = statistics.median(cycles)
    return {
        "schema": "blockyard-bench-testing/1",
        "store": store,
        "n": n,
        "repeats": repeats,
        "workspace_ms": round(workspace_ms, 3),
        "workspace_passes_ms": [round(c, 3) for c in cycles],
        **overhead,
        "targets": {
            "workspace_under_5ms": workspace_ms < TARGET_WORKSPACE_MS,
            "client_overhead_under_100us": max(overhead["sync_overhead_us"], overhead["async_overhead_us"])
            < TARGET_OVERHEAD_US,
        },
    }


def table(result: dict[str, Any]) -> str:
    t = result["targets"]
    return "\n".join([
        f"blockyard.testing on {result['store']} ({result['repeats']} passes of {result['n']})",
        f"  workspace per test (create + teardown)  {result['workspace_ms']:8.3f} ms   target < {TARGET_WORKSPACE_MS} ms",
        f"  GET page, server's own work            {result['server_us']:8.1f} µs",
        f"  GET page, in-process Client            {result['sync_client_us']:8.1f} µs   overhead "
        f"{result['sync_overhead_us']:.1f} µs",
        f"  GET page, in-process AsyncClient       {result['async_client_us']:8.1f} µs   overhead "
        f"{result['async_overhead_us']:.1f} µs   target < {TARGET_OVERHEAD_US:.0f} µs",
        "targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in t.items()),
    ])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench testing", description=__doc__.split("\n\n")[0])
    p.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--n", type=int, default=2000, help="operations per pass (default 2000)")
    p.add_argument("--repeats", type=int, default=5, help="passes (default 5)")
    p.add_argument("--out", default=None, help="result file (default bench/results/<time>-testing-<store>.json)")
    p.add_argument("--json", action="store_true", help="print the result JSON instead of the table")
    args = p.parse_args(argv)
    result = run(args.store, args.n, args.repeats)
    out = Path(args.out) if args.out else (
        Path(__file__).parent / "results" / f"{time.strftime('%Y%m%d-%H%M%S')}-testing-{args.store}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2) if args.json else table(result))
    print(f"\nsaved {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
