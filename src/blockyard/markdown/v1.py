"""Enhanced markdown (`markdown_version: "v1"`): one block a line, children one tab deeper,
block colors as a trailing `{color="…"}`, Notion's blocks as XML-like tags."""

from __future__ import annotations

import re
from typing import Any

from . import inline
from .inline import attr, attrs, color_from_md, color_to_md
from .tree import MEDIA_TAGS, UNKNOWN_V1, Block

DIALECT = "v1"


# --- rendering -----------------------------------------------------------------------------------

def render(blocks: list[Block], page_url: str) -> str:
    lines: list[str] = []
    _render_list(blocks, 0, lines, page_url)
    return "\n".join(lines)


def _color(data: dict[str, Any], **extra: str) -> str:
    parts = [f'{k}="{v}"' for k, v in extra.items()]
    color = data.get("color", "default")
    if color != "default":
        parts.append(f'color="{color_to_md(color)}"')
    return " {" + " ".join(parts) + "}" if parts else ""


def _rt(data: dict[str, Any], key: str = "rich_text") -> str:
    return inline.render(data.get(key) or [], DIALECT)


def _render_list(blocks: list[Block], depth: int, lines: list[str], page_url: str) -> None:
    number = 0
    for block in blocks:
        number = number + 1 if block.type == "numbered_list_item" else 0
        _render_block(block, depth, lines, page_url, number)


def _tag_attr(name: str, value: Any) -> str:
    return f' {name}="{attr(value)}"'


def unknown_tag(block: Block, page_url: str) -> str:
    return f'<unknown url="{page_url}#{block.id.replace("-", "")}" alt="{block.type}"/>'


def _render_block(block: Block, depth: int, lines: list[str], page_url: str, number: int) -> None:
    pad = "\t" * depth
    t, d = block.type, block.data
    kids = block.children

    def emit(text: str) -> None:
        lines.append(pad + text)

    def children(extra: int = 1) -> None:
        _render_list(kids, depth + extra, lines, page_url)

    if block.missing or t in UNKNOWN_V1:
        emit(unknown_tag(block, page_url))
        return
    if t == "paragraph":
        text = inline.guard(_rt(d))
        emit((text + _color(d)) if text else ("<empty-block/>" if d.get("color", "default") == "default" else _color(d).strip()))
        children()
    elif t.startswith("heading_"):
        level = int(t[-1])
        extra = {"toggle": "true"} if d.get("is_toggleable") else {}
        emit("#" * level + " " + _rt(d) + _color(d, **extra))
        children()
    elif t == "bulleted_list_item":
        emit("- " + _rt(d) + _color(d))
        children()
    elif t == "numbered_list_item":
        emit(f"{number}. " + _rt(d) + _color(d))
        children()
    elif t == "to_do":
        emit(("- [x] " if d.get("checked") else "- [ ] ") + _rt(d) + _color(d))
        children()
    elif t == "quote":
        emit("> " + _rt(d) + _color(d))
        children()
    elif t == "toggle":
        color = d.get("color", "default")
        emit("<details" + (_tag_attr("color", color_to_md(color)) if color != "default" else "") + ">")
        emit("<summary>" + _rt(d) + "</summary>")
        children()
        emit("</details>")
    elif t == "callout":
        icon = (d.get("icon") or {}).get("emoji") if (d.get("icon") or {}).get("type") == "emoji" else None
        color = d.get("color", "default")
        head = "<callout" + (_tag_attr("icon", icon) if icon else "") + (
            _tag_attr("color", color_to_md(color)) if color != "default" else "") + ">"
        emit(head)
        if d.get("rich_text"):
            lines.append(pad + "\t" + _rt(d))
        children()
        emit("</callout>")
    elif t == "code":
        code = inline.plain(d.get("rich_text") or []) if all(i["type"] == "text" for i in d.get("rich_text") or []) else ""
        fence = "`" * max(3, _longest_backticks(code) + 1)
        emit(fence + d.get("language", "plain text"))
        for line in code.split("\n"):
            emit(line)
        emit(fence)
    elif t == "equation":
        emit("$$")
        for line in d.get("expression", "").split("\n"):
            emit(line)
        emit("$$")
    elif t == "divider":
        emit("---")
    elif t == "table":
        head = "<table"
        if d.get("has_column_header"):
            head += ' header-row="true"'
        if d.get("has_row_header"):
            head += ' header-column="true"'
        emit(head + ">")
        for row in kids:
            if row.missing:
                continue
            emit("\t<tr>")
            for cell in row.data.get("cells", []):
                emit("\t\t<td>" + inline.render(cell, DIALECT) + "</td>")
            emit("\t</tr>")
        emit("</table>")
    elif t == "table_row":
        emit("<tr>" + "".join("<td>" + inline.render(c, DIALECT) + "</td>" for c in d.get("cells", [])) + "</tr>")
    elif t == "column_list":
        emit("<columns>")
        for col in kids:
            emit("\t<column>")
            _render_list(col.children, depth + 2, lines, page_url)
            emit("\t</column>")
        emit("</columns>")
    elif t == "column":
        emit("<column>")
        children()
        emit("</column>")
    elif t == "image":
        emit(f"![{_rt(d, 'caption')}]({_media_url(d)})")
    elif t in MEDIA_TAGS:
        emit(f'<{t} src="{attr(_media_url(d))}">{_rt(d, "caption")}</{t}>')
    elif t == "child_page":
        emit(f'<page url="{attr(block.url)}">{inline.escape(d.get("title", ""))}</page>')
    elif t == "child_database":
        inline_attr = ' inline="true"' if block.inline else ""
        emit(f'<database url="{attr(block.url)}"{inline_attr}>{inline.escape(d.get("title", ""))}</database>')
    elif t == "table_of_contents":
        color = d.get("color", "default")
        emit("<table_of_contents" + (_tag_attr("color", color_to_md(color)) if color != "default" else "") + "/>")
    elif t == "link_to_page":
        target = d.get(d.get("type", "page_id"))
        kind = "database" if d.get("type") == "database_id" else "page"
        emit(f'<mention-{kind} url="{inline.page_url(target or "")}"></mention-{kind}>')
    elif t == "synced_block":
        if d.get("synced_from"):
            original = d["synced_from"]["block_id"]
            emit(f'<synced_block_reference url="{page_url}#{original.replace("-", "")}">')
        else:
            emit(f'<synced_block url="{page_url}#{block.id.replace("-", "")}">')
        children()
        emit("</synced_block_reference>" if d.get("synced_from") else "</synced_block>")
    elif t in ("meeting_notes", "transcription"):
        title = inline.render(d.get("title") or [], DIALECT) if isinstance(d.get("title"), list) else ""
        emit(f"<meeting-notes>{title}</meeting-notes>")
    else:
        emit(unknown_tag(block, page_url))


def _media_url(d: dict[str, Any]) -> str:
    kind = d.get("type", "external")
    return (d.get(kind) or {}).get("url", "")


def _longest_backticks(text: str) -> int:
    runs = re.findall(r"`+", text)
    return max((len(r) for r in runs), default=0)


# --- parsing -------------------------------------------------------------------------------------

_ATTR_SUFFIX = re.compile(r'\s*\{((?:\s*[a-z-]+="[^"]*")+)\s*\}\s*$')
_HEADING = re.compile(r"(#{1,6})\s+(.*)$")
_TODO = re.compile(r"[-*+]\s+\[([ xX])\]\s?(.*)$")
_BULLET = re.compile(r"[-*+]\s+(.*)$")
_NUMBER = re.compile(r"\d{1,9}[.)]\s+(.*)$")
_IMAGE = re.compile(r"!\[(.*)\]\((\S*?)\)$")
_OPEN = re.compile(r"<([a-z_-]+)((?:\s+[a-zA-Z-]+=\"[^\"]*\")*)\s*(/?)>(.*)$")
_SINGLE = re.compile(r"<([a-z_-]+)((?:\s+[a-zA-Z-]+=\"[^\"]*\")*)\s*>(.*)</\1>$")
_DIVIDER = re.compile(r"(-{3,}|\*{3,}|_{3,})$")
_FENCE = re.compile(r"(`{3,}|~{3,})\s*(.*)$")
_CONTAINERS = ("details", "callout", "columns", "column", "synced_block", "synced_block_reference", "table")


class Lines:
    """The markdown's lines, each with its depth of tab indentation."""

    def __init__(self, text: str) -> None:
        self.items: list[tuple[int, str]] = []
        self.raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for raw in self.raw:
            depth = 0
            while True:
                if raw.startswith("\t"):
                    raw, depth = raw[1:], depth + 1
                elif raw.startswith("    "):
                    raw, depth = raw[4:], depth + 1
                else:
                    break
            self.items.append((depth, raw))
        self.i = 0

    def peek(self) -> tuple[int, str] | None:
        return self.items[self.i] if self.i < len(self.items) else None


def parse(text: str) -> list[dict[str, Any]]:
    """Enhanced markdown -> request-shaped blocks (`{"type": t, t: {..., "children": [...]}}`)."""
    lines = Lines(text)
    out: list[dict[str, Any]] = []
    while lines.peek() is not None:
        before = lines.i
        out.extend(_blocks(lines, lines.peek()[0]))  # type: ignore[index]
        if lines.i == before:  # a closing tag with nothing open: literal text
            depth, raw = lines.items[lines.i]
            lines.i += 1
            out.append(_paragraph(raw))
    return out


def _blocks(lines: Lines, depth: int, until: str | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        item = lines.peek()
        if item is None:
            return out
        d, raw = item
        stripped = raw.strip()
        if not stripped:
            lines.i += 1
            continue
        if until is not None and stripped == until:
            return out
        if d < depth or stripped.startswith("</") and stripped[2:-1] in _CONTAINERS:
            return out
        if d > depth and out:
            kids = _blocks(lines, d, until)
            _attach(out[-1], kids)
            continue
        lines.i += 1
        block = _block(lines, d, stripped)
        if block is not None:
            out.append(block)


def _attach(block: dict[str, Any], kids: list[dict[str, Any]]) -> None:
    payload = block[block["type"]]
    if block["type"] in ("paragraph", "bulleted_list_item", "numbered_list_item", "to_do", "quote", "toggle",
                         "callout", "synced_block", "column") or block["type"].startswith("heading_") and payload.get("is_toggleable"):
        payload.setdefault("children", []).extend(kids)
    else:
        # What cannot hold children follows it, as Notion would place it.
        block.setdefault("_after", []).extend(kids)


def _split_attrs(text: str) -> tuple[str, dict[str, str]]:
    m = _ATTR_SUFFIX.search(text)
    if not m:
        return text, {}
    a = attrs(m.group(1))
    if "color" in a and color_from_md(a["color"]) is None:
        return text, {}
    return text[: m.start()], a


def _rich(text: str) -> list[dict[str, Any]]:
    return inline.parse(text, DIALECT)


def _text_block(kind: str, text: str, a: dict[str, str], **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"rich_text": _rich(text), **extra}
    color = color_from_md(a.get("color"))
    if color:
        payload["color"] = color
    return {"type": kind, kind: payload}


def _paragraph(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "paragraph": {"rich_text": _rich(text)}}


def _block(lines: Lines, depth: int, line: str) -> dict[str, Any] | None:
    fence = _FENCE.match(line)
    if fence:
        return _code(lines, depth, fence.group(1), fence.group(2).strip())
    if line == "$$":
        body = _until(lines, depth, "$$")
        return {"type": "equation", "equation": {"expression": "\n".join(body)}}
    if line.startswith("<"):
        block = _tag_block(lines, depth, line)
        if block is not None:
            return block
    if _DIVIDER.match(line):
        return {"type": "divider", "divider": {}}
    if line.startswith("|") and _pipe_separator(lines):
        return _pipe_table(lines, line)
    text, a = _split_attrs(line)
    m = _HEADING.match(text)
    if m:
        level = min(len(m.group(1)), 4)
        extra = {"is_toggleable": True} if a.get("toggle") == "true" else {}
        return _text_block(f"heading_{level}", m.group(2), a, **extra)
    m = _TODO.match(text)
    if m:
        return _text_block("to_do", m.group(2), a, checked=m.group(1) != " ")
    m = _BULLET.match(text)
    if m:
        return _text_block("bulleted_list_item", m.group(1), a)
    m = _NUMBER.match(text)
    if m:
        return _text_block("numbered_list_item", m.group(1), a)
    if text.startswith(">"):
        return _text_block("quote", text[1:].lstrip(" "), a)
    m = _IMAGE.match(text.strip())
    if m:
        return {"type": "image", "image": {"type": "external", "external": {"url": m.group(2)},
                                           "caption": _rich(m.group(1))}}
    return _text_block("paragraph", text, a)


def _until(lines: Lines, depth: int, closing: str) -> list[str]:
    body = []
    while lines.peek() is not None:
        d, stripped = lines.items[lines.i]
        raw = lines.raw[lines.i]
        lines.i += 1
        if d == depth and stripped.strip() == closing:
            break
        body.append(_dedent(raw, depth))
    return body


def _dedent(raw: str, depth: int) -> str:
    """A line with `depth` levels of indentation (a tab or four spaces each) removed, the rest kept."""
    for _ in range(depth):
        if raw.startswith("\t"):
            raw = raw[1:]
        elif raw.startswith("    "):
            raw = raw[4:]
    return raw


def _code(lines: Lines, depth: int, fence: str, language: str) -> dict[str, Any]:
    body = []
    while lines.peek() is not None:
        d, stripped = lines.items[lines.i]
        raw = lines.raw[lines.i]
        lines.i += 1
        if stripped.strip().startswith(fence) and set(stripped.strip()) == {fence[0]} and d <= depth + 1:
            break
        body.append(_dedent(raw, depth))
    from ..domain.blocks import LANGUAGES

    lang = language.lower() if language.lower() in LANGUAGES else "plain text"
    code = "\n".join(body)
    return {"type": "code", "code": {"rich_text": _plain_chunks(code), "language": lang}}


def _plain_chunks(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": text[i:i + 2000]}} for i in range(0, len(text), 2000)] if text else []


def _tag_block(lines: Lines, depth: int, line: str) -> dict[str, Any] | None:
    m = _SINGLE.match(line)
    if m:
        name, a, body = m.group(1), attrs(m.group(2)), m.group(3)
        if name == "summary":
            return None
        if name in MEDIA_TAGS and "src" in a:
            return {"type": name, name: {"type": "external", "external": {"url": a["src"]}, "caption": _rich(body)}}
        if name in ("page", "database"):
            return {"type": f"_{name}", "url": a.get("url", ""), "title": body}
        if name == "meeting-notes":
            return None
    m = _OPEN.match(line)
    if not m:
        return None
    name, a, self_closing, rest = m.group(1), attrs(m.group(2)), m.group(3), m.group(4).strip()
    if self_closing:
        if name == "empty-block":
            return {"type": "paragraph", "paragraph": {"rich_text": []}}
        if name == "table_of_contents":
            payload: dict[str, Any] = {}
            color = color_from_md(a.get("color"))
            if color:
                payload["color"] = color
            return {"type": "table_of_contents", "table_of_contents": payload}
        if name == "unknown":
            return {"type": "_unknown", "url": a.get("url", ""), "alt": a.get("alt", "")}
        return None
    if name == "details":
        summary = ""
        nxt = lines.peek()
        if nxt is not None:
            sm = re.match(r"\s*<summary>(.*)</summary>\s*$", nxt[1])
            if sm:
                summary = sm.group(1)
                lines.i += 1
        kids = _blocks(lines, depth + 1, "</details>")
        _close(lines, "</details>")
        block = _text_block("toggle", summary, a)
        if kids:
            block["toggle"]["children"] = kids
        return block
    if name == "callout":
        kids = _blocks(lines, depth + 1, "</callout>")
        _close(lines, "</callout>")
        text = ""
        if kids and kids[0]["type"] == "paragraph" and not kids[0]["paragraph"].get("children") and "color" not in kids[0]["paragraph"]:
            first = kids.pop(0)
            block = {"type": "callout", "callout": {"rich_text": first["paragraph"]["rich_text"]}}
        else:
            block = {"type": "callout", "callout": {"rich_text": _rich(text)}}
        if "icon" in a and a["icon"]:
            block["callout"]["icon"] = {"type": "emoji", "emoji": a["icon"]}
        color = color_from_md(a.get("color"))
        if color:
            block["callout"]["color"] = color
        if kids:
            block["callout"]["children"] = kids
        return block
    if name == "columns":
        columns = []
        while True:
            nxt = lines.peek()
            if nxt is None:
                break
            s = nxt[1].strip()
            if s == "</columns>":
                lines.i += 1
                break
            if not s:
                lines.i += 1
                continue
            cm = _OPEN.match(s)
            if cm and cm.group(1) == "column":
                lines.i += 1
                kids = _blocks(lines, nxt[0] + 1, "</column>")
                _close(lines, "</column>")
                col: dict[str, Any] = {"children": kids}
                ratio = attrs(cm.group(2)).get("ratio")
                if ratio:
                    try:
                        col["width_ratio"] = float(ratio) / 100
                    except ValueError:
                        pass
                columns.append({"type": "column", "column": col})
            else:
                break
        return {"type": "column_list", "column_list": {"children": columns}}
    if name in ("synced_block", "synced_block_reference"):
        kids = _blocks(lines, depth + 1, f"</{name}>")
        _close(lines, f"</{name}>")
        if name == "synced_block_reference":
            return {"type": "_synced_reference", "url": a.get("url", "")}
        return {"type": "synced_block", "synced_block": {"synced_from": None, "children": kids}, "_url": a.get("url", "")}
    if name == "table":
        body = [rest]
        while lines.peek() is not None:
            _, raw = lines.items[lines.i]
            lines.i += 1
            if raw.strip() == "</table>":
                break
            body.append(raw.strip())
        return _html_table(" ".join(body), a)
    return None


def _close(lines: Lines, closing: str) -> None:
    nxt = lines.peek()
    if nxt is not None and nxt[1].strip() == closing:
        lines.i += 1


_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.S)


def _html_table(body: str, a: dict[str, str]) -> dict[str, Any] | None:
    rows = [[c.strip() for c in _CELL.findall(r)] for r in _ROW.findall(body)]
    return table_block(rows, a.get("header-row") == "true", a.get("header-column") == "true", DIALECT)


def table_block(rows: list[list[str]], header_row: bool, header_col: bool, dialect: str) -> dict[str, Any] | None:
    rows = [r for r in rows if r]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    children = [{"type": "table_row", "table_row": {"cells": [inline.parse(c, dialect) for c in r + [""] * (width - len(r))]}}
                for r in rows]
    return {"type": "table", "table": {"table_width": width, "has_column_header": header_row,
                                       "has_row_header": header_col, "children": children}}


def _pipe_separator(lines: Lines) -> bool:
    nxt = lines.peek()
    return nxt is not None and re.fullmatch(r"\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?", nxt[1].strip()) is not None


def split_pipe_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells, buf, i = [], [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] == "|":
            buf.append("\\|")
            i += 2
            continue
        if line[i] == "|":
            cells.append("".join(buf).strip())
            buf = []
        else:
            buf.append(line[i])
        i += 1
    cells.append("".join(buf).strip())
    return cells


def _pipe_table(lines: Lines, header: str, dialect: str = DIALECT) -> dict[str, Any] | None:
    lines.i += 1  # the separator
    rows = [split_pipe_row(header)]
    while lines.peek() is not None and lines.items[lines.i][1].strip().startswith("|"):
        rows.append(split_pipe_row(lines.items[lines.i][1]))
        lines.i += 1
    return table_block(rows, True, False, dialect)
