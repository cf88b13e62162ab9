"""Importing Notion API objects (JSON Lines, one object a line) into a workspace.

Each line is an object exactly as some API version returns it: a user, page, database (2022-06-28
with `properties`, or 2025-09-03+ with `data_sources`), data source, block or comment. IDs, parents,
authors and timestamps are kept; blocks and comments keep their file order under each parent. An object whose parent is
neither in the file nor in the workspace becomes a workspace-level object (a block without its
parent is skipped: a block cannot live at the workspace level)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator
from urllib.parse import unquote

import orjson
import sqlalchemy as sa

from .. import ids
from ..access.admin import Workspace
from ..clock import parse_iso
from ..http.request import nul_path
from ..store import order
from ..store.engine import Tx
from ..store.nodes import Node, lock_children
from ..store.schema import nodes, users
from . import complete

# Property types whose page values are derived at render time: nothing to store.
DERIVED = frozenset({"created_time", "last_edited_time", "created_by", "last_edited_by", "formula", "rollup", "button"})
_SYNTH_NS = uuid.UUID("6f0c1c51-3c5e-4d8a-9b0e-5b1f4c1d2a77")


class ImportError_(ValueError):
    """A line that is not a Notion object this importer understands; the message names the line."""


class Line(dict):  # type: ignore[type-arg]
    """An object read from a snapshot, with the number of the line it came from."""

    line: int | None = None


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # why objects were left out, one line each
    roots: list[str] = field(default_factory=list)  # imported pages/databases whose parent is outside the import

    def as_dict(self) -> dict[str, Any]:
        return {"imported": dict(self.counts), "skipped": list(self.skipped), "roots": list(self.roots)}


def read_lines(lines: Iterable[bytes | str]) -> Iterator[dict[str, Any]]:
    """Objects of a JSON Lines stream; blank lines are skipped."""
    for number, line in enumerate(lines, 1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError:
                raise ImportError_(f"line {number}: not UTF-8") from None
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise ImportError_(f"line {number}: not JSON ({exc})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("object"), str):
            raise ImportError_(f"line {number}: not a Notion object (no \"object\" key)")
        if "\\u0000" in line and (nul := nul_path(obj, "object")) is not None:
            # Neither store keeps U+0000 (PostgreSQL text cannot hold it), as the API refuses it.
            raise ImportError_(f"line {number}: {nul[0]} holds the character U+0000")
        found = Line(obj)
        found.line = number
        yield found


def synthesized_data_source_id(database_id: str) -> str:
    """The data source a 2022-06-28 database gets: stable, so importing twice gives the same ID."""
    raw = uuid.uuid5(_SYNTH_NS, database_id).hex
    return ids.parse_id(raw[:16] + "8" + raw[17:])  # type: ignore[return-value]


def _ms(value: Any, default: int) -> int:
    if isinstance(value, str) and value:
        try:
            return parse_iso(value)
        except ValueError:
            return default
    return default


def _user(value: Any, default: str) -> str:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return ids.parse_id(value["id"]) or default
    return default


def _plain(items: Any) -> str:
    if not isinstance(items, list):
        return ""
    from ..domain.rich_text import shared_plain_text

    # Mentions count as every reader may see them (see rich_text.shared_plain_text).
    return "".join(shared_plain_text([i]) if i.get("type") == "mention" else
                   i.get("plain_text") or (i.get("text") or {}).get("content", "") for i in items if isinstance(i, dict))


def _trashed(obj: dict[str, Any]) -> bool:
    return bool(obj.get("in_trash", obj.get("archived", False)))


class _Importer:
    def __init__(self, tx: Tx, ws: Workspace) -> None:
        self.tx = tx
        self.ws = ws
        self.result = ImportResult()
        self.objects: dict[str, dict[str, Any]] = {}  # id -> object (first occurrence wins)
        self.kinds: dict[str, str] = {}  # id -> page | database | data_source | block
        self.order: dict[str, list[str]] = {}  # parent id -> children ids in file order
        self.placed: set[str] = set()
        self.db_sources: dict[str, list[str]] = {}  # database id -> its data source ids (file or synthesized)
        self.synth: dict[str, dict[str, Any]] = {}  # synthesized data source objects by id
        self.users: list[dict[str, Any]] = []
        self.existing: dict[str, tuple[str, str | None]] = {}  # node id in the store -> (kind, parent_id)
        self.trash_roots: dict[str, str] = {}
        self.comments: list[dict[str, Any]] = []  # in file order
        self.lines: dict[str, int | None] = {}  # object id -> its line in the file
        self.sources: dict[str, Node] = {}  # data sources that pages of this import go into
        self.schema_changed: set[str] = set()  # data sources whose options page values added to
        self.imported: list[tuple[str, str]] = []  # (kind, id) of each object written

    def where(self, oid: str) -> str:
        """How an error names an object: its line, when it came from a file."""
        line = self.lines.get(oid)
        return f"line {line}: " if line else ""

    def invalid(self, oid: str, kind: str, exc: Exception) -> ImportError_:
        return ImportError_(f"{self.where(oid)}{kind} {oid}: {exc}")

    # --- collecting --------------------------------------------------------------------------

    def add(self, obj: dict[str, Any], line: int | None = None) -> None:
        kind = obj.get("object")
        line = getattr(obj, "line", None) or line
        if kind == "user":
            uid = ids.parse_id(obj.get("id"))
            if uid:
                self.lines.setdefault(uid, line)
            self.users.append(obj)
            return
        if kind == "list":
            for item in obj.get("results") or []:
                if isinstance(item, dict) and "object" in item:
                    self.add(item, line)
            return
        if kind == "comment":
            cid = ids.parse_id(obj.get("id"))
            if cid and cid not in self.lines:
                self.lines[cid] = line
            self.comments.append(obj)
            return
        if kind not in ("page", "database", "data_source", "block"):
            self.result.skipped.append(f"{kind} objects are not imported yet")
            return
        oid = ids.parse_id(obj.get("id"))
        if oid is None:
            at = f"line {line}: " if line else ""
            raise ImportError_(f"{at}{kind} without a valid id: {str(obj.get('id'))[:40]!r}")
        self.lines.setdefault(oid, line)
        if kind == "block" and obj.get("type") in ("child_page", "child_database"):
            # A position marker for the page or database, which may also come as its own object.
            self._place(oid, obj)
            if oid not in self.objects:
                self.objects[oid] = obj
                self.kinds[oid] = "page" if obj["type"] == "child_page" else "database"
            return
        if oid in self.objects:
            if self.objects[oid].get("object") == "block" and kind in ("page", "database"):
                self.objects[oid] = obj  # the full object replaces its child_* block
            return
        self.objects[oid] = obj
        self.kinds[oid] = kind
        if kind == "database":
            if isinstance(obj.get("data_sources"), list):
                self.db_sources.setdefault(oid, [])
                for ref in obj["data_sources"]:
                    sid = ids.parse_id((ref or {}).get("id"))
                    if sid and sid not in self.db_sources[oid]:
                        self.db_sources[oid].append(sid)
            elif isinstance(obj.get("properties"), dict):
                sid = synthesized_data_source_id(oid)
                self.db_sources[oid] = [sid]
        if kind == "data_source":
            db = self._parent_of(obj)[1]
            if db:
                lst = self.db_sources.setdefault(db, [])
                if oid not in lst:
                    lst.append(oid)
        self._place(oid, obj)

    def _place(self, oid: str, obj: dict[str, Any]) -> None:
        if oid in self.placed:
            return
        _ptype, pid = self._parent_of(obj)
        if pid is not None:
            self.order.setdefault(pid, []).append(oid)
            self.placed.add(oid)

    @staticmethod
    def _parent_of(obj: dict[str, Any]) -> tuple[str, str | None]:
        parent = obj.get("parent") if isinstance(obj.get("parent"), dict) else {}
        ptype = parent.get("type") or next(
            (k for k in ("data_source_id", "database_id", "page_id", "block_id", "workspace") if k in parent), "workspace")
        if ptype == "workspace":
            return "workspace", None
        return ptype, ids.parse_id(parent.get(ptype))

    # --- writing -----------------------------------------------------------------------------

    def _databases_for_orphan_sources(self) -> None:
        """A data source whose database is neither in the file nor in the store brings a database made
        from what it shows of it (`database_parent`, title, description, icon, cover, is_inline)."""
        for oid, obj in list(self.objects.items()):
            if self.kinds[oid] != "data_source":
                continue
            _ptype, db = self._parent_of(obj)
            if db is None or db in self.objects:
                continue
            if self.tx.execute(sa.select(nodes.c.id).where(nodes.c.id == db, nodes.c.workspace_id == self.ws.id)).first():
                continue
            sources = [s for s in self.db_sources.get(db, [])]
            self.add({
                "object": "database", "id": db, "title": obj.get("title") or [], "description": obj.get("description") or [],
                "icon": obj.get("icon"), "cover": obj.get("cover"), "is_inline": bool(obj.get("is_inline", False)),
                "is_locked": False, "in_trash": _trashed(obj), "created_time": obj.get("created_time"),
                "last_edited_time": obj.get("last_edited_time"), "created_by": obj.get("created_by"),
                "last_edited_by": obj.get("last_edited_by"),
                "parent": obj.get("database_parent") or {"type": "workspace", "workspace": True},
                "data_sources": [{"id": s, "name": _plain(self.objects[s].get("title")) if s in self.objects else ""}
                                 for s in sources],
            })
            self.result.counts["database (from its data source)"] = self.result.counts.get("database (from its data source)", 0) + 1

    def run(self, progress: Any = None) -> ImportResult:
        self._import_users()
        self._databases_for_orphan_sources()
        known = set(self.objects) | set(self.synth)
        # What the store already holds, for parents outside the file and for skipping duplicates.
        wanted = set(self.objects) | {p for p in self.order} | {
            pid for obj in self.objects.values() for pid in [self._parent_of(obj)[1]] if pid}
        wanted |= {sid for lst in self.db_sources.values() for sid in lst}
        for start in range(0, len(wanted), 500):
            chunk = list(wanted)[start:start + 500]
            for row in self.tx.execute(
                sa.select(nodes.c.id, nodes.c.kind, nodes.c.parent_id).where(
                    nodes.c.workspace_id == self.ws.id, nodes.c.id.in_(chunk))):
                self.existing[row.id] = (row.kind, row.parent_id)
        inside = known | self.synth_ids()
        rows: list[Node] = []
        data_sources: dict[str, Node] = {}
        pages_in_sources: list[Node] = []
        keys: dict[str, str | None] = {}

        def key_for(parent_id: str | None) -> str:
            if parent_id is None:
                return order.FIRST
            if parent_id not in keys:
                lock_children(self.tx, parent_id)
                keys[parent_id] = self.tx.execute(
                    sa.select(sa.func.max(nodes.c.sort_key)).where(nodes.c.parent_id == parent_id)).scalar()
            keys[parent_id] = order.after(keys[parent_id])
            return keys[parent_id]  # type: ignore[return-value]

        for oid, obj in self._in_tree_order():
            if oid in self.existing:
                self.result.skipped.append(f"{self.kinds.get(oid, 'object')} {oid} already exists")
                continue
            kind = self.kinds[oid]
            node = self._convert(oid, kind, obj)
            if node is None:
                continue
            node.sort_key = key_for(node.parent_id)
            rows.append(node)
            self.imported.append((node.kind, node.id))
            self.existing[oid] = (node.kind, node.parent_id)
            self.result.counts[kind] = self.result.counts.get(kind, 0) + 1
            if node.kind == "data_source":
                data_sources[node.id] = self.sources[node.id] = node
            if node.kind == "page" and node.parent_type == "data_source_id":
                pages_in_sources.append(node)
            if node.kind in ("page", "database") and (node.parent_id is None or node.parent_id not in inside):
                self.result.roots.append(node.id)
            if progress is not None:
                progress.update(1)
            if kind == "database":
                for sid in self.db_sources.get(oid, []):
                    if sid not in self.objects and sid not in self.existing:
                        try:
                            ds = self._synth_data_source(sid, obj, node)
                        except complete.Invalid as exc:
                            raise self.invalid(oid, "database", exc) from None
                        ds.sort_key = key_for(node.id)
                        rows.append(ds)
                        self.imported.append(("data_source", sid))
                        data_sources[sid] = self.sources[sid] = ds
                        self.existing[sid] = ("data_source", node.id)
                        self.result.counts["data_source"] = self.result.counts.get("data_source", 0) + 1
            if len(rows) >= 500:
                self._flush(rows)
        self._flush(rows)
        for sid in self.schema_changed:  # options that page values added, as API writes add them
            ds = self.sources[sid]
            self.tx.execute(nodes.update().where(nodes.c.id == sid).values(data=orjson.dumps(ds.data).decode()))
        self._finish_sources(data_sources, pages_in_sources)
        comment_ids = self._import_comments()
        try:
            complete.served(self.tx, self.ws, self.imported, list(data_sources), comment_ids, self.where)
        except complete.NotServed as exc:
            raise ImportError_(str(exc)) from None
        return self.result

    def _flush(self, rows: list[Node]) -> None:
        if rows:
            self.tx.execute(nodes.insert(), [n.values() for n in rows])
            rows.clear()

    def _in_tree_order(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Parents before children; siblings in file order."""
        done: set[str] = set()
        children = self.order

        def walk(oid: str) -> Iterator[tuple[str, dict[str, Any]]]:
            stack = [oid]
            while stack:
                cur = stack.pop()
                if cur in done:
                    continue
                done.add(cur)
                if cur in self.objects:
                    yield cur, self.objects[cur]
                kids = list(children.get(cur, []))
                # A database's data sources hang under it; their pages under them.
                for sid in self.db_sources.get(cur, []):
                    if sid not in kids:
                        kids.append(sid)
                stack.extend(reversed(kids))

        synth = self.synth_ids()
        for oid in list(self.objects):
            parent = self._effective_parent(oid)
            if parent is None or (parent not in self.objects and parent not in synth):
                yield from walk(oid)
        for oid in list(self.objects):  # cycles or orphans under missing synthesized parents
            if oid not in done:
                yield from walk(oid)

    def synth_ids(self) -> set[str]:
        return {sid for db, lst in self.db_sources.items() for sid in lst if sid not in self.objects}

    def _effective_parent(self, oid: str) -> str | None:
        obj = self.objects[oid]
        ptype, pid = self._parent_of(obj)
        if ptype == "database_id" and self.kinds[oid] == "page" and pid:
            return pid
        return pid

    def _resolve_parent(self, oid: str, kind: str, obj: dict[str, Any]) -> tuple[str, str | None] | None:
        ptype, pid = self._parent_of(obj)
        if kind == "data_source":
            return ("database_id", pid) if pid and pid in self.existing else None
        if ptype == "workspace" or pid is None:
            return "workspace", None
        if ptype == "database_id" and kind == "page":
            sources = self.db_sources.get(pid) or self._stored_sources(pid)
            if sources:
                return "data_source_id", sources[0]
            return ("workspace", None)
        if pid in self.existing:
            pkind = self.existing[pid][0]
            if ptype == "data_source_id" and pkind != "data_source":
                return "workspace", None
            if pkind == "block" and ptype == "page_id":
                ptype = "block_id"
            return ptype, pid
        if kind == "block":
            return None
        return "workspace", None

    def _stored_sources(self, database_id: str) -> list[str]:
        rows = self.tx.execute(sa.select(nodes.c.id).where(
            nodes.c.parent_id == database_id, nodes.c.kind == "data_source").order_by(nodes.c.sort_key))
        return [r[0] for r in rows]

    def _base(self, oid: str, kind: str, type_: str, obj: dict[str, Any], parent: tuple[str, str | None],
              data: dict[str, Any], title: str) -> Node:
        now = self.tx.now - self.tx.now % 60_000
        created = _ms(obj.get("created_time"), now)
        trashed = _trashed(obj)
        root = None
        if trashed:
            # Trashed with a trashed parent: restoring the parent restores it too.
            root = self.trash_roots.get(parent[1] or "", oid)
            self.trash_roots[oid] = root
        return Node(
            id=oid, workspace_id=self.ws.id, kind=kind, type=type_, parent_type=parent[0], parent_id=parent[1],
            sort_key=order.FIRST, in_trash=trashed, trash_root=root, created_time=created,
            created_by=_user(obj.get("created_by"), self.ws.owner_id),
            last_edited_time=_ms(obj.get("last_edited_time"), created),
            last_edited_by=_user(obj.get("last_edited_by"), self.ws.owner_id), title=title.lower(), data=data,
        )

    def _convert(self, oid: str, kind: str, obj: dict[str, Any]) -> Node | None:
        from .complete import Invalid

        try:
            return self._convert_checked(oid, kind, obj)
        except Invalid as exc:
            raise self.invalid(oid, kind, exc) from None

    def _convert_checked(self, oid: str, kind: str, obj: dict[str, Any]) -> Node | None:
        parent = self._resolve_parent(oid, kind, obj)
        if parent is None:
            self.result.skipped.append(f"{kind} {oid}: its parent is neither in the import nor in the workspace")
            return None
        if kind == "page":
            return self._page(oid, obj, parent)
        if kind == "database":
            return self._database(oid, obj, parent)
        if kind == "data_source":
            return self._data_source(oid, obj, parent)
        return self._block(oid, obj, parent)

    def _page(self, oid: str, obj: dict[str, Any], parent: tuple[str, str | None]) -> Node:
        if obj.get("object") == "block":  # only its child_page block came: a page with a title
            title = (obj.get("child_page") or {}).get("title", "")
            props: dict[str, Any] = {"title": [_text(title)] if title else []}
            icon = cover = None
            locked = archived = False
        else:
            raw = obj.get("properties") if isinstance(obj.get("properties"), dict) else {}
            props = {}
            schema = self._schema_of(parent[1]) if parent[0] == "data_source_id" else {}
            for name, value in raw.items():
                if not isinstance(value, dict):
                    continue
                t = value.get("type")
                pid = unquote(str(value.get("id", name)))
                if parent[0] != "data_source_id":
                    if t == "title":
                        props["title"] = complete.check_rich_text(value.get("title") or [], f"properties.{name}.title")
                    continue
                if t in DERIVED or t is None:
                    continue
                stored = value.get(t)
                if t == "relation":
                    stored = [{"id": r["id"]} for r in (stored or []) if isinstance(r, dict) and "id" in r]
                elif t == "unique_id":
                    stored = {"prefix": (stored or {}).get("prefix"), "number": (stored or {}).get("number")}
                prop = schema.get(pid)
                if prop is not None and prop.get("type") == t:
                    source = parent[1] or ""
                    stored = complete.value(t, stored, f"properties.{name}.{t}", prop,
                                            lambda: self.schema_changed.add(source))
                props[pid] = stored
            title = _plain(next((v.get("title") for v in raw.values() if isinstance(v, dict) and v.get("type") == "title"), []))
            icon, cover = complete.icon(obj.get("icon"), "icon"), complete.cover(obj.get("cover"), "cover")
            locked, archived = bool(obj.get("is_locked", False)), bool(obj.get("is_archived", False))
        data = {"properties": props, "icon": icon, "cover": cover, "is_locked": locked, "is_archived": archived,
                "_title_text": title}
        return self._base(oid, "page", "child_page", obj, parent, data, title)

    def _schema_of(self, data_source_id: str | None) -> dict[str, Any]:
        """The schema page values are completed against (this import's data source, or the store's)."""
        if not data_source_id:
            return {}
        if data_source_id not in self.sources:
            from ..store import nodes as store_nodes

            found = store_nodes.get(self.tx, self.ws.id, data_source_id)
            if found is None or found.kind != "data_source":
                return {}
            self.sources[data_source_id] = found
        return self.sources[data_source_id].data.get("properties", {})

    def _database(self, oid: str, obj: dict[str, Any], parent: tuple[str, str | None]) -> Node:
        if obj.get("object") == "block":
            title_text = (obj.get("child_database") or {}).get("title", "")
            title = [_text(title_text)] if title_text else []
            data = {"title": title, "description": [], "icon": None, "cover": None, "is_inline": False,
                    "is_locked": False, "_title_text": title_text}
            self.db_sources.setdefault(oid, [synthesized_data_source_id(oid)])
            if not self.db_sources[oid]:
                self.db_sources[oid] = [synthesized_data_source_id(oid)]
        else:
            title = complete.check_rich_text(obj.get("title") or [], "title")
            title_text = _plain(title)
            description = complete.check_rich_text(obj.get("description") or [], "description")
            data = {"title": title, "description": description, "icon": complete.icon(obj.get("icon"), "icon"),
                    "cover": complete.cover(obj.get("cover"), "cover"), "is_inline": bool(obj.get("is_inline", False)),
                    "is_locked": bool(obj.get("is_locked", False)), "_title_text": title_text}
        if parent[0] not in ("page_id", "workspace", "block_id"):
            parent = ("workspace", None)
        return self._base(oid, "database", "child_database", obj, parent, data, title_text)

    def _schema(self, raw: Any) -> dict[str, dict[str, Any]]:
        schema: dict[str, dict[str, Any]] = {}
        if not isinstance(raw, dict):
            return schema
        for name, prop in raw.items():
            if not isinstance(prop, dict) or "type" not in prop:
                continue
            t = prop["type"]
            if not isinstance(t, str):
                raise complete.Invalid(f"properties.{name}.type", "a property type", t)
            pid = unquote(str(prop.get("id") or name))
            config = prop.get(t) if isinstance(prop.get(t), dict) else {}
            if t == "relation":
                target = ids.parse_id(config.get("data_source_id"))
                if target is None:
                    db = ids.parse_id(config.get("database_id"))
                    sources = (self.db_sources.get(db) or self._stored_sources(db)) if db else []
                    target = sources[0] if sources else (synthesized_data_source_id(db) if db else None)
                kind = config.get("type") or ("dual_property" if "dual_property" in config else "single_property")
                config = {"data_source_id": target, "type": kind}
                if kind == "dual_property":
                    synced = (prop["relation"].get("dual_property") or {}).get("synced_property_id")
                    config["dual_property"] = {"synced_property_id": unquote(synced) if synced else None}
                else:
                    config["single_property"] = {}
            elif t == "rollup":
                config = {"function": config.get("function"),
                          "relation_property_id": unquote(config.get("relation_property_id") or ""),
                          "rollup_property_id": unquote(config.get("rollup_property_id") or "")}
            else:
                config = complete.property_config(t, config, f"properties.{name}")
            shown = prop.get("name", name)
            if not isinstance(shown, str) or not shown.strip():
                raise complete.Invalid(f"properties.{name}.name", "a non-empty string", shown)
            description = prop.get("description")
            if description is not None and not isinstance(description, str):
                raise complete.Invalid(f"properties.{name}.description", "a string", description)
            schema[pid] = {"id": pid, "name": shown, "type": t, "description": description, t: config}
        return schema

    def _data_source(self, oid: str, obj: dict[str, Any], parent: tuple[str, str | None]) -> Node:
        title = complete.check_rich_text(obj.get("title") or [], "title")
        title_text = _plain(title)
        data = {"title": title, "icon": complete.icon(obj.get("icon"), "icon"), "properties": self._schema(obj.get("properties")),
                "_title_text": title_text}
        return self._base(oid, "data_source", "data_source", obj, parent, data, title_text)

    def _synth_data_source(self, sid: str, db_obj: dict[str, Any], db: Node) -> Node:
        if isinstance(db_obj.get("properties"), dict):
            schema = self._schema(db_obj["properties"])
        else:
            schema = {"title": {"id": "title", "name": "Name", "type": "title", "description": None, "title": {}}}
        name = next((d.get("name") for d in db_obj.get("data_sources") or [] if ids.parse_id(d.get("id")) == sid), None)
        title_text = name if name is not None else db.data.get("_title_text", "")
        title = db.data.get("title") if name is None else ([_text(name)] if name else [])
        data = {"title": title, "icon": db.data.get("icon"), "properties": schema, "_title_text": title_text}
        node = self._base(sid, "data_source", "data_source", db_obj, ("database_id", db.id), data, title_text)
        node.in_trash, node.trash_root = db.in_trash, db.trash_root
        return node

    def _block(self, oid: str, obj: dict[str, Any], parent: tuple[str, str | None]) -> Node:
        from ..domain import rich_text

        t = obj.get("type")
        if not isinstance(t, str):
            raise ImportError_(f"{self.where(oid)}block {oid} without a type")
        payload = obj.get(t) if isinstance(obj.get(t), dict) else {}
        data = complete.block_payload({k: v for k, v in payload.items() if k != "children"}, t)
        if rich_text.has_user_mention(data):
            data["_user_mentions"] = True
        if parent[0] == "page_id" and self.existing.get(parent[1] or "", ("",))[0] == "block":
            parent = ("block_id", parent[1])
        return self._base(oid, "block", t, obj, parent, data, "")

    def _finish_sources(self, sources: dict[str, Node], pages: list[Node]) -> None:
        """Unique-ID counters continue after the highest imported number; the query index learns the rows."""
        from ..query import index

        if not pages:
            return
        all_sources = dict(sources)
        for page in pages:
            if page.parent_id not in all_sources:
                from ..store import nodes as store_nodes

                found = store_nodes.get(self.tx, self.ws.id, page.parent_id or "")
                if found is not None:
                    all_sources[found.id] = found
        for ds in all_sources.values():
            counters = dict(ds.data.get("_unique_next", {}))
            changed = False
            for pid, prop in ds.data.get("properties", {}).items():
                if prop["type"] != "unique_id":
                    continue
                numbers = [p.data["properties"].get(pid, {}).get("number") for p in pages if p.parent_id == ds.id]
                top = max([n for n in numbers if isinstance(n, int)], default=0)
                if top + 1 > counters.get(pid, 1):
                    counters[pid] = top + 1
                    changed = True
            if changed:
                ds.data = {**ds.data, "_unique_next": counters}
                self.tx.execute(nodes.update().where(nodes.c.id == ds.id).values(data=orjson.dumps(ds.data).decode()))
        for page in pages:
            ds = all_sources.get(page.parent_id or "")
            if ds is not None:
                index.reindex_page(self.tx, page, ds)

    def _import_comments(self) -> list[str]:
        """Comments keep their IDs, discussions, parents, authors, timestamps and display names. Under
        each parent they list in file order: a comment's stored time is nudged by milliseconds past the
        one before it (times show to the minute, so nothing visible changes)."""
        from ..store import nodes as store_nodes
        from ..store.schema_comments import comments

        if not self.comments:
            return []
        imported: list[str] = []
        wanted = {ids.parse_id(c.get("id")) for c in self.comments} - {None}
        present = {r[0] for r in self.tx.execute(sa.select(comments.c.id).where(comments.c.id.in_(list(wanted))))}
        last: dict[str, int] = {}
        pages: dict[str, str] = {}
        seen: set[str] = set()
        now = self.tx.now - self.tx.now % 60_000
        for obj in self.comments:
            cid = ids.parse_id(obj.get("id"))
            if cid is None:
                raise ImportError_(f"comment without a valid id: {str(obj.get('id'))[:40]!r}")
            if cid in present or cid in seen:
                self.result.skipped.append(f"comment {cid} already exists")
                continue
            seen.add(cid)
            ptype, pid = self._parent_of(obj)
            node = store_nodes.get(self.tx, self.ws.id, pid) if pid else None
            if node is None or node.kind not in ("page", "block"):
                self.result.skipped.append(f"comment {cid}: its parent is neither in the import nor in the workspace")
                continue
            if pid not in last:
                last[pid] = self.tx.execute(
                    sa.select(sa.func.max(comments.c.created_time)).where(comments.c.parent_id == pid)).scalar() or -1
            if pid not in pages:
                pages[pid] = node.id if node.kind == "page" else next(
                    (a.id for a in store_nodes.ancestors(self.tx, node) if a.kind == "page"), node.id)
            created = max(_ms(obj.get("created_time"), now), last[pid] + 1)
            last[pid] = created
            edited = max(_ms(obj.get("last_edited_time"), created), created)
            shown = obj.get("display_name")
            if not isinstance(shown, dict):
                shown = {"type": "user", "resolved_name": None}
            items = obj.get("rich_text") if isinstance(obj.get("rich_text"), list) else []
            try:
                items = complete.check_rich_text(items, "rich_text")
            except complete.Invalid as exc:
                raise self.invalid(cid, "comment", exc) from None
            self.tx.execute(comments.insert().values(
                id=cid, workspace_id=self.ws.id,
                discussion_id=ids.parse_id(obj.get("discussion_id")) or ids.new_id(),
                parent_type="page_id" if node.kind == "page" else "block_id", parent_id=node.id, page_id=pages[pid],
                created_time=created, created_by=_user(obj.get("created_by"), self.ws.owner_id),
                last_edited_time=edited, rich_text=orjson.dumps(items).decode(),
                display_name=orjson.dumps(shown).decode(), deleted=False,
            ))
            self.result.counts["comment"] = self.result.counts.get("comment", 0) + 1
            imported.append(cid)
        return imported

    def _import_users(self) -> None:
        for obj in self.users:
            uid = ids.parse_id(obj.get("id"))
            if uid is None:
                continue
            exists = self.tx.execute(sa.select(users.c.id).where(users.c.id == uid)).first()
            if exists is not None:
                self.result.skipped.append(f"user {uid} already exists")
                continue
            kind = obj.get("type") if obj.get("type") in ("person", "bot") else "person"
            person = obj.get("person") if isinstance(obj.get("person"), dict) else {}
            email = person.get("email") if kind == "person" else None
            for field_name, given in (("name", obj.get("name")), ("avatar_url", obj.get("avatar_url")),
                                      ("person.email", email)):
                if given is not None and not isinstance(given, str):
                    raise self.invalid(uid, "user", complete.Invalid(field_name, "a string", given))
            self.tx.execute(users.insert().values(
                id=uid, workspace_id=self.ws.id, type=kind, name=obj.get("name"), avatar_url=obj.get("avatar_url"),
                email=email, is_owner=False, integration_id=None, created_time=self.tx.now,
            ))
            self.result.counts["user"] = self.result.counts.get("user", 0) + 1


def _text(content: str) -> dict[str, Any]:
    return {"type": "text", "text": {"content": content, "link": None},
            "annotations": {"bold": False, "italic": False, "strikethrough": False, "underline": False,
                            "code": False, "color": "default"},
            "plain_text": content, "href": None}


def import_objects(tx: Tx, ws: Workspace, objects: Iterable[dict[str, Any]], *, share: str | None = None,
                   access: str = "edit", progress: Any = None) -> ImportResult:
    """Import the objects into `ws` inside the caller's transaction. With `share`, every imported root
    page or database is shared with that integration (name or ID)."""
    imp = _Importer(tx, ws)
    for obj in objects:
        imp.add(obj)
    if progress is not None and hasattr(progress, "total"):
        progress.total = len(imp.objects)
        progress.refresh() if hasattr(progress, "refresh") else None
    result = imp.run(progress)
    from ..views.model import ensure_default_views

    ensure_default_views(tx, ws.id)  # imported databases get the default view a new one gets
    if share:
        from ..access import admin

        for root in result.roots:
            kind = imp.existing.get(root, ("",))[0]
            if kind in ("page", "database"):
                admin.share(tx, ws, root, share, access)
    return result
