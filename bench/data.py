"""Generated data, loaded through the store with the same domain code the API runs.

Everything a run touches is described by a `Dataset` (IDs and the token), saved as JSON next to
the store so the load generator and the floor can read it."""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

STATUSES = ("Backlog", "Todo", "In progress", "Review", "Done")
TAGS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa")
WORDS = ("apple", "river", "stone", "cloud", "ember", "maple", "orbit", "pixel", "quartz", "tundra",
         "violet", "willow", "yonder", "zephyr", "harbor", "lantern", "meadow", "nectar", "saffron", "thistle")

SCHEMA: dict[str, Any] = {
    "Name": {"title": {}},
    "Status": {"select": {"options": [{"name": s} for s in STATUSES]}},
    "Priority": {"number": {"format": "number"}},
    "Tags": {"multi_select": {"options": [{"name": t} for t in TAGS]}},
    "Done": {"checkbox": {}},
    "Notes": {"rich_text": {}},
}

# Selective compound filter and sort, first 100: about 20% x 10% = 2% of rows match.
QUERY_BODY: dict[str, Any] = {
    "filter": {"and": [
        {"property": "Status", "select": {"equals": "In progress"}},
        {"property": "Priority", "number": {"greater_than": 899}},
    ]},
    "sorts": [{"property": "Priority", "direction": "descending"}],
    "page_size": 100,
}

SEARCH_BODY: dict[str, Any] = {"query": "saffron", "filter": {"property": "object", "value": "page"}, "page_size": 100}


def text(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content}}]


def paragraph(content: str) -> dict[str, Any]:
    return {"object": "block", "type": "paragraph", "paragraph": {"rich_text": text(content)}}


def row_properties(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "Name": {"title": text(f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}")},
        "Status": {"select": {"name": rng.choice(STATUSES)}},
        "Priority": {"number": rng.randrange(1000)},
        "Tags": {"multi_select": [{"name": t} for t in rng.sample(TAGS, rng.randrange(3))]},
        "Done": {"checkbox": rng.random() < 0.3},
        "Notes": {"rich_text": text(" ".join(rng.choice(WORDS) for _ in range(8)))},
    }


@dataclass
class Dataset:
    token: str = ""
    workspace_id: str = ""
    root_id: str = ""
    pages: list[str] = field(default_factory=list)          # plain pages with a few blocks (GET page)
    children_parents: list[str] = field(default_factory=list)  # pages holding exactly 100 blocks
    append_parents: list[str] = field(default_factory=list)  # pages that receive appended blocks
    tasks_ds: str = ""                                     # small data source: PATCH rows, create rows
    task_rows: list[str] = field(default_factory=list)
    query_ds: dict[str, str] = field(default_factory=dict)  # rows (as str) -> data source id
    total_pages: int = 0
    load_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Dataset":
        return cls(**data)


def _clone_rows(store: Any, ws: Any, source: str, templates: list[Any], count: int, rng: random.Random) -> None:
    """Add `count` rows to a data source by copying rows the domain code made (random templates, so the
    value distribution is the same), inserted through the store in batches; then the query index is
    rebuilt with its own bulk-import entry point. Titles repeat those of the templates."""
    from blockyard import ids
    from blockyard.owner import owner_ctx
    from blockyard.query import index
    from blockyard.store import nodes as store_nodes
    from blockyard.store.nodes import Node

    done = 0
    while done < count:
        n = min(5000, count - done)
        with store.write() as tx:
            keys = store_nodes.keys_for_insert(tx, source, n)
            new = []
            for key in keys:
                t = rng.choice(templates)
                new.append(Node(
                    id=ids.new_id(), workspace_id=t.workspace_id, kind=t.kind, type=t.type, parent_type=t.parent_type,
                    parent_id=t.parent_id, sort_key=key, in_trash=False, trash_root=None, created_time=t.created_time,
                    created_by=t.created_by, last_edited_time=t.last_edited_time, last_edited_by=t.last_edited_by,
                    title=t.title, data=t.data,
                ))
            store_nodes.insert_many(tx, new)
            tx.cache.clear()
            if not hasattr(index, "reindex_data_source"):
                with owner_ctx(tx, ws) as ctx:
                    ds_node = store_nodes.get(tx, ws.id, source)
                    for node in new:
                        index.reindex_page(ctx.tx, node, ds_node)
        done += n
    if hasattr(index, "reindex_data_source"):
        with store.write() as tx:
            index.reindex_data_source(tx, store_nodes.get(tx, ws.id, source))


def load(database: str, row_counts: list[int], *, pages: int = 200, children_parents: int = 20,
         append_parents: int = 50, task_rows: int = 500, seed: int = 7, template_rows: int = 2000,
         progress: Callable[[str], None] = lambda s: None) -> Dataset:
    """Create a fresh store at `database` and fill it. Returns what the workloads need."""
    from blockyard.access import admin
    from blockyard.domain import databases, pages as domain_pages
    from blockyard.owner import owner_ctx
    from blockyard.store import Store

    started = time.perf_counter()
    rng = random.Random(seed)
    store = Store(database)
    store.migrate()
    ds = Dataset()
    try:
        with store.write() as tx:
            ws = admin.create_workspace(tx, "Bench Workspace")
            _info, ds.token = admin.create_integration(tx, ws, "Bench")
            with owner_ctx(tx, ws) as ctx:
                root = domain_pages.create(ctx, {"parent": {"workspace": True},
                                                 "properties": {"title": {"title": text("Bench root")}}})
            admin.share(tx, ws, root.id, "Bench", "edit")
        ds.workspace_id, ds.root_id = ws.id, root.id

        def batch(n: int, make: Callable[[Any, int], None], size: int = 500) -> None:
            for start in range(0, n, size):
                with store.write() as tx, owner_ctx(tx, ws) as ctx:
                    for i in range(start, min(n, start + size)):
                        make(ctx, i)

        def plain_page(ctx: Any, i: int) -> None:
            p = domain_pages.create(ctx, {
                "parent": {"page_id": root.id},
                "properties": {"title": {"title": text(f"{rng.choice(WORDS)} note {i}")}},
                "children": [paragraph(f"{rng.choice(WORDS)} paragraph {j} of page {i}") for j in range(5)],
            })
            ds.pages.append(p.id)

        progress(f"{pages} pages")
        batch(pages, plain_page, 100)

        def children_page(ctx: Any, i: int) -> None:
            p = domain_pages.create(ctx, {
                "parent": {"page_id": root.id},
                "properties": {"title": {"title": text(f"hundred blocks {i}")}},
                "children": [paragraph(f"{rng.choice(WORDS)} block {j} " * 3) for j in range(100)],
            })
            ds.children_parents.append(p.id)

        progress(f"{children_parents} pages of 100 blocks")
        batch(children_parents, children_page, 10)

        def append_page(ctx: Any, i: int) -> None:
            p = domain_pages.create(ctx, {"parent": {"page_id": root.id},
                                          "properties": {"title": {"title": text(f"append target {i}")}}})
            ds.append_parents.append(p.id)

        batch(append_parents, append_page)

        def new_database(title: str) -> str:
            with store.write() as tx, owner_ctx(tx, ws) as ctx:
                db = databases.create(ctx, {"parent": {"page_id": root.id}, "title": text(title),
                                            "initial_data_source": {"properties": SCHEMA}})
                return databases.single_data_source(ctx, db).id

        ds.tasks_ds = new_database("Tasks")

        def task_row(ctx: Any, i: int) -> None:
            p = domain_pages.create(ctx, {"parent": {"data_source_id": ds.tasks_ds}, "properties": row_properties(rng, i)})
            ds.task_rows.append(p.id)

        progress(f"{task_rows} task rows")
        batch(task_rows, task_row)

        for n in row_counts:
            source = new_database(f"Rows {n}")
            ds.query_ds[str(n)] = source
            templates: list[Any] = []

            def query_row(ctx: Any, i: int, source: str = source, templates: list[Any] = templates) -> None:
                templates.append(domain_pages.create(
                    ctx, {"parent": {"data_source_id": source}, "properties": row_properties(rng, i)}))

            progress(f"{n} database rows ({min(n, template_rows)} through the domain code"
                     + (f", {n - template_rows} copies of them" if n > template_rows else "") + ")")
            t0 = time.perf_counter()
            batch(min(n, template_rows), query_row, 1000)
            if n > template_rows:
                _clone_rows(store, ws, source, templates, n - template_rows, rng)
            progress(f"  {n} rows in {time.perf_counter() - t0:.1f}s")
        ds.total_pages = 1 + pages + children_parents + append_parents + task_rows + sum(row_counts)
    finally:
        store.dispose()
    ds.load_seconds = time.perf_counter() - started
    return ds
