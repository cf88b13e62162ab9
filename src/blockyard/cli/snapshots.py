"""`blockyard import | export | reset`: workspace snapshots as JSON Lines of Notion API objects (docs/snapshots.md)."""

from __future__ import annotations

import sys
from typing import Any

import click

from .common import database_option, emit, in_workspace, json_option, workspace_option


def _options(f: Any) -> Any:
    return database_option(workspace_option(json_option(f)))


def _progress(enabled: bool, desc: str) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(desc=desc, unit=" objects", file=sys.stderr, total=0, leave=False)


@click.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--share", default=None, metavar="INTEGRATION",
              help="Share every imported root page and database with this integration")
@click.option("--access", "level", default="edit", type=click.Choice(["view", "comment", "edit", "full"]),
              help="Access level for --share (default edit)")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal)")
@_options
def import_command(file: Any, share: str | None, level: str, progress: bool | None, database: str | None,
                   workspace: str | None, as_json: bool) -> None:
    """Import Notion API objects from FILE (JSON Lines, one object a line; - for stdin)."""
    from ..portability.importer import ImportError_, import_objects, read_lines

    try:
        objects = list(read_lines(file))
    except ImportError_ as exc:
        raise click.ClickException(str(exc)) from None
    bar = _progress(sys.stderr.isatty() if progress is None else progress, "importing")
    try:
        with in_workspace(database, workspace) as (tx, ws):
            result = import_objects(tx, ws, objects, share=share, access=level, progress=bar)
    except ImportError_ as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    counts = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in sorted(result.counts.items())) or "nothing"
    text = f"Imported {counts} into workspace {ws.name!r}."
    if result.skipped:
        text += f"\nSkipped {len(result.skipped)}:\n  " + "\n  ".join(result.skipped[:20])
        if len(result.skipped) > 20:
            text += f"\n  ... and {len(result.skipped) - 20} more (see --json)"
    emit(as_json, {"workspace_id": ws.id, **result.as_dict()}, text)


@click.command("export")
@click.argument("file", type=click.File("wb"))
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal)")
@_options
def export_command(file: Any, progress: bool | None, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Export the workspace to FILE as JSON Lines of Notion API objects (- for stdout)."""
    import orjson

    from ..portability.exporter import export_objects

    bar = _progress(sys.stderr.isatty() if progress is None else progress, "exporting")
    count = 0
    try:
        with in_workspace(database, workspace) as (tx, ws):
            for obj in export_objects(tx, ws, progress=bar):
                file.write(orjson.dumps(obj) + b"\n")
                count += 1
    finally:
        if bar is not None:
            bar.close()
    file.flush()
    if getattr(file, "name", "-") not in ("-", "<stdout>"):
        emit(as_json, {"workspace_id": ws.id, "objects": count}, f"Exported {count} objects from workspace {ws.name!r}.")


@click.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
@_options
def reset_command(yes: bool, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Delete every page, database, block and grant of the workspace; keep its people, integrations and tokens."""
    from ..portability.reset import reset_workspace

    if not yes and sys.stdin.isatty():
        click.confirm("Delete all content of the workspace?", abort=True)
    with in_workspace(database, workspace) as (tx, ws):
        counts = reset_workspace(tx, ws)
    emit(as_json, {"workspace_id": ws.id, "deleted": counts},
          f"Reset workspace {ws.name!r}: {counts.get('nodes', 0)} objects and {counts.get('grants', 0)} grants deleted.")
