"""Pages as markdown: GET markdown of a 1,000-block page, replace_content of 1,000 blocks, and
POST /v1/pages from 100 KB of markdown, end to end over HTTP (median of N requests).

    .venv/bin/python bench/markdown_bench.py [--requests 10] [--postgres URL] [--version v1|v2]

Targets: GET < 50 ms, replace_content < 150 ms, POST 100 KB < 100 ms."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.query_bench import serve  # noqa: E402
from blockyard.access import admin  # noqa: E402
from blockyard.owner import owner_ctx  # noqa: E402

LINE = ("Some **bold** and *italic* text with `code`, a [link](https://example.com/x) and more words "
        "to make a realistic paragraph of prose. ")


def page_markdown(blocks: int, dialect: str, salt: str = "") -> str:
    """A mix of Notion's blocks: headings, paragraphs with formatting, lists, to-dos, quotes, code."""
    out = []
    for i in range(blocks):
        kind = i % 10
        if kind == 0:
            out.append(f"## Section {i}{salt}")
        elif kind in (1, 2, 3):
            out.append(f"Paragraph {i}{salt}. {LINE}")
        elif kind in (4, 5):
            out.append(f"- Bullet {i}{salt} with **bold**")
        elif kind == 6:
            out.append(f"- [ ] Task {i}{salt}")
        elif kind == 7:
            out.append(f"> Quote {i}{salt}")
        elif kind == 8:
            out.append(f"1. Step {i}{salt}")
        else:
            out.append(f"Plain line {i}{salt} without any formatting at all")
    return ("\n" if dialect == "v1" else "\n\n").join(out)


def timed(fn, requests: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for i in range(requests + 2):
        t0 = time.perf_counter()
        fn(i)
        if i >= 2:
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=10)
    ap.add_argument("--postgres", default=None)
    ap.add_argument("--version", default="v1", choices=("v1", "v2"))
    args = ap.parse_args()
    database = args.postgres or str(Path(tempfile.mkdtemp()) / "md.db")
    app, server, url = serve(database)
    with app.store.write() as tx:
        w = admin.create_workspace(tx, "Bench")
        _info, token = admin.create_integration(tx, w, "Bench", ("read_content", "update_content", "insert_content"))
        with owner_ctx(tx, w) as ctx:
            from blockyard.domain import pages

            root = pages.create(ctx, {"parent": {"workspace": True},
                                      "properties": {"title": {"title": [{"text": {"content": "Root"}}]}}})
        admin.share(tx, w, root.id, "Bench", "edit")
    headers = {"Authorization": f"Bearer {token}", "Notion-Version": "2026-03-11"}
    v = args.version
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        def create(text: str) -> str:
            r = client.post("/v1/pages", json={"parent": {"page_id": root.id}, "markdown": text, "markdown_version": v,
                                               "properties": {"title": {"title": [{"text": {"content": "P"}}]}}})
            r.raise_for_status()
            return r.json()["id"]

        big = create(page_markdown(1000, v))
        # A query the answer cache has not seen each time: the page is rendered, not served kept.
        get_ms = timed(lambda i: client.get(f"/v1/pages/{big}/markdown?markdown_version={v}&n={i}").raise_for_status(),
                       args.requests)
        # replace_content of 1,000 blocks: every block's text changes (updated in place).
        target = create(page_markdown(1000, v))

        def replace(i: int) -> None:
            client.patch(f"/v1/pages/{target}/markdown", json={
                "type": "replace_content", "markdown_version": v,
                "replace_content": {"new_str": page_markdown(1000, v, f" r{i}")}}).raise_for_status()

        replace_ms = timed(replace, args.requests)
        text = page_markdown(1000, v)
        while len(text.encode()) < 100_000:
            text += ("\n" if v == "v1" else "\n\n") + page_markdown(50, v)
        text = text.encode()[:100_000].decode(errors="ignore").rsplit("\n", 1)[0]
        post_ms = timed(lambda i: create(text), args.requests)
        blocks = len(client.get(f"/v1/blocks/{create(text)}/children?page_size=100").json()["results"])
    server.should_exit = True
    store = "postgres" if args.postgres else "sqlite"
    print(f"markdown {v} on {store}, median of {args.requests}:")
    print(f"  GET markdown, 1,000 blocks        {get_ms:7.1f} ms  (target < 50)")
    print(f"  replace_content, 1,000 blocks     {replace_ms:7.1f} ms  (target < 150)")
    print(f"  POST page from 100 KB of markdown {post_ms:7.1f} ms  (target < 100; {len(text.encode())} bytes, "
          f"first page {blocks} blocks)")


if __name__ == "__main__":
    main()
