"""`blockyard clone`: a snapshot of what an integration reaches in Notion (or another Blockyard)."""

from __future__ import annotations

import sys
from typing import Any

import click


@click.command("clone")
@click.option("--token", required=True, envvar="NOTION_TOKEN", help="The integration's token (env NOTION_TOKEN)")
@click.option("--from", "source_url", default="https://api.notion.com", show_default=True,
              help="The API to copy from: Notion, or another Blockyard's base URL")
@click.option("-o", "--output", default="snapshot.jsonl", show_default=True, type=click.File("wb"),
              help="Where to write the snapshot (JSON Lines; - for stdout)")
@click.option("--notion-version", default=None, help="Notion-Version to read with (default 2026-03-11)")
@click.option("--max-retries", default=8, show_default=True, type=click.IntRange(0, 100),
              help="Retries of one request answered 429 or 5xx, each after its Retry-After")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal)")
def clone_command(token: str, source_url: str, output: Any, notion_version: str | None, max_retries: int,
                  progress: bool | None) -> None:
    """Copy the pages, databases, data sources, blocks, comments and users that TOKEN can reach into a
    snapshot at the same IDs (load it with `blockyard import` or @pytest.mark.blockyard(snapshot=...))."""
    import orjson

    from ..testing.clone import NOTION_VERSION, CloneError, Source, clone

    bar = None
    if sys.stderr.isatty() if progress is None else progress:
        from tqdm import tqdm

        bar = tqdm(desc="cloning", unit=" objects", file=sys.stderr, total=0)
    source = Source(source_url, token, notion_version=notion_version or NOTION_VERSION, max_retries=max_retries)
    count = 0
    try:
        for obj in clone(source, bar):
            output.write(orjson.dumps(obj) + b"\n")
            count += 1
    except CloneError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
        output.flush()
    click.echo(f"Cloned {count} objects from {source_url} ({source.requests} requests, {source.retries} retried).",
               err=True)
