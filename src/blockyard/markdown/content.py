"""A page's content as markdown: rendered from the block tree, and written back into it.

Writing parses the markdown into request-shaped blocks, validates them with the block endpoints'
own code (`domain/blocks.py`), and changes the stored tree by the smallest edit: blocks whose
markdown is unchanged keep their IDs (and children), a changed block of the same type is updated
in place, and only what is new is inserted or what is gone is trashed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from .. import errors, ids
from ..domain import blocks as domain_blocks
from ..domain import validate as v
from ..store import nodes as store_nodes
from ..store.nodes import Node
from . import inline, tree, v1, v2

if TYPE_CHECKING:
    from ..context import Ctx

DIALECTS = ("v1", "v2")
_MODULES = {"v1": v1, "v2": v2}


def dialect_of(ctx: "Ctx", value: Any, path: str) -> str:
    if value is None or value is errors.UNDEFINED:
        return ctx.version.markdown_default_version
    dialect = v.enum(value, path, DIALECTS)
    if dialect == "v1" and not ctx.version.markdown_v1:
        raise errors.validation(f"body failed validation: {path} `\"v1\"` is not supported in Notion-Version {ctx.version.name}; use `\"v2\"`.")
    return dialect


# --- reading -------------------------------------------------------------------------------------

def render_tree(page: tree.Page, dialect: str) -> str:
    return _MODULES[dialect].render(page.blocks, page.url)


def page_markdown(ctx: "Ctx", root: Node, dialect: str) -> dict[str, Any]:
    loaded = tree.load(ctx, root)
    return _answer(root.id, render_tree(loaded, dialect), loaded.unknown_ids)


def _answer(page_id: str, markdown: str, unknown: list[str]) -> dict[str, Any]:
    return {"object": "page_markdown", "id": page_id, "markdown": markdown, "truncated": bool(unknown),
            "unknown_block_ids": unknown}


# --- planning: markdown -> validated blocks ------------------------------------------------------

@dataclass
class New:
    """One block of the new content: parsed and validated, or an existing node kept by reference."""

    type: str
    payload: dict[str, Any] | None = None  # request payload without children, for an update in place
    planned: domain_blocks.Planned | None = None
    children: list["New"] = field(default_factory=list)
    ref: str | None = None  # ID of an existing node the markdown names (child page, database, unknown)
    new_page_title: str | None = None  # v2 `<page>` without url: a new subpage
    sig: bytes = b""


@dataclass
class Plan:
    blocks: list[New]
    warnings: list[dict[str, Any]]


def plan(ctx: "Ctx", text: str, dialect: str, path: str) -> Plan:
    parsed = _MODULES[dialect].parse(text)
    warnings: list[dict[str, Any]] = []
    items = _normalise(parsed, warnings)
    out = [_plan_item(ctx, item, f"{path}[{i}]", None, None, warnings) for i, item in enumerate(items)]
    count = _count(out)
    if count > int(ctx.app.settings.extra.get("markdown_block_limit", MAX_BLOCKS)):
        raise errors.validation(
            f"The page content is too large to process in one call ({count} blocks, more than {MAX_BLOCKS}). "
            "Move some content into child pages or reduce the page size."
        )
    return Plan([n for n in out if n is not None], warnings)


MAX_BLOCKS = 20_000


def _count(items: list[New | None]) -> int:
    return sum(1 + _count(n.children) for n in items if n is not None)


def _normalise(items: list[dict[str, Any]], warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flattens what a dialect's parser left for later: blocks after a block that cannot hold
    them, column lists of fewer than two columns."""
    out: list[dict[str, Any]] = []
    for item in items:
        after = item.pop("_after", None)
        payload = item.get(item["type"])
        if isinstance(payload, dict) and payload.get("children"):
            payload["children"] = _normalise(payload["children"], warnings)
        if item["type"] == "column_list":
            cols = payload["children"]
            if len(cols) < 2:
                for col in cols:
                    out.extend(col["column"].get("children", []))
                continue
            for col in cols:
                if not col["column"].get("children"):
                    col["column"]["children"] = [{"type": "paragraph", "paragraph": {"rich_text": []}}]
        if item["type"] == "table" and not payload.get("children"):
            continue
        out.append(item)
        if after:
            out.extend(_normalise(after, warnings))
    return out


def _plan_item(ctx: "Ctx", item: dict[str, Any], path: str, parent_spec: Any, parent_data: Any,
               warnings: list[dict[str, Any]]) -> New | None:
    kind = item["type"]
    if kind in ("_page", "_database"):
        target = inline.id_from_url(item.get("url", "")) if item.get("url") else None
        if target is None:
            if kind == "_page" and not item.get("url") and parent_spec is None:
                return New("child_page", new_page_title=item.get("title", ""), sig=b"newpage")
            warnings.append({"code": "ignored_content", "message": f"A <{kind[1:]}> tag names no page on this page and was ignored."})
            return None
        return New("ref", ref=target, sig=b"ref:" + target.encode())
    if kind == "_unknown":
        target = inline.id_from_url(item.get("url", ""))
        if target is None:
            warnings.append({"code": "ignored_content", "message": "An <unknown> tag names no block and was ignored."})
            return None
        return New("ref", ref=target, sig=b"ref:" + target.encode())
    if kind == "_synced_reference":
        target = inline.id_from_url(item.get("url", ""))
        if target is None:
            warnings.append({"code": "ignored_content", "message": "A synced block reference names no block and was ignored."})
            return None
        item = {"type": "synced_block", "synced_block": {"synced_from": {"block_id": target}}}
        kind = "synced_block"
    item.pop("_url", None)
    payload = dict(item[kind])
    children_json = payload.pop("children", None) or []
    spec = domain_blocks.SPECS[kind]
    head = []
    if spec.children_required:
        # Tables and column lists are validated with their first children, as the block endpoints do.
        head = [_shallow(c) for c in children_json[: domain_blocks.MAX_CHILDREN]]
    planned = domain_blocks.parse_block(ctx, {"type": kind, kind: {**payload, **({"children": head} if head else {})}},
                                        path, depth=1, parent_spec=parent_spec, parent_data=parent_data)
    new = New(kind, payload=payload, planned=planned)
    if children_json and not domain_blocks.may_have_children(spec, planned.data):
        warnings.append({"code": "ignored_content", "message": f"A {kind} block cannot hold children; they were dropped."})
        children_json = []
    cpath = f"{path}.{kind}.children"
    kids = [_plan_item(ctx, c, f"{cpath}[{i}]", spec, planned.data, warnings) for i, c in enumerate(children_json)]
    new.children = [k for k in kids if k is not None]
    new.sig = _sig(kind, planned.data, [k.sig for k in new.children])
    return new


def _shallow(item: dict[str, Any]) -> dict[str, Any]:
    kind = item["type"]
    if not isinstance(item.get(kind), dict):
        return item
    payload = {k: val for k, val in item[kind].items() if k != "children"}
    return {"type": kind, kind: payload}


def _public(data: dict[str, Any]) -> dict[str, Any]:
    return {k: val for k, val in data.items() if not k.startswith("_")}


def _sig(kind: str, data: dict[str, Any], kids: list[bytes]) -> bytes:
    return orjson.dumps([kind, _public(data)], option=orjson.OPT_SORT_KEYS) + b"[" + b",".join(kids) + b"]"


def old_sig(block: tree.Block, dialect: str) -> bytes:
    unknown = tree.UNKNOWN_V1 if dialect == "v1" else tree.UNKNOWN_V2
    if block.missing or block.type in ("child_page", "child_database") or block.type in unknown:
        return b"ref:" + block.id.encode()
    kids = [] if block.type == "synced_block" and block.data.get("synced_from") else [old_sig(c, dialect) for c in block.children]
    return _sig(block.type, block.data, kids)


# --- writing -------------------------------------------------------------------------------------

def create(ctx: "Ctx", page: Node, text: str, dialect: str, path: str) -> None:
    """Content of a new page from markdown."""
    planned = plan(ctx, text, dialect, path)
    Writer(ctx, page, dialect, allow_deleting=True).apply([], planned.blocks, page)


def replace(ctx: "Ctx", page: Node, loaded: tree.Page, text: str, dialect: str, path: str,
            allow_deleting: bool) -> list[dict[str, Any]]:
    """The page's content becomes `text`, by the smallest change to its blocks; returns warnings."""
    planned = plan(ctx, text, dialect, path)
    Writer(ctx, page, dialect, allow_deleting).apply(loaded.blocks, planned.blocks, page)
    return planned.warnings


class Writer:
    def __init__(self, ctx: "Ctx", page: Node, dialect: str, allow_deleting: bool) -> None:
        self.ctx = ctx
        self.page = page
        self.dialect = dialect
        self.allow_deleting = allow_deleting
        self.user = ctx.principal.user_id
        self.changed = False

    def apply(self, old: list[tree.Block], new: list[New], parent: Node) -> None:
        self.known: set[str] = set()

        def collect(items: list[tree.Block]) -> None:
            for b in items:
                self.known.add(b.id)
                collect(b.children)

        collect(old)
        self.updated: list[Node] = []
        self._check_deletions(old, new)
        self._diff(old, new, parent)
        store_nodes.save_many(self.ctx.tx, self.updated)
        if self.changed:
            store_nodes.touch(self.ctx.tx, self.page.id, self.user)

    def _check_deletions(self, old: list[tree.Block], new: list[New]) -> None:
        kept = set()

        def refs(items: list[New]) -> None:
            for n in items:
                if n.ref:
                    kept.add(n.ref)
                refs(n.children)

        refs(new)
        lost_pages: list[tree.Block] = []
        lost_unloaded: list[str] = []

        def walk(items: list[tree.Block]) -> None:
            for b in items:
                if b.id in kept:
                    continue
                if b.type in ("child_page", "child_database") and not b.missing:
                    lost_pages.append(b)
                elif b.missing and b.node is None:
                    lost_unloaded.append(b.id)
                if not (b.type == "synced_block" and b.data.get("synced_from")):
                    walk(b.children)

        walk(old)
        if lost_unloaded:
            raise errors.validation(
                "The page is too large to load in full, and the edit would remove content that wasn't loaded. "
                "Edit only content outside the <unknown> tags.", {"limit_kind": "page_record_count"})
        if lost_pages and not self.allow_deleting:
            listed = ", ".join(f"{'page' if b.type == 'child_page' else 'database'} \"{b.data.get('title', '')}\" ({b.id})"
                               for b in lost_pages)
            raise errors.validation(
                f"The edit would delete {len(lost_pages)} child page{'s' if len(lost_pages) != 1 else ''} or "
                f"databases: {listed}. Set allow_deleting_content to true to delete them.")

    def _diff(self, old: list[tree.Block], new: list[New], parent: Node) -> None:
        old_sigs = [old_sig(b, self.dialect) for b in old]
        new_sigs = [n.sig for n in new]
        matcher = difflib.SequenceMatcher(None, old_sigs, new_sigs, autojunk=False)
        prev_key: str | None = None
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                last = old[i2 - 1].node
                prev_key = last.sort_key if last is not None else prev_key
                continue
            olds, news = old[i1:i2], new[j1:j2]
            pending: list[New] = []
            if op == "replace":
                for k in range(min(len(olds), len(news))):
                    o, n = olds[k], news[k]
                    if self._same_kind(o, n):
                        prev_key = self._flush(pending, parent, prev_key)
                        self._update(o, n)
                        prev_key = o.node.sort_key  # type: ignore[union-attr]
                    else:
                        self._trash(o)
                        pending.append(n)
                for o in olds[len(news):]:
                    self._trash(o)
                pending.extend(news[len(olds):])
            elif op == "delete":
                for o in olds:
                    self._trash(o)
            else:
                pending.extend(news)
            prev_key = self._flush(pending, parent, prev_key)

    def _same_kind(self, o: tree.Block, n: New) -> bool:
        return (o.node is not None and not o.missing and n.planned is not None and o.type == n.type
                and o.node.kind == "block" and o.type in domain_blocks.SPECS
                and not (o.type == "synced_block" and bool(o.data.get("synced_from")) != bool(n.planned.data.get("synced_from")))
                # A table's width is fixed at creation: another width is another table.
                and o.data.get("table_width") == n.planned.data.get("table_width"))

    def _update(self, o: tree.Block, n: New) -> None:
        node = o.node
        assert node is not None and n.planned is not None
        data_changed = _public(node.data) != _public(n.planned.data)
        if data_changed:
            # The whole new payload (what the markdown leaves out takes its default), through the
            # block endpoint's own update; fields fixed at creation stay as they are.
            spec = domain_blocks.SPECS[node.type]
            payload = {k: val for k, val in n.planned.data.items()
                       if not k.startswith("_") and (k not in spec.fields or spec.fields[k].updatable)}
            domain_blocks.update(self.ctx, node, {node.type: payload})
            self.updated.append(node)
            self.changed = True
        if not (node.type == "synced_block" and node.data.get("synced_from")):
            self._diff(o.children, n.children, node)

    def _trash(self, o: tree.Block) -> None:
        if o.node is None:
            return
        store_nodes.set_trash(self.ctx.tx, o.node, True, self.user)
        self.changed = True

    def _flush(self, pending: list[New], parent: Node, prev_key: str | None) -> str | None:
        if not pending:
            return prev_key
        keys = store_nodes.keys_for_insert(self.ctx.tx, parent.id, len(pending), after_key=prev_key,
                                           at_start=prev_key is None)
        run: list[domain_blocks.Planned] = []
        run_keys: list[str] = []

        def flush_run() -> None:
            if run:
                domain_blocks.insert_planned(self.ctx, parent, list(run), list(run_keys), max_blocks=None)
                run.clear()
                run_keys.clear()

        for n, key in zip(pending, keys):
            if n.planned is not None:
                run.append(_planned_tree(n))
                run_keys.append(key)
                continue
            flush_run()
            if n.new_page_title is not None:
                self._new_subpage(parent, n.new_page_title, key)
            elif n.ref is not None:
                self._move(n.ref, parent, key)
        flush_run()
        pending.clear()
        self.changed = True
        return keys[-1]

    def _new_subpage(self, parent: Node, title: str, key: str) -> None:
        from ..domain import pages

        body: dict[str, Any] = {"parent": {"page_id": self.page.id},
                                "properties": {"title": inline.parse(title, self.dialect) if title else []}}
        sub = pages.create(self.ctx, body)
        sub.sort_key = key
        if parent.id != self.page.id:
            sub.parent_type, sub.parent_id = "block_id", parent.id
        store_nodes.save(self.ctx.tx, sub)

    def _move(self, node_id: str, parent: Node, key: str) -> None:
        if node_id not in self.known:
            return  # a page or block elsewhere: markdown can only keep what is on this page
        node = store_nodes.get(self.ctx.tx, self.page.workspace_id, node_id)
        if node is None or node.in_trash:
            return
        node.parent_type = "page_id" if parent.kind == "page" else "block_id"
        node.parent_id = parent.id
        node.sort_key = key
        store_nodes.save(self.ctx.tx, node)


def _planned_tree(n: New) -> domain_blocks.Planned:
    """The Planned block with its children from the markdown (references inside new blocks are
    not moved in: they stay where they are)."""
    assert n.planned is not None
    n.planned.children = [_planned_tree(c) for c in n.children if c.planned is not None]
    return n.planned


def new_id() -> str:
    return ids.new_id()
