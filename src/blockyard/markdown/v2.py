"""Notion-flavored Markdown (`markdown_version: "v2"`): CommonMark blocks separated by blank lines,
Notion's blocks as tags whose title follows the opening tag and whose children follow a blank line."""

from __future__ import annotations

import re
from typing import Any

from . import inline
from .inline import attr, attrs, color_from_md, color_to_md
from .tree import MEDIA_TAGS, UNKNOWN_V2, Block
from .v1 import split_pipe_row, table_block

DIALECT = "v2"

_SIMPLE_TAGS = {"paragraph": "p", "heading_1": "h1", "heading_2": "h2", "heading_3": "h3", "heading_4": "h4",
                "quote": "quote"}


# --- rendering -----------------------------------------------------------------------------------

def render(blocks: list[Block], page_url: str) -> str:
    return "\n\n".join(_render_list(blocks, page_url))


_LIST_TYPES = ("bulleted_list_item", "numbered_list_item", "to_do")


def _render_list(blocks: list[Block], page_url: str) -> list[str]:
    """Each block's markdown; items of one list are joined by single newlines, as one list."""
    out: list[str] = []
    number = 0
    prev: Block | None = None
    for block in blocks:
        number = number + 1 if block.type == "numbered_list_item" else 0
        text = _render_block(block, page_url, number)
        if (prev is not None and out and block.type in _LIST_TYPES and prev.type == block.type
                and not text.startswith("<") and not out[-1].startswith("<") and not prev.children):
            out[-1] += "\n" + text
        else:
            out.append(text)
        prev = block
    return out


def _rt(data: dict[str, Any], key: str = "rich_text") -> str:
    return inline.render(data.get(key) or [], DIALECT)


def _color_attr(data: dict[str, Any]) -> str:
    color = data.get("color", "default")
    return f' color="{color_to_md(color)}"' if color != "default" else ""


def _indent(text: str) -> str:
    return "\n".join("\t" + line if line else line for line in text.split("\n"))


def _container(tag: str, attrs_text: str, title: str, kids: list[Block], page_url: str) -> str:
    if not kids:
        return f"<{tag}{attrs_text}>{title}</{tag}>"
    body = "\n\n".join(_render_list(kids, page_url))
    return f"<{tag}{attrs_text}>\n{title}\n\n{body}\n</{tag}>"


def _unknown(block: Block, page_url: str) -> str:
    return f'<unknown url="{page_url}#{block.id.replace("-", "")}" alt="{block.type}"/>'


def _render_block(block: Block, page_url: str, number: int) -> str:
    t, d, kids = block.type, block.data, block.children
    if block.missing or t in UNKNOWN_V2:
        return _unknown(block, page_url)
    color = _color_attr(d)
    if t in _SIMPLE_TAGS:
        text = _rt(d)
        tag = _SIMPLE_TAGS[t]
        if t.startswith("heading_") and d.get("is_toggleable"):
            return _container("toggle", f' heading="{tag}"{color}', text, kids, page_url)
        if t == "paragraph" and not text and not kids:
            return f"<p{color} />"
        if color or kids or (t == "quote" and "\n" in text) or (text[:1].isspace() or text[-1:].isspace()):
            return _container(tag, color, text, kids, page_url)
        if t == "paragraph":
            return inline.guard(text)
        if t == "quote":
            return "> " + text
        return "#" * int(t[-1]) + " " + text
    if t in ("bulleted_list_item", "numbered_list_item", "to_do"):
        text = _rt(d)
        if t == "to_do" and color:
            head = f'<todo checked="{"true" if d.get("checked") else "false"}"{color}>{text}</todo>'
        elif color:
            wrapper = "ul" if t == "bulleted_list_item" else "ol"
            head = f"<{wrapper}>\n<li{color}>{text}</li>\n</{wrapper}>"
        elif t == "bulleted_list_item":
            head = "- " + text
        elif t == "numbered_list_item":
            head = f"{number}. " + text
        else:
            head = ("- [x] " if d.get("checked") else "- [ ] ") + text
        if kids:
            head += "\n" + _indent("\n\n".join(_render_list(kids, page_url)))
        return head
    if t == "toggle":
        return _container("toggle", color, _rt(d), kids, page_url)
    if t == "callout":
        icon = d.get("icon") or {}
        icon_attr = f' icon="{attr(icon["emoji"])}"' if icon.get("type") == "emoji" else ""
        text = _rt(d)
        body = "\n\n".join(_render_list(kids, page_url))
        inner = text + ("\n\n" + body if kids else "")
        return f"<callout{icon_attr}{color}>\n{inner}\n</callout>"
    if t == "code":
        code = inline.plain(d.get("rich_text") or [])
        fence = "`" * max(3, _longest_backticks(code) + 1)
        return f"{fence}{d.get('language', 'plain text')}\n{code}\n{fence}"
    if t == "equation":
        return "$$\n" + d.get("expression", "") + "\n$$"
    if t == "divider":
        return "---"
    if t == "table":
        return _table(d, kids)
    if t == "column_list":
        cols = []
        for col in kids:
            ratio = col.data.get("width_ratio")
            ratio_attr = f' ratio="{_ratio(ratio)}"' if ratio else ""
            cols.append(f"<column{ratio_attr}>\n" + "\n\n".join(_render_list(col.children, page_url)) + "\n</column>")
        return "<columns>\n" + "\n".join(cols) + "\n</columns>"
    if t == "image":
        caption = _rt(d, "caption")
        return f"![{caption}]({_media_url(d)})"
    if t in MEDIA_TAGS or t in ("bookmark", "embed"):
        source = d.get("url") if t in ("bookmark", "embed") else _media_url(d)
        return f'<{t} source="{attr(source)}">{_rt(d, "caption")}</{t}>'
    if t == "child_page":
        return f'<page url="{attr(block.url)}">{inline.escape(d.get("title", ""))}</page>'
    if t == "child_database":
        inline_attr = ' inline="true"' if block.inline else ""
        return f'<database url="{attr(block.url)}"{inline_attr}>{inline.escape(d.get("title", ""))}</database>'
    if t == "table_of_contents":
        return f"<table-of-contents{color} />"
    if t == "link_to_page":
        target = d.get(d.get("type", "page_id")) or ""
        extra = ' type="database"' if d.get("type") == "database_id" else ""
        return f'<mention url="{inline.page_url(target)}"{extra}/>'
    if t == "synced_block":
        body = "\n\n".join(_render_list(kids, page_url))
        if d.get("synced_from"):
            original = d["synced_from"]["block_id"].replace("-", "")
            return f'<synced-block-reference url="{page_url}#{original}">\n{body}\n</synced-block-reference>'
        return f'<synced-block url="{page_url}#{block.id.replace("-", "")}">\n{body}\n</synced-block>'
    if t in ("meeting_notes", "transcription"):
        return "<meeting-notes></meeting-notes>"
    return _unknown(block, page_url)


_BLOCK_START = re.compile(r"(#{1,6}\s|[-*+]\s|\d{1,9}[.)]\s|>|```|~~~|\$\$$|---+$|\*\*\*+$|___+$|\|)")


def _ratio(value: float) -> str:
    pct = value * 100
    return str(int(pct)) if abs(pct - round(pct)) < 1e-9 else f"{pct:g}"


def _media_url(d: dict[str, Any]) -> str:
    kind = d.get("type", "external")
    return (d.get(kind) or {}).get("url", "")


def _longest_backticks(text: str) -> int:
    runs = re.findall(r"`+", text)
    return max((len(r) for r in runs), default=0)


def _cell(items: list[dict[str, Any]], pipe: bool) -> str:
    return inline.render(items, DIALECT).replace("\\\n", "<br />")


def _table(d: dict[str, Any], rows: list[Block]) -> str:
    cells = [r.data.get("cells", []) for r in rows if not r.missing]
    if d.get("has_column_header") and not d.get("has_row_header") and cells:
        lines = ["| " + " | ".join(_cell(c, True) for c in cells[0]) + " |",
                 "|" + "|".join(" --- " for _ in cells[0]) + "|"]
        lines += ["| " + " | ".join(_cell(c, True) for c in row) + " |" for row in cells[1:]]
        return "\n".join(lines)
    head = "<table"
    if d.get("has_column_header"):
        head += ' header-row="true"'
    if d.get("has_row_header"):
        head += ' header-column="true"'
    out = [head + ">"]
    for row in cells:
        out.append("<tr>" + "".join(f"<td>{_cell(c, False)}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


# --- parsing -------------------------------------------------------------------------------------

_HEADING = re.compile(r"(#{1,6})\s+(.*)$")
_TODO = re.compile(r"[-*+]\s+\[([ xX])\]\s?(.*)$")
_BULLET = re.compile(r"[-*+]\s+(.*)$|[-*+]$")
_NUMBER = re.compile(r"\d{1,9}[.)]\s+(.*)$")
_IMAGE = re.compile(r"!\[(.*)\]\((\S*?)\)$")
_OPEN = re.compile(r"<([a-z][a-z0-9_-]*)((?:\s+[a-zA-Z-]+=\"[^\"]*\")*)\s*(/?)>")
_DIVIDER = re.compile(r"(-{3,}|\*{3,}|_{3,})$")
_FENCE = re.compile(r"(`{3,}|~{3,})\s*(.*)$")
_CONTAINER_TAGS = {"p", "h1", "h2", "h3", "h4", "quote", "toggle", "callout", "column", "columns", "ul", "ol", "li",
                   "synced-block", "synced-block-reference", "todo", "equation", "table", "meeting-notes"}


def parse(text: str) -> list[dict[str, Any]]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _blocks(lines)


def _rich(text: str) -> list[dict[str, Any]]:
    return inline.parse(text, DIALECT)


def _is_start(line: str) -> bool:
    return bool(_BLOCK_START.match(line)) or line.startswith("<") and _OPEN.match(line) is not None \
        and _OPEN.match(line).group(1) in _CONTAINER_TAGS | {"page", "database", "image", "unknown",  # type: ignore[union-attr]
                                                             "table-of-contents", *MEDIA_TAGS, "bookmark", "embed"}


def _blocks(lines: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        s = line.strip()
        if not s:
            i += 1
            continue
        if line.startswith("\t") or line.startswith("  ") and out and _is_list(out[-1]):
            # Indented lines after a list item are its children.
            j = i
            kids_lines = []
            while j < n and (lines[j].startswith("\t") or lines[j].startswith("  ") or not lines[j].strip()):
                raw = lines[j]
                kids_lines.append(raw[1:] if raw.startswith("\t") else raw[2:] if raw.startswith("  ") else raw)
                j += 1
            kids = _blocks(kids_lines)
            if out and _is_list(out[-1]):
                out[-1][out[-1]["type"]].setdefault("children", []).extend(kids)
            else:
                out.extend(kids)
            i = j
            continue
        fence = _FENCE.match(s)
        if fence:
            mark = fence.group(1)
            j = i + 1
            body = []
            while j < n and not (lines[j].strip().startswith(mark) and set(lines[j].strip()) == {mark[0]}):
                body.append(lines[j])
                j += 1
            from ..domain.blocks import LANGUAGES

            lang = fence.group(2).strip().lower()
            code = "\n".join(body)
            out.append({"type": "code", "code": {
                "rich_text": [{"type": "text", "text": {"content": code[k:k + 2000]}} for k in range(0, len(code), 2000)],
                "language": lang if lang in LANGUAGES else "plain text"}})
            i = j + 1
            continue
        if s == "$$":
            j = i + 1
            body = []
            while j < n and lines[j].strip() != "$$":
                body.append(lines[j])
                j += 1
            out.append({"type": "equation", "equation": {"expression": "\n".join(body)}})
            i = j + 1
            continue
        if s.startswith("<"):
            block, j = _tag(lines, i)
            if block is not None:
                if isinstance(block, list):
                    out.extend(block)
                else:
                    out.append(block)
                i = j
                continue
        if _DIVIDER.match(s):
            out.append({"type": "divider", "divider": {}})
            i += 1
            continue
        if s.startswith("|") and i + 1 < n and re.fullmatch(r"\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?", lines[i + 1].strip()):
            rows = [split_pipe_row(s)]
            j = i + 2
            while j < n and lines[j].strip().startswith("|"):
                rows.append(split_pipe_row(lines[j]))
                j += 1
            rows = [[c.replace("\\|", "|").replace("<br />", "\\\n").replace("<br/>", "\\\n").replace("<br>", "\\\n")
                     for c in r] for r in rows]
            table = table_block(rows, True, False, DIALECT)
            if table is not None:
                out.append(table)
            i = j
            continue
        m = _HEADING.match(s)
        if m:
            level = min(len(m.group(1)), 4)
            out.append({"type": f"heading_{level}", f"heading_{level}": {"rich_text": _rich(m.group(2))}})
            i += 1
            continue
        m = _TODO.match(s) or _BULLET.match(s) or _NUMBER.match(s)
        if m:
            text_lines = [m.group(m.lastindex or 0) if m.lastindex else ""]
            j = i + 1
            while j < n and lines[j].strip() and not lines[j].startswith(("\t", "  ")) and not _is_start(lines[j].strip()):
                text_lines.append(lines[j].strip())
                j += 1
            if _TODO.match(s):
                checked = _TODO.match(s).group(1) != " "  # type: ignore[union-attr]
                out.append({"type": "to_do", "to_do": {"rich_text": _rich("\n".join(text_lines)), "checked": checked}})
            elif _BULLET.match(s):
                out.append({"type": "bulleted_list_item", "bulleted_list_item": {"rich_text": _rich("\n".join(text_lines))}})
            else:
                out.append({"type": "numbered_list_item", "numbered_list_item": {"rich_text": _rich("\n".join(text_lines))}})
            i = j
            continue
        if s.startswith(">"):
            j = i
            text_lines = []
            while j < n and lines[j].strip().startswith(">"):
                text_lines.append(lines[j].strip()[1:].lstrip(" "))
                j += 1
            out.append({"type": "quote", "quote": {"rich_text": _rich("\n".join(text_lines))}})
            i = j
            continue
        m = _IMAGE.match(s)
        if m:
            out.append({"type": "image", "image": {"type": "external", "external": {"url": m.group(2)},
                                                   "caption": _rich(m.group(1))}})
            i += 1
            continue
        # A paragraph: lines up to a blank line or the start of another block.
        j = i + 1
        text_lines = [line.strip() if not line.endswith("\\") else line.lstrip()]
        while j < n and lines[j].strip() and not _is_start(lines[j].strip()) and not lines[j].startswith("\t"):
            text_lines.append(lines[j].lstrip())
            j += 1
        out.append({"type": "paragraph", "paragraph": {"rich_text": _rich("\n".join(text_lines))}})
        i = j
    return out


def _is_list(block: dict[str, Any]) -> bool:
    return block["type"] in ("bulleted_list_item", "numbered_list_item", "to_do")


def _find_close(lines: list[str], i: int, tag: str, col: int) -> tuple[int, int]:
    """(line, column) of the `</tag>` closing the one opened at lines[i][col:], counting nesting."""
    depth = 0
    opener = re.compile(rf"<{re.escape(tag)}(?=[\s/>])(?![^>]*/>)|</{re.escape(tag)}>")
    j = i
    start = col
    while j < len(lines):
        for m in opener.finditer(lines[j], start):
            if m.group(0).startswith("</"):
                depth -= 1
                if depth == 0:
                    return j, m.start()
            else:
                depth += 1
        j += 1
        start = 0
    return -1, -1


def _tag(lines: list[str], i: int) -> tuple[Any, int]:
    line = lines[i].strip()
    m = _OPEN.match(line)
    if not m:
        return None, i
    name, a_text, self_closing = m.group(1), m.group(2), m.group(3)
    a = attrs(a_text)
    rest_first = line[m.end():]
    if self_closing:
        if rest_first.strip():
            return None, i
        if name == "p":
            payload: dict[str, Any] = {"rich_text": []}
            color = color_from_md(a.get("color"))
            if color:
                payload["color"] = color
            return {"type": "paragraph", "paragraph": payload}, i + 1
        if name == "table-of-contents":
            payload = {}
            color = color_from_md(a.get("color"))
            if color:
                payload["color"] = color
            return {"type": "table_of_contents", "table_of_contents": payload}, i + 1
        if name == "unknown":
            return {"type": "_unknown", "url": a.get("url", ""), "alt": a.get("alt", "")}, i + 1
        if name == "mention":
            return None, i
        return None, i
    known = _CONTAINER_TAGS | {"page", "database", "image", *MEDIA_TAGS, "bookmark", "embed"}
    if name not in known:
        return None, i
    # The whole element: from the opening tag to its matching close.
    lines = list(lines)
    lines[i] = line
    end_line, end_col = _find_close(lines, i, name, 0)
    if end_line < 0:
        return None, i
    if end_line == i:
        inner = line[m.end():end_col]
        after = line[end_col + len(name) + 3:].strip()
        if after:
            return None, i
        inner_lines = [inner]
    else:
        inner_lines = [line[m.end():]] + lines[i + 1:end_line] + [lines[end_line][:end_col]]
    nxt = end_line + 1
    block = _element(name, a, inner_lines)
    if block is None:
        return None, i
    return block, nxt


def _title_and_children(inner: list[str]) -> tuple[str, list[dict[str, Any]]]:
    while inner and not inner[0].strip():
        inner = inner[1:]
    title_lines = []
    k = 0
    while k < len(inner) and inner[k].strip():
        title_lines.append(inner[k].strip() if not inner[k].rstrip().endswith("\\") else inner[k].lstrip())
        k += 1
    kids = _blocks(inner[k:]) if k < len(inner) else []
    title = "\n".join(title_lines)
    if title_lines and _is_start(title_lines[0]) and not title_lines[0].startswith("<"):
        # No title: the body starts with a block.
        return "", _blocks(inner)
    return title, kids


def _with_color(payload: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    color = color_from_md(a.get("color"))
    if color:
        payload["color"] = color
    return payload


def _element(name: str, a: dict[str, str], inner: list[str]) -> Any:
    if name in ("p", "h1", "h2", "h3", "h4", "quote", "toggle", "callout", "li", "todo"):
        title, kids = _title_and_children(inner)
        if name == "p":
            kind = "paragraph"
        elif name.startswith("h"):
            kind = f"heading_{name[1]}"
        elif name == "li":
            kind = "bulleted_list_item"
        elif name == "todo":
            kind = "to_do"
        elif name == "toggle" and a.get("heading") in ("h1", "h2", "h3", "h4"):
            kind = f"heading_{a['heading'][1]}"
        else:
            kind = name
        payload = _with_color({"rich_text": _rich(title)}, a)
        if kind.startswith("heading_") and name == "toggle":
            payload["is_toggleable"] = True
        if name == "todo":
            payload["checked"] = a.get("checked") == "true"
        if name == "callout" and a.get("icon"):
            payload["icon"] = {"type": "emoji", "emoji": a["icon"]}
        if kids:
            if kind.startswith("heading_") and not payload.get("is_toggleable"):
                return [{"type": kind, kind: payload}, *kids]
            payload["children"] = kids
        return {"type": kind, kind: payload}
    if name in ("ul", "ol"):
        items = _blocks(inner)
        kind = "bulleted_list_item" if name == "ul" else "numbered_list_item"
        for item in items:
            if item["type"] == "bulleted_list_item" and kind != item["type"]:
                item[kind] = item.pop("bulleted_list_item")
                item["type"] = kind
        return items
    if name == "equation":
        return {"type": "equation", "equation": {"expression": "\n".join(inner).strip()}}
    if name == "columns":
        body = "\n".join(inner)
        columns = []
        sub = body.split("\n")
        k = 0
        while k < len(sub):
            s = sub[k].strip()
            cm = _OPEN.match(s)
            if cm and cm.group(1) == "column":
                end_line, end_col = _find_close(sub, k, "column", 0)
                if end_line < 0:
                    break
                if end_line == k:
                    col_inner = [s[cm.end():end_col]]
                else:
                    col_inner = [s[cm.end():]] + sub[k + 1:end_line] + [sub[end_line][:end_col]]
                col: dict[str, Any] = {"children": _blocks(col_inner)}
                ratio = attrs(cm.group(2)).get("ratio")
                if ratio:
                    try:
                        col["width_ratio"] = float(ratio) / 100
                    except ValueError:
                        pass
                columns.append({"type": "column", "column": col})
                k = end_line + 1
            else:
                k += 1
        return {"type": "column_list", "column_list": {"children": columns}}
    if name == "table":
        body = " ".join(x.strip() for x in inner)
        rows = [[c.strip().replace("<br />", "\\\n").replace("<br/>", "\\\n").replace("<br>", "\\\n")
                 for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", r, re.S)]
                for r in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, re.S)]
        return table_block(rows, a.get("header-row") == "true", a.get("header-column") == "true", DIALECT)
    if name in ("synced-block", "synced-block-reference"):
        kids = _blocks(inner)
        if name == "synced-block-reference":
            return {"type": "_synced_reference", "url": a.get("url", "")}
        return {"type": "synced_block", "synced_block": {"synced_from": None, "children": kids}, "_url": a.get("url", "")}
    text = "\n".join(inner).strip()
    if name in ("page", "database"):
        return {"type": f"_{name}", "url": a.get("url", ""), "title": text}
    if name == "image" and a.get("source"):
        return {"type": "image", "image": {"type": "external", "external": {"url": a["source"]}, "caption": _rich(text)}}
    if name in MEDIA_TAGS and a.get("source"):
        return {"type": name, name: {"type": "external", "external": {"url": a["source"]}, "caption": _rich(text)}}
    if name in ("bookmark", "embed") and a.get("source"):
        return {"type": name, name: {"url": a["source"], "caption": _rich(text)}}
    if name == "meeting-notes":
        return []
    return None
