"""Snapshots for tests: a JSON Lines file checked line by line, then imported at its own IDs.

The importer (portability/importer.py) takes whatever it can; a test fixture should rather refuse a file
that is not what its author meant, and say where: `workspace.jsonl:7: block.type: ...`."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .. import ids
from ..clock import parse_iso

if TYPE_CHECKING:
    from .server import Sandbox

KINDS = ("user", "page", "database", "data_source", "block", "comment", "list")
PARENT_TYPES = ("workspace", "page_id", "block_id", "database_id", "data_source_id")
_cache: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
_cache_lock = threading.Lock()


class SnapshotError(ValueError):
    """A snapshot that cannot be used; the message names the file, the line and the field."""


def read(path: Path) -> list[dict[str, Any]]:
    """The objects of a snapshot file, checked; parsed once per file version for the session."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise SnapshotError(f"snapshot {path}: no such file") from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    objects = []
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise SnapshotError(f"{where}: not JSON ({exc})") from None
            check(obj, where)
            objects.extend(obj["results"] if obj["object"] == "list" else [obj])
    with _cache_lock:
        _cache[key] = objects
    return objects


def check(obj: Any, where: str) -> None:
    """Raise SnapshotError naming the field of `obj` that no importable Notion object would have."""
    if not isinstance(obj, dict):
        raise SnapshotError(f"{where}: expected a Notion object (a JSON object), got {type(obj).__name__}")
    kind = obj.get("object")
    if kind not in KINDS:
        raise SnapshotError(f"{where}: object should be one of {', '.join(KINDS)}, got {kind!r}")
    if kind == "list":
        results = obj.get("results")
        if not isinstance(results, list):
            raise SnapshotError(f"{where}: list.results should be an array, got {results!r}")
        for i, item in enumerate(results):
            check(item, f"{where}: results[{i}]")
        return
    if ids.parse_id(obj.get("id")) is None:
        raise SnapshotError(f"{where}: {kind}.id should be a Notion ID (a UUID), got {obj.get('id')!r}")
    for name in ("created_time", "last_edited_time"):
        value = obj.get(name)
        if value is not None:
            try:
                if not isinstance(value, str):
                    raise ValueError
                parse_iso(value)
            except ValueError:
                raise SnapshotError(f"{where}: {kind}.{name} should be an ISO 8601 date, got {value!r}") from None
    if kind == "user":
        if obj.get("type") not in (None, "person", "bot"):
            raise SnapshotError(f"{where}: user.type should be person or bot, got {obj.get('type')!r}")
        return
    parent = obj.get("parent")
    if kind == "data_source" and parent is None:
        raise SnapshotError(f"{where}: data_source.parent should be defined (its database)")
    if parent is not None:
        if not isinstance(parent, dict):
            raise SnapshotError(f"{where}: {kind}.parent should be an object, got {parent!r}")
        ptype = parent.get("type") or next((k for k in PARENT_TYPES if k in parent), None)
        if ptype not in PARENT_TYPES:
            raise SnapshotError(f"{where}: {kind}.parent.type should be one of {', '.join(PARENT_TYPES)}, got {ptype!r}")
        if ptype != "workspace" and ids.parse_id(parent.get(ptype)) is None:
            raise SnapshotError(f"{where}: {kind}.parent.{ptype} should be a Notion ID, got {parent.get(ptype)!r}")
    if kind == "block":
        btype = obj.get("type")
        if not isinstance(btype, str) or not btype:
            raise SnapshotError(f"{where}: block.type should be a block type, got {btype!r}")
        if not isinstance(obj.get(btype), dict):
            raise SnapshotError(f"{where}: block.{btype} should be an object (the {btype} block's content)")
    if kind == "comment" and not isinstance(obj.get("rich_text"), list):
        raise SnapshotError(f"{where}: comment.rich_text should be an array, got {obj.get('rich_text')!r}")
    if kind in ("page", "database", "data_source"):
        props = obj.get("properties")
        if props is not None and not isinstance(props, dict):
            raise SnapshotError(f"{where}: {kind}.properties should be an object, got {props!r}")
        for name, value in (props or {}).items():
            if not isinstance(value, dict) or not isinstance(value.get("type"), str):
                raise SnapshotError(f"{where}: {kind}.properties.{name}.type should be a property type")


def resolve(path: str | os.PathLike[str], *bases: Path) -> Path:
    """An absolute snapshot path: as given, or relative to the first base it exists under."""
    given = Path(path)
    if given.is_absolute():
        candidates = [given]
    else:
        candidates = [base / given for base in bases]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates) or str(given)
    raise SnapshotError(f"snapshot {str(path)!r}: no such file (looked for {looked})")


def load(sandbox: "Sandbox", path: Path, *, share: bool = True) -> dict[str, Any]:
    from ..errors import NotionError
    from ..portability import ImportError_, import_objects
    from .workspaces import INTEGRATION_NAME

    objects = read(path)
    workspace = sandbox.workspace
    try:
        with sandbox.store.write() as tx:
            result = import_objects(tx, workspace.info, objects, share=INTEGRATION_NAME if share else None)
    except ImportError_ as exc:
        raise SnapshotError(f"{path}: {exc}") from None
    except NotionError as exc:
        if exc.code != "conflict_error":
            raise
        # IDs are unique across the store: another live workspace holds this snapshot already.
        raise SnapshotError(f"{path}: its IDs are already in use by another workspace of this server "
                            "(load a snapshot once per test)") from None
    return result.as_dict()
