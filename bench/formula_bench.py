"""Stored formula and rollup values: cost of computing them, of keeping them current, and of querying them.

    .venv/bin/python bench/formula_bench.py [--related 1000] [--rows 100000] [--postgres URL] [--requests 30]

1. An order relating to N items (default 1,000), with a sum rollup, a rollup of a formula and a formula
   that maps over the relation: the time to compute the order's values (one transaction, nodes not
   cached), the end-to-end time of a PATCH of one item (which recomputes the order through the index),
   and of a GET of the order (rendered from stored values).
2. A data source of M rows (default 100,000) with formulas, rows written through the store and
   materialised with `materialize.refresh` (what a schema change or an import triggers; timed), then
   queried over HTTP with a filter on a formula and a sort on a formula, first page of 100.
Targets: (1) under 20 ms to evaluate/refresh, (2) under 200 ms per query on SQLite."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.query_bench import rich, serve  # noqa: E402
from blockyard import ids  # noqa: E402
from blockyard.access import admin  # noqa: E402
from blockyard.domain import databases, pages  # noqa: E402
from blockyard.domain.properties import materialize  # noqa: E402
from blockyard.owner import owner_ctx  # noqa: E402
from blockyard.query.index import reindex_page  # noqa: E402
from blockyard.store import nodes as store_nodes  # noqa: E402
from blockyard.store.nodes import Node  # noqa: E402

V = "2026-03-11"


def _setup(app):  # type: ignore[no-untyped-def]
    with app.store.write() as tx:
        ws = admin.create_workspace(tx, "Bench")
        _info, token = admin.create_integration(tx, ws, "Bench", ("read_content", "update_content", "insert_content"))
        with owner_ctx(tx, ws) as ctx:
            root = pages.create(ctx, {"parent": {"workspace": True}, "properties": {"title": {"title": [{"text": {"content": "Root"}}]}}})
        admin.share(tx, ws, root.id, "Bench", "edit")
    return ws, token, root.id


def _db(app, ws, root_id: str, title: str, schema: dict):  # type: ignore[no-untyped-def]
    with app.store.write() as tx:
        with owner_ctx(tx, ws) as ctx:
            db = databases.create(ctx, {"parent": {"page_id": root_id}, "title": [{"text": {"content": title}}],
                                        "initial_data_source": {"properties": schema}})
            return databases.data_sources_of(ctx, db)[0].id


def _insert(app, ws, ds_id: str, rows: list[dict]) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        with app.store.write() as tx:
            ds = store_nodes.get(tx, ws.id, ds_id)
            keys = store_nodes.keys_for_insert(tx, ds_id, len(chunk))
            batch = []
            for props, key in zip(chunk, keys):
                t = tx.now - tx.now % 60_000
                title = props["title"][0]["plain_text"]
                batch.append(Node(ids.new_id(), ws.id, "page", "child_page", "data_source_id", ds_id, key, False, None,
                                  t, ws.owner_id, t, ws.owner_id, title.lower(), {"properties": props, "_title_text": title}))
            store_nodes.insert_many(tx, batch)
            for node in batch:
                reindex_page(tx, node, ds)
            out += [n.id for n in batch]
    return out


def _refresh(app, ws, ds_id: str) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    with app.store.write() as tx:
        with owner_ctx(tx, ws) as ctx:
            materialize.refresh(ctx, store_nodes.get(tx, ws.id, ds_id))
    return time.perf_counter() - t0


def _pid(app, ws, ds_id: str, name: str) -> str:  # type: ignore[no-untyped-def]
    with app.store.read() as tx:
        ds = store_nodes.get(tx, ws.id, ds_id)
        return next(k for k, p in ds.data["properties"].items() if p["name"] == name)


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def relation_bench(database: str, related: int, requests: int) -> None:
    app, server, url = serve(database)
    try:
        ws, token, root = _setup(app)
        items = _db(app, ws, root, "Items", {"Name": {"title": {}}, "Price": {"number": {}},
                                             "Total": {"formula": {"expression": 'prop("Price") * 2'}}})
        price = _pid(app, ws, items, "Price")
        rng = random.Random(3)
        item_ids = _insert(app, ws, items, [{"title": rich(f"Item {i}"), price: rng.randint(1, 100)} for i in range(related)])
        _refresh(app, ws, items)
        orders = _db(app, ws, root, "Orders", {"Name": {"title": {}},
                                               "Items": {"relation": {"data_source_id": items, "single_property": {}}}})
        with app.store.write() as tx:
            with owner_ctx(tx, ws) as ctx:
                databases.update_data_source(ctx, store_nodes.get(tx, ws.id, orders), {"properties": {
                    "Sum": {"rollup": {"function": "sum", "relation_property_name": "Items", "rollup_property_name": "Price"}},
                    "Totals": {"rollup": {"function": "sum", "relation_property_name": "Items", "rollup_property_name": "Total"}},
                    "Via": {"formula": {"expression": 'prop("Items").map(current.prop("Price")).max()'}},
                    "Size": {"formula": {"expression": 'prop("Items").length()'}},
                    "Plus": {"formula": {"expression": 'prop("Sum") + 1'}},
                }})
        headers = {"Authorization": f"Bearer {token}", "Notion-Version": V}
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            r = client.post("/v1/pages", json={"parent": {"data_source_id": orders}, "properties": {
                "Name": {"title": [{"text": {"content": "Order"}}]}}})
            r.raise_for_status()
            order = r.json()["id"]
            # The API takes 100 relation entries per request: relate the rest as a page write does.
            rel = _pid(app, ws, orders, "Items")
            t0 = time.perf_counter()
            with app.store.write() as tx:
                with owner_ctx(tx, ws) as ctx:
                    from blockyard.domain import properties

                    page = store_nodes.get(tx, ws.id, order)
                    before = page.data["properties"]
                    page.data = {**page.data, "properties": {**before, rel: [{"id": i} for i in item_ids]}}
                    store_nodes.save(tx, page)
                    properties.page_written(ctx, page, store_nodes.get(tx, ws.id, orders), before)
            create_ms = (time.perf_counter() - t0) * 1000
            # (a) computing the order's values: a fresh transaction each time (no cached nodes).
            compute = []
            each: dict[str, list[float]] = {}
            names = {}
            for _ in range(requests):
                with app.store.write() as tx:
                    with owner_ctx(tx, ws) as ctx:
                        ds = store_nodes.get(tx, ws.id, orders)
                        page = store_nodes.get(tx, ws.id, order)
                        plan = materialize.plan_for(ctx, ds)
                        t0 = time.perf_counter()
                        materialize.compute(ctx, page, ds, plan.order)
                        compute.append((time.perf_counter() - t0) * 1000)
                for c in plan.order:  # each value alone, in its own transaction (nothing cached)
                    with app.store.write() as tx:
                        with owner_ctx(tx, ws) as ctx:
                            ds = store_nodes.get(tx, ws.id, orders)
                            page = store_nodes.get(tx, ws.id, order)
                            plan = materialize.plan_for(ctx, ds)
                            names[c.pid] = ds.data["properties"][c.pid]["name"]
                            t0 = time.perf_counter()
                            materialize.compute(ctx, page, ds, [plan.by_id[c.pid]])
                            each.setdefault(c.pid, []).append((time.perf_counter() - t0) * 1000)
            # (b) PATCH one related item: the order is found through the index and recomputed.
            patch = []
            for k in range(requests):
                target = item_ids[k % len(item_ids)]
                t0 = time.perf_counter()
                client.patch(f"/v1/pages/{target}", json={"properties": {"Price": {"number": 1000 + k}}}).raise_for_status()
                patch.append((time.perf_counter() - t0) * 1000)
            # Baseline: a PATCH of an item no order reads through (same data source, no relation).
            lone = _insert(app, ws, items, [{"title": rich("Lone"), price: 1}])[0]
            base = []
            for k in range(requests):
                t0 = time.perf_counter()
                client.patch(f"/v1/pages/{lone}", json={"properties": {"Price": {"number": k}}}).raise_for_status()
                base.append((time.perf_counter() - t0) * 1000)
            got = []
            for _ in range(requests):
                t0 = time.perf_counter()
                body = client.get(f"/v1/pages/{order}").json()
                got.append((time.perf_counter() - t0) * 1000)
            assert body["properties"]["Plus"]["formula"]["number"] == body["properties"]["Sum"]["rollup"]["number"] + 1
        print(f"relation: {related} related rows  relate order to all (write + compute + index)={create_ms:.1f} ms  "
              f"compute order values={_median(compute):.2f} ms (median)  "
              f"PATCH related item={_median(patch):.1f} ms vs unrelated item={_median(base):.1f} ms "
              f"(propagation ≈ {_median(patch) - _median(base):.1f} ms)  GET order={_median(got):.1f} ms")
        print("  each value alone: " + "  ".join(f"{names[k]}={_median(v):.2f} ms" for k, v in each.items()))
    finally:
        server.should_exit = True
        time.sleep(0.3)
        app.store.drop_schema()
        app.store.dispose()


QUERIES = {
    "number > (0.5% of rows)": {"filter": {"property": "Double", "formula": {"number": {"greater_than": 1990}}},
                                "sorts": [{"property": "Double", "direction": "descending"}], "page_size": 100},
    "string equals + and": {"filter": {"and": [{"property": "Label", "formula": {"string": {"equals": "high"}}},
                                                {"property": "N", "number": {"less_than": 950}}]}, "page_size": 100},
    "sort on formula, no filter": {"sorts": [{"property": "Double", "direction": "ascending"}], "page_size": 100},
}


def query_bench(database: str, rows: int, requests: int) -> None:
    app, server, url = serve(database)
    try:
        ws, token, root = _setup(app)
        ds_id = _db(app, ws, root, "Big", {
            "Name": {"title": {}}, "N": {"number": {}},
            "Double": {"formula": {"expression": 'prop("N") * 2'}},
            "Label": {"formula": {"expression": 'if(prop("N") > 900, "high", "low")'}},
        })
        n = _pid(app, ws, ds_id, "N")
        rng = random.Random(7)
        t0 = time.perf_counter()
        _insert(app, ws, ds_id, [{"title": rich(f"Row {i}"), n: rng.randint(0, 1000)} for i in range(rows)])
        inserted = time.perf_counter() - t0
        refreshed = _refresh(app, ws, ds_id)
        with app.store.write() as tx:
            if tx.is_sqlite:
                tx.conn.exec_driver_sql("ANALYZE")
        if not app.store.is_sqlite:
            with app.store.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        print(f"query: {rows} rows  insert={inserted:.1f}s  materialise 2 formulas (whole data source)={refreshed:.1f}s")
        headers = {"Authorization": f"Bearer {token}", "Notion-Version": V}
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            for name, body in QUERIES.items():
                times = []
                for i in range(requests + 3):
                    t0 = time.perf_counter()
                    r = client.post(f"/v1/data_sources/{ds_id}/query", json=body)
                    elapsed = (time.perf_counter() - t0) * 1000
                    r.raise_for_status()
                    if i >= 3:
                        times.append(elapsed)
                times.sort()
                print(f"  {name:28} median={_median(times):6.1f} ms  p90={times[int(len(times) * 0.9)]:6.1f} ms  "
                      f"results={len(r.json()['results'])}")
    finally:
        server.should_exit = True
        time.sleep(0.3)
        app.store.drop_schema()
        app.store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--related", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=None, help="e.g. postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    backends = [("sqlite", None)] + ([("postgres", args.postgres)] if args.postgres else [])
    for backend, pg in backends:
        def database() -> str:
            if pg:
                return f"{pg}?schema=bench_{uuid.uuid4().hex[:8]}"
            return str(Path(tempfile.mkdtemp()) / "bench.db")

        print(f"== {backend}")
        relation_bench(database(), args.related, args.requests)
        if args.rows:
            query_bench(database(), args.rows, args.requests)


if __name__ == "__main__":
    main()
