"""Rich text <-> inline markdown, for both dialects.

Parsing uses mistune's inline parser (CommonMark emphasis, code spans, links, escapes, `$math$`);
this module adds only Notion's inline tags: `<span color>`, underline, `<br>`, mentions and dates."""

from __future__ import annotations

import html
import re
from typing import Any

import mistune
from mistune.core import InlineState

from .. import ids
from ..domain import rich_text
from ..domain.validate import COLORS

NOTION_URL = "https://www.notion.so/"

_md = mistune.create_markdown(renderer=None, plugins=["strikethrough"])
_inline = _md.inline
# Notion's inline math: `$…$` with no space inside the dollars. (mistune's math plugin also wants
# no digit after the closing dollar, which would turn Notion's own `$x$2` into text.)
_INLINE_MATH = r"\$(?!\s)(?P<math_text>(?:[^$\\\n]|\\.)+?)(?<!\s)\$"


def _parse_math(inline_parser: Any, m: Any, state: Any) -> int:
    state.append_token({"type": "inline_math", "raw": m.group("math_text")})
    return m.end()


_inline.register("inline_math", _INLINE_MATH, _parse_math, before="codespan")

# Characters that need no parser: a run of these is plain text.
_SPECIAL = re.compile(r"[\\`*_~\[\]$<>&!{}|^:\n]")
_ESCAPE = re.compile(r"([\\`*_~\[\]$<>&{}|^])")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"]*\"|='[^']*')?)*)\s*(/?)>")
_ATTR = re.compile(r"([a-zA-Z-]+)(?:=\"([^\"]*)\"|='([^']*)')?")


def color_to_md(color: str) -> str:
    return color[: -len("_background")] + "_bg" if color.endswith("_background") else color


def color_from_md(value: str | None) -> str | None:
    """The API color for a markdown color, or None when it is not one."""
    if value is None:
        return None
    color = value[: -len("_bg")] + "_background" if value.endswith("_bg") else value
    return color if color in COLORS else None


def attrs(text: str) -> dict[str, str]:
    return {m.group(1): html.unescape(m.group(2) if m.group(2) is not None else (m.group(3) or ""))
            for m in _ATTR.finditer(text)}


def attr(value: Any) -> str:
    return html.escape(str(value), quote=True)


def page_url(node_id: str) -> str:
    return NOTION_URL + node_id.replace("-", "")


def id_from_url(url: str) -> str | None:
    """The Notion ID a page, block or user URL names (`https://www.notion.so/Title-<32 hex>`,
    `user://<id>`, `collection://<id>`); a `#<block>` fragment wins over the page."""
    if "#" in url:
        found = ids.parse_id(url.rsplit("#", 1)[1])
        if found:
            return found
    tail = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    if ids.parse_id(tail):
        return ids.parse_id(tail)
    m = re.search(r"([0-9a-fA-F]{32})$", tail)
    return ids.parse_id(m.group(1)) if m else None


def escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


_BLOCK_START = re.compile(r"(#{1,6}(\s|$)|[-*+](\s|$)|\d{1,9}[.)](\s|$)|>|---+\s*$|\*\*\*+\s*$|___+\s*$|\||```|~~~|\$\$)")


def guard(text: str) -> str:
    """Text that would read as the start of another block (`# `, `- `, `1. `, `>`, `---`) gets its
    marker escaped, so it stays the paragraph it is."""
    m = _BLOCK_START.match(text)
    if not m:
        return text
    digits = re.match(r"\d+", text)
    if digits:
        return text[: digits.end()] + "\\" + text[digits.end():]
    return "\\" + text


# --- rendering -----------------------------------------------------------------------------------

def render(items: list[dict[str, Any]], dialect: str) -> str:
    cores = [_core(item, dialect) for item in items]
    delimited = [_delimited(item) for item in items]
    out: list[str] = []
    n = len(items)
    for i, item in enumerate(items):
        prev = (_outer_edge(items[i - 1], cores[i - 1], -1), delimited[i - 1]) if i > 0 else (None, False)
        nxt = (_outer_edge(items[i + 1], cores[i + 1], 0), delimited[i + 1]) if i < n - 1 else (None, False)
        out.append(_wrap(item, cores[i], dialect, prev, nxt))
    return "".join(out)


def _delimited(item: dict[str, Any]) -> bool:
    ann = item.get("annotations") or {}
    return bool(ann.get("bold") or ann.get("italic") or ann.get("strikethrough"))


def _outer_edge(item: dict[str, Any], core: str, index: int) -> str:
    ann = item.get("annotations") or {}
    if ann.get("underline") or ann.get("color", "default") != "default":
        return "<" if index == 0 else ">"
    return core[index] if core else "x"


def _core(item: dict[str, Any], dialect: str) -> str:
    """The item's markdown without its emphasis, underline and color."""
    ann = item.get("annotations") or {}
    kind = item["type"]
    if kind == "equation":
        return "$" + item["equation"]["expression"] + "$"
    if kind == "mention":
        return _render_mention(item, dialect)
    content = item["text"]["content"]
    if ann.get("code"):
        fence = "`" * (_longest_run(content, "`") + 1)
        pad = " " if content.startswith("`") or content.endswith("`") else ""
        body = f"{fence}{pad}{content}{pad}{fence}"
    else:
        body = escape(content)
        brk = "<br>" if dialect == "v1" else "\\\n"
        body = body.replace("\n", brk)
    link = item["text"].get("link")
    if link:
        body = f"[{body}]({_link_url(link['url'])})"
    return body


def _risky(own: str, neighbour: tuple[str | None, bool]) -> bool:
    """Whether an emphasis delimiter between `own` (the item's edge) and a neighbour would fail
    CommonMark's flanking rules (`*~~0~~*0`) or merge with the neighbour's (`**a***b*`)."""
    char, delimited = neighbour
    if delimited:
        return True
    if char is None or char.isspace():
        return False
    return not own.isalnum()


def _wrap(item: dict[str, Any], body: str, dialect: str, prev: tuple[str | None, bool],
          nxt: tuple[str | None, bool]) -> str:
    ann = item.get("annotations") or {}
    layers = [(k, d, t) for k, d, t in (("strikethrough", "~~", "s"), ("italic", "*", "i"), ("bold", "**", "b"))
              if ann.get(k)]
    if body and layers:
        # Each layer's delimiters must flank what they wrap: checked layer by layer, outermost last.
        plain_form, tags = body, body[0].isspace() or body[-1].isspace()
        for _, delim, _ in layers:
            tags = tags or _risky(plain_form[0], prev) or _risky(plain_form[-1], nxt)
            plain_form = f"{delim}{plain_form}{delim}"
        if tags:
            for _, _, tag in layers:
                body = f"<{tag}>{body}</{tag}>"
        else:
            body = plain_form
    if ann.get("underline"):
        body = f'<span underline="true">{body}</span>' if dialect == "v1" else f"<u>{body}</u>"
    color = ann.get("color", "default")
    if color != "default":
        body = f'<span color="{color_to_md(color)}">{body}</span>'
    return body


def _link_url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def _longest_run(text: str, ch: str) -> int:
    best = run = 0
    for c in text:
        run = run + 1 if c == ch else 0
        best = max(best, run)
    return best


def _render_mention(item: dict[str, Any], dialect: str) -> str:
    mention = item["mention"]
    kind = mention["type"]
    label = html.escape(item.get("plain_text", ""), quote=False)
    if kind == "user":
        url = "user://" + mention["user"]["id"]
        return (f'<mention-user url="{url}">{label.lstrip("@")}</mention-user>' if dialect == "v1"
                else f'<mention url="{url}">{label.lstrip("@")}</mention>')
    if kind in ("page", "database"):
        url = page_url(mention[kind]["id"])
        if dialect == "v1":
            return f'<mention-{kind} url="{url}">{label}</mention-{kind}>'
        extra = ' type="database"' if kind == "database" else ""
        return f'<mention url="{url}"{extra}>{label}</mention>'
    if kind == "date":
        date = mention["date"]
        if dialect == "v1":
            end = f' end="{date["end"]}"' if date.get("end") else ""
            return f'<mention-date start="{date["start"]}"{end}/>'
        end = f' end="{date["end"]}"' if date.get("end") else ""
        return f'<date start="{date["start"]}"{end} />'
    if kind == "custom_emoji":
        return ":" + mention["custom_emoji"].get("name", "") + ":"
    # Template mentions, link previews: their text.
    return escape(item.get("plain_text", ""))


# --- parsing -------------------------------------------------------------------------------------

class _Run:
    __slots__ = ("bold", "italic", "strikethrough", "underline", "code", "color", "link")

    def __init__(self) -> None:
        self.bold = self.italic = self.strikethrough = self.underline = self.code = False
        self.color = "default"
        self.link: str | None = None

    def copy(self) -> "_Run":
        new = _Run()
        for k in self.__slots__:
            setattr(new, k, getattr(self, k))
        return new

    def annotations(self) -> dict[str, Any]:
        return {"bold": self.bold, "italic": self.italic, "strikethrough": self.strikethrough,
                "underline": self.underline, "code": self.code, "color": self.color}


def parse(text: str, dialect: str) -> list[dict[str, Any]]:
    """Inline markdown -> rich text request items (text split at Notion's 2,000 characters)."""
    if not text:
        return []
    if dialect == "v1":
        text = re.sub(r"<br\s*/?>", "\n", text)
    if not _SPECIAL.search(text):
        return _text_items(text, _Run())
    state = InlineState({})
    state.src = text
    tokens = _inline.parse(state)
    out: list[dict[str, Any]] = []
    _walk(tokens, _Run(), out, dialect, [])
    return _merge(finish(out))


def _text_items(content: str, run: _Run) -> list[dict[str, Any]]:
    items = []
    for start in range(0, len(content), rich_text.MAX_CONTENT):
        items.append({"type": "text", "text": {"content": content[start:start + rich_text.MAX_CONTENT],
                                               "link": {"url": run.link} if run.link else None},
                      "annotations": run.annotations()})
    return items


def _merge(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        prev = out[-1] if out else None
        if (prev is not None and prev["type"] == "text" and item["type"] == "text"
                and prev["annotations"] == item["annotations"] and prev["text"]["link"] == item["text"]["link"]
                and len(prev["text"]["content"]) + len(item["text"]["content"]) <= rich_text.MAX_CONTENT):
            prev["text"]["content"] += item["text"]["content"]
        elif item["type"] != "text" or item["text"]["content"]:
            out.append(item)
    return out


def _walk(tokens: list[dict[str, Any]], run: _Run, out: list[dict[str, Any]], dialect: str,
          stack: list[tuple[str, _Run]]) -> _Run:
    """Appends items for `tokens`; inline tags open and close across tokens, so the current run
    is threaded through and returned."""
    for tok in tokens:
        kind = tok["type"]
        if kind == "text":
            out.extend(_text_items(html.unescape(tok["raw"]), run))
        elif kind in ("softbreak",):
            out.extend(_text_items(" " if dialect == "v2" else "\n", run))
        elif kind == "linebreak":
            out.extend(_text_items("\n", run))
        elif kind == "codespan":
            inner = run.copy()
            inner.code = True
            out.extend(_text_items(tok["raw"], inner))
        elif kind == "inline_math":
            out.append({"type": "equation", "equation": {"expression": tok["raw"]}, "annotations": run.annotations()})
        elif kind in ("strong", "emphasis", "strikethrough", "link"):
            inner = run.copy()
            if kind == "strong":
                inner.bold = True
            elif kind == "emphasis":
                inner.italic = True
            elif kind == "strikethrough":
                inner.strikethrough = True
            else:
                inner.link = tok["attrs"]["url"]
            _walk(tok.get("children", []), inner, out, dialect, stack)
        elif kind == "inline_html":
            run = _tag(tok["raw"], run, out, dialect, stack)
        elif kind == "image":
            out.extend(_text_items(tok.get("attrs", {}).get("url", ""), run))
        else:
            raw = tok.get("raw")
            if raw:
                out.extend(_text_items(html.unescape(raw), run))
            elif tok.get("children"):
                _walk(tok["children"], run, out, dialect, stack)
    return run


_V1_MENTIONS = {"mention-user": "user", "mention-page": "page", "mention-database": "database",
                "mention-data-source": "database", "mention-agent": "user"}


def _tag(raw: str, run: _Run, out: list[dict[str, Any]], dialect: str, stack: list[tuple[str, _Run]]) -> _Run:
    m = _TAG.fullmatch(raw.strip())
    if m is None:
        out.extend(_text_items(raw, run))
        return run
    closing, name, attr_text, self_closing = m.group(1), m.group(2).lower(), m.group(3), m.group(4)
    a = attrs(attr_text)
    if closing:
        if stack and stack[-1][0] == name:
            _, before = stack.pop()
            if name.startswith("mention"):
                _drop_label(out)
            return before
        out.extend(_text_items(raw, run))
        return run
    if name == "br":
        out.extend(_text_items("\n", run))
        return run
    mention = _mention(name, a, dialect)
    if mention is not None:
        mention["annotations"] = run.annotations()
        out.append(mention)
        if not self_closing:
            # The label that follows is Notion's to compute; it is dropped when the tag closes.
            stack.append((name, run))
            out.append({"type": "_label_start"})
        return run
    inner = run.copy()
    if name == "span" and ("color" in a or a.get("underline") == "true"):
        color = color_from_md(a.get("color")) if "color" in a else None
        if "color" in a and color is None:
            out.extend(_text_items(raw, run))
            return run
        if color:
            inner.color = color
        if a.get("underline") == "true":
            inner.underline = True
    elif name in ("b", "i", "s") and not a or dialect == "v2" and name == "u" and not a:
        setattr(inner, {"u": "underline", "b": "bold", "i": "italic", "s": "strikethrough"}[name], True)
    else:
        out.extend(_text_items(raw, run))
        return run
    if self_closing:
        return run
    stack.append((name, run))
    return inner


def _drop_label(out: list[dict[str, Any]]) -> None:
    for i in range(len(out) - 1, -1, -1):
        if out[i].get("type") == "_label_start":
            del out[i:]
            return


def _mention(name: str, a: dict[str, str], dialect: str) -> dict[str, Any] | None:
    if name in ("mention-date", "date"):
        start = a.get("start")
        if not start:
            return None
        time_key, zone_key = ("startTime", "timeZone") if name == "mention-date" else ("start-time", "time-zone")
        date: dict[str, Any] = {"start": start}
        if a.get(time_key) and len(start) == 10:
            date["start"] = f"{start}T{a[time_key]}:00"
            if a.get(zone_key):
                date["time_zone"] = a[zone_key]
        if a.get("end"):
            end_time = a.get("endTime" if name == "mention-date" else "end-time")
            date["end"] = f"{a['end']}T{end_time}:00" if end_time and len(a["end"]) == 10 else a["end"]
        return {"type": "mention", "mention": {"type": "date", "date": date}}
    if name in _V1_MENTIONS and dialect == "v1" or name == "mention" and dialect == "v2":
        url = a.get("url", "")
        target = id_from_url(url)
        if target is None:
            return None
        if url.startswith("user://") or url.startswith("agent://"):
            kind = "user"
        elif name == "mention":
            kind = "database" if a.get("type") == "database" or url.startswith("collection://") else "page"
        else:
            kind = _V1_MENTIONS[name]
        return {"type": "mention", "mention": {"type": kind, kind: {"id": target}}}
    return None


def finish(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drops markers of mention labels left open by a tag that never closed."""
    return [i for i in items if i.get("type") != "_label_start"]


def plain(items: list[dict[str, Any]]) -> str:
    return "".join(i["text"]["content"] if i["type"] == "text" else "" for i in items)
