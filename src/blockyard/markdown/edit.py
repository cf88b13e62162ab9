"""PATCH /v1/pages/{id}/markdown: the four commands, as text edits of the page's markdown.

Each command turns the page's current markdown (in the request's dialect) into new markdown by
Notion's matching rules; `content.replace` then writes the difference into the block tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors
from ..domain import validate as v
from ..store.nodes import Node
from . import content, tree

if TYPE_CHECKING:
    from ..context import Ctx

COMMANDS = ("insert_content", "replace_content_range", "update_content", "replace_content")
MAX_UPDATES = 100


def parse_request(ctx: "Ctx", body: dict[str, Any]) -> tuple[str, dict[str, Any], str, bool]:
    """(command, its body, dialect, allow_async), validated before anything is read."""
    v.no_extra(body, ("type", *COMMANDS, "allow_async", "markdown_version"), "body")
    kind = body.get("type")
    if kind is None:
        kind = next((c for c in COMMANDS if c in body), None)
        if kind is None:
            raise errors.body_invalid_any([(f"body.{c}", "defined", errors.UNDEFINED) for c in COMMANDS])
    v.enum(kind, "body.type", COMMANDS)
    if kind == "replace_content_range" and not ctx.version.markdown_replace_content_range:
        raise errors.validation(
            f"body failed validation: body.type `\"replace_content_range\"` is not supported in Notion-Version "
            f"{ctx.version.name}; use `\"update_content\"`.")
    for other in COMMANDS:
        if other != kind and other in body:
            raise v.fail(f"body.{other}", "not present", body[other])
    command = v.obj(v.required(body, kind, "body"), f"body.{kind}")
    dialect = content.dialect_of(ctx, body.get("markdown_version"), "body.markdown_version")
    allow_async = v.boolean(body["allow_async"], "body.allow_async") if "allow_async" in body else False
    _check_command(kind, command)
    return kind, command, dialect, allow_async


def _check_command(kind: str, command: dict[str, Any]) -> None:
    path = f"body.{kind}"
    if kind == "insert_content":
        v.no_extra(command, ("content", "after", "position"), path)
        v.string(v.required(command, "content", path), f"{path}.content")
        if "after" in command and "position" in command:
            raise errors.validation(
                f"body failed validation: {path}.after and {path}.position should not both be present. "
                "Use only one insertion target.")
        if "after" in command:
            v.string(command["after"], f"{path}.after", allow_empty=False)
        if "position" in command:
            pos = v.obj(command["position"], f"{path}.position")
            ptype = v.enum(pos.get("type"), f"{path}.position.type", ("start", "end", "after_content"))
            if ptype == "after_content":
                v.no_extra(pos, ("type", "anchor"), f"{path}.position")
                v.string(v.required(pos, "anchor", f"{path}.position"), f"{path}.position.anchor", allow_empty=False)
            else:
                v.no_extra(pos, ("type",), f"{path}.position")
    elif kind == "replace_content_range":
        v.no_extra(command, ("content", "content_range", "allow_deleting_content"), path)
        v.string(v.required(command, "content", path), f"{path}.content")
        v.string(v.required(command, "content_range", path), f"{path}.content_range", allow_empty=False)
    elif kind == "update_content":
        v.no_extra(command, ("content_updates", "allow_deleting_content"), path)
        updates = v.array(v.required(command, "content_updates", path), f"{path}.content_updates",
                          max_items=MAX_UPDATES, min_items=1)
        for i, upd in enumerate(updates):
            upath = f"{path}.content_updates[{i}]"
            v.obj(upd, upath)
            v.no_extra(upd, ("old_str", "new_str", "replace_all_matches"), upath)
            v.string(v.required(upd, "old_str", upath), f"{upath}.old_str", allow_empty=False)
            v.string(v.required(upd, "new_str", upath), f"{upath}.new_str")
            if "replace_all_matches" in upd:
                v.boolean(upd["replace_all_matches"], f"{upath}.replace_all_matches")
    else:
        v.no_extra(command, ("new_str", "allow_deleting_content"), path)
        v.string(v.required(command, "new_str", path), f"{path}.new_str")
    if "allow_deleting_content" in command:
        v.boolean(command["allow_deleting_content"], f"{path}.allow_deleting_content")


def run(ctx: "Ctx", page: Node, kind: str, command: dict[str, Any], dialect: str) -> dict[str, Any]:
    """Applies the command; the answer is the whole page's markdown afterwards (+ v2 warnings)."""
    ensure_editable_page(page)
    loaded = tree.load(ctx, page)
    current = content.render_tree(loaded, dialect)
    sep = "\n" if dialect == "v1" else "\n\n"
    path = f"body.{kind}"
    allow_deleting = bool(command.get("allow_deleting_content", False))
    if kind == "replace_content":
        new_text, new_path = command["new_str"], f"{path}.new_str"
    elif kind == "update_content":
        new_text = current
        for i, upd in enumerate(command["content_updates"]):
            new_text = _replace(new_text, upd, f"{path}.content_updates[{i}]")
        new_path = f"{path}.content_updates"
    elif kind == "replace_content_range":
        start, end = _select(current, command["content_range"], f"{path}.content_range")
        new_text = current[:start] + command["content"] + current[end:]
        new_path = f"{path}.content"
    else:
        new_text = _insert(current, command, sep, path, block_start=ctx.version.insert_after_matches_block_start)
        new_path = f"{path}.content"
        allow_deleting = False
    warnings = content.replace(ctx, page, loaded, new_text, dialect, new_path, allow_deleting)
    answer = content.page_markdown(ctx, page, dialect)
    if dialect == "v2" and warnings:
        answer["warnings"] = warnings
    return answer


def ensure_editable_page(page: Node) -> None:
    from ..domain import access

    access.ensure_editable(page, "page")
    if page.type == "external_object_instance_page" or page.data.get("_synced_page"):
        raise errors.validation("The target page is a synced page. Synced pages cannot be updated.")


def _replace(text: str, upd: dict[str, Any], path: str) -> str:
    old, new = upd["old_str"], upd["new_str"]
    count = text.count(old)
    if count == 0:
        raise errors.validation(f"body failed validation: {path}.old_str was not found in the page content: `{_show(old)}`.")
    if count > 1 and not upd.get("replace_all_matches"):
        raise errors.validation(
            f"body failed validation: {path}.old_str matches {count} places in the page content: `{_show(old)}`. "
            "Set replace_all_matches to true to replace every match, or include more surrounding text.")
    return text.replace(old, new)


def _show(text: str) -> str:
    return text if len(text) <= 100 else text[:97] + "..."


def _select(text: str, selection: str, path: str) -> tuple[int, int]:
    """Notion's ellipsis selection: `start...end` spans from the first occurrence of the start text
    to the end text after it; without `...` the text itself. Case-sensitive."""
    if "..." in selection and not selection.startswith("...") and not selection.endswith("..."):
        head, tail = selection.split("...", 1)
        start = text.find(head)
        if start >= 0:
            end = text.find(tail, start + len(head))
            if end >= 0:
                return start, end + len(tail)
    else:
        start = text.find(selection)
        if start >= 0:
            return start, start + len(selection)
    raise errors.validation(f"body failed validation: {path} does not match any content in the page: `{_show(selection)}`.")


def _insert(current: str, command: dict[str, Any], sep: str, path: str, *, block_start: bool = False) -> str:
    addition = command["content"]
    position = command.get("position") or {}
    if "after" in command and block_start:
        return _insert_at_block_end(current, _block_start(current, command["after"], sep, f"{path}.after"), addition, sep)
    if "after" in command:
        _, end = _select(current, command["after"], f"{path}.after")
        return _insert_at_block_end(current, end, addition, sep)
    if position.get("type") == "start":
        return addition + (sep + current if current else "")
    if position.get("type") == "after_content":
        anchor = position["anchor"]
        count = current.count(anchor)
        if count != 1:
            what = "does not match any content" if count == 0 else f"matches {count} places"
            raise errors.validation(f"body failed validation: {path}.position.anchor {what} in the page: `{_show(anchor)}`.")
        return _insert_at_block_end(current, current.index(anchor) + len(anchor), addition, sep)
    return (current + sep if current else "") + addition


def _block_start(current: str, text: str, sep: str, path: str) -> int:
    """From 2026-12-01 `after` must match the start of exactly one block (no `start...end` range): where
    that match ends."""
    starts = [i for i in range(len(current)) if (i == 0 or current.startswith(sep, i - len(sep)))
              and current.startswith(text, i)] if text else []
    if len(starts) != 1:
        what = "does not match the start of any block" if not starts else f"matches the start of {len(starts)} blocks"
        raise errors.validation(f"body failed validation: {path} {what} in the page: `{_show(text)}`.")
    return starts[0] + len(text)


def _insert_at_block_end(current: str, at: int, addition: str, sep: str) -> str:
    """New content goes after the block the match ends in: at the end of that line (v1) or
    paragraph (v2)."""
    end = current.find(sep, at)
    if end < 0:
        return current + sep + addition
    return current[:end] + sep + addition + current[end:]
