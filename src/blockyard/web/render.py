"""API objects rendered as HTML: rich text, every block type, and property values.

Everything user-supplied goes through `escape`; links keep only http(s), mailto and same-site URLs."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from markupsafe import Markup, escape

e = escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

SAFE_SCHEMES = ("http://", "https://", "mailto:")

# Notion's code languages whose names Pygments does not know as aliases.
_LEXER_NAMES = {
    "plain text": "text", "c++": "cpp", "c#": "csharp", "f#": "fsharp", "objective-c": "objc",
    "vb.net": "vbnet", "visual basic": "vbnet", "java/c/c++/c#": "java", "shell": "bash", "webassembly": "wast",
    "markup": "html", "mermaid": "text", "flow": "javascript", "coffeescript": "coffeescript", "docker": "docker",
    "arduino": "arduino", "llvm ir": "llvm", "reason": "reasonml", "sass": "sass", "scss": "scss",
}
_FORMATTER = HtmlFormatter(nowrap=True, classprefix="hl-")


def pygments_css() -> str:
    return _FORMATTER.get_style_defs(".code-block")


def safe_url(url: Any) -> str | None:
    """The URL if a link to it is harmless: http(s), mailto, or a path on this server."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    lower = text.lower()
    if lower.startswith(SAFE_SCHEMES) or (text.startswith("/") and not text.startswith("//")):
        return text
    return None


def _color_class(color: str | None) -> str:
    if not color or color == "default":
        return ""
    if color.endswith("_background"):
        return f"bg-{color[: -len('_background')]}"
    return f"fg-{color}"


class Links:
    """Where mentions and child objects link to in this workspace."""

    def __init__(self, workspace_id: str) -> None:
        self.base = f"/w/{workspace_id}"

    def page(self, page_id: str) -> str:
        return f"{self.base}/p/{page_id}"

    def database(self, database_id: str) -> str:
        return f"{self.base}/d/{database_id}"


def rich_text(items: list[dict[str, Any]] | None, links: Links) -> Markup:
    return Markup(rich_text_str(items, links))


def rich_text_str(items: list[dict[str, Any]] | None, links: Links) -> str:
    """Rich text as HTML, built as a plain string: escaping each piece once is far cheaper than
    Markup arithmetic on pages of thousands of blocks."""
    out = []
    for item in items or ():
        text = e(item.get("plain_text", ""))
        kind = item.get("type")
        href: str | None = None
        if kind == "text":
            link = (item.get("text") or {}).get("link")
            href = safe_url(link.get("url")) if isinstance(link, dict) else None
        elif kind == "mention":
            mention = item.get("mention") or {}
            mtype = mention.get("type")
            if mtype == "page":
                href = links.page(mention["page"]["id"])
                text = f'<span class="mention">{text}</span>'
            elif mtype == "database":
                href = links.database(mention["database"]["id"])
                text = f'<span class="mention">{text}</span>'
            elif mtype == "user":
                text = f'<span class="mention mention-user">{text}</span>'
            elif mtype == "date":
                text = f'<time class="mention mention-date">{text}</time>'
            elif mtype in ("link_preview", "link_mention"):
                href = safe_url((mention.get(mtype) or {}).get("url"))
            else:
                text = f'<span class="mention">{text}</span>'
        elif kind == "equation":
            expression = e((item.get("equation") or {}).get("expression", ""))
            text = f'<code class="equation" role="math" aria-label="equation: {expression}">{expression}</code>'
        ann = item.get("annotations")
        if ann:
            if ann.get("code"):
                text = f"<code>{text}</code>"
            if ann.get("bold"):
                text = f"<strong>{text}</strong>"
            if ann.get("italic"):
                text = f"<em>{text}</em>"
            if ann.get("strikethrough"):
                text = f"<s>{text}</s>"
            if ann.get("underline"):
                text = f'<span class="underline">{text}</span>'
            color = _color_class(ann.get("color"))
            if color:
                text = f'<span class="{e(color)}">{text}</span>'
        if href is None and kind == "text" and item.get("href"):
            href = safe_url(item.get("href"))
        if href:
            text = f'<a href="{e(href)}">{text}</a>'
        out.append(text)
    return "".join(out)


@lru_cache(maxsize=128)
def _lexer(language: str):  # type: ignore[no-untyped-def]
    name = _LEXER_NAMES.get(language, language)
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return get_lexer_by_name("text")


@lru_cache(maxsize=4096)
def code_html(source: str, language: str) -> str:
    # Pygments escapes what it highlights; its output holds only its own spans. Kept per source text:
    # highlighting costs about a millisecond per block, and pages are viewed far more often than edited.
    return highlight(source, _lexer(language or "plain text"), _FORMATTER)


def file_url(payload: dict[str, Any]) -> str | None:
    kind = payload.get("type")
    inner = payload.get(kind) if kind else None
    return safe_url(inner.get("url")) if isinstance(inner, dict) else None


Child = Callable[[dict[str, Any]], str]


class BlockRenderer:
    """Blocks (as the API renders them) to HTML strings; `children(block)` gives a block's rendered
    children, `tools(block)` its edit controls and `todo_form(block)` a to-do's checkbox."""

    TEXT_TYPES = ("paragraph", "heading_1", "heading_2", "heading_3", "heading_4", "bulleted_list_item",
                  "numbered_list_item", "to_do", "toggle", "quote", "callout")

    def __init__(self, links: Links, children: Child, tools: Callable[[dict[str, Any]], str],
                 todo_form: Callable[[dict[str, Any]], str]) -> None:
        self.links = links
        self.children = children
        self.tools = tools
        self.todo_form = todo_form

    def blocks(self, items: list[dict[str, Any]]) -> str:
        out: list[str] = []
        i = 0
        while i < len(items):
            kind = items[i]["type"]
            if kind in ("bulleted_list_item", "numbered_list_item"):
                tag = "ul" if kind == "bulleted_list_item" else "ol"
                j = i
                while j < len(items) and items[j]["type"] == kind:
                    j += 1
                attrs = ""
                if tag == "ol":
                    first = items[i].get(kind) or {}
                    if first.get("list_format"):
                        attrs = f' class="list-{e(first["list_format"])}"'
                    if isinstance(first.get("list_start_index"), int):
                        attrs += f' start="{int(first["list_start_index"])}"'
                out.append(f"<{tag}{attrs}>{''.join(self.block(b) for b in items[i:j])}</{tag}>")
                i = j
                continue
            out.append(self.block(items[i]))
            i += 1
        return "".join(out)

    def block(self, b: dict[str, Any]) -> str:
        kind = b["type"]
        payload = b.get(kind) or {}
        method = getattr(self, "_" + kind, None)
        color = _color_class(payload.get("color")) if isinstance(payload, dict) else ""
        inner = method(b, payload) if method else self._unsupported(b, payload)
        tag = "li" if kind in ("bulleted_list_item", "numbered_list_item") else "div"
        classes = f"block block-{e(kind)}" + (f" {e(color)}" if color else "")
        bid = e(b["id"])
        return f'<{tag} class="{classes}" id="block-{bid}">{self.tools(b)}{inner}</{tag}>'

    def _kids(self, b: dict[str, Any]) -> str:
        if not b.get("has_children"):
            return ""
        return f'<div class="children">{self.children(b)}</div>'

    def _text(self, payload: dict[str, Any]) -> str:
        return rich_text_str(payload.get("rich_text"), self.links)

    def _paragraph(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return f"<p>{self._text(p)}</p>{self._kids(b)}"

    def _heading(self, b: dict[str, Any], p: dict[str, Any], level: int) -> str:
        # Page titles are h1, so heading_1 renders as h2 and so on.
        tag = f"h{min(level + 1, 6)}"
        head = f'<{tag} class="heading heading-{level}">{self._text(p)}</{tag}>'
        if p.get("is_toggleable"):
            return f'<details class="toggle"><summary>{head}</summary>{self._kids(b)}</details>'
        return head

    def _heading_1(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return self._heading(b, p, 1)

    def _heading_2(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return self._heading(b, p, 2)

    def _heading_3(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return self._heading(b, p, 3)

    def _heading_4(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return self._heading(b, p, 4)

    def _bulleted_list_item(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return f"<span>{self._text(p)}</span>{self._kids(b)}"

    _numbered_list_item = _bulleted_list_item

    def _to_do(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        done = " done" if p.get("checked") else ""
        return (f'<div class="todo{done}">{self.todo_form(b)}<span class="todo-text" id="todo-{e(b["id"])}">'
                f"{self._text(p)}</span></div>{self._kids(b)}")

    def _toggle(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return f'<details class="toggle"><summary>{self._text(p)}</summary>{self._kids(b)}</details>'

    def _quote(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return f"<blockquote>{self._text(p)}{self._kids(b)}</blockquote>"

    def _callout(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        icon = p.get("icon") or {}
        if icon.get("type") == "emoji":
            mark = f'<span class="callout-icon" aria-hidden="true">{e(icon.get("emoji", ""))}</span>'
        elif icon.get("type") in ("external", "file") and file_url(icon):
            mark = f'<img class="callout-icon" alt="" src="{e(file_url(icon))}">'
        else:
            mark = '<span class="callout-icon" aria-hidden="true">💡</span>'
        return (f'<aside class="callout" role="note">{mark}<div class="callout-body">{self._text(p)}{self._kids(b)}'
                "</div></aside>")

    def _code(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        source = "".join(i.get("plain_text", "") for i in p.get("rich_text") or ())
        language = p.get("language") or "plain text"
        caption = rich_text_str(p.get("caption"), self.links)
        return (f'<figure class="code"><figcaption class="code-language">{e(language)}</figcaption>'
                f'<pre class="code-block" tabindex="0"><code>{code_html(source, language)}</code></pre>'
                + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>")

    def _equation(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        expression = e(p.get("expression", ""))
        return f'<div class="equation-block" role="math" aria-label="equation: {expression}"><code>{expression}</code></div>'

    def _divider(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return "<hr>"

    def _table(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return f'<div class="table-wrap">{self.children(b)}</div>'

    def _column_list(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return f'<div class="columns">{self.children(b)}</div>'

    def _column(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        ratio = p.get("width_ratio") if isinstance(p, dict) else None
        # The page's script applies the ratio (inline styles are refused by the content security policy).
        grow = f' data-ratio="{float(ratio):g}"' if isinstance(ratio, (int, float)) else ""
        return f'<div class="column"{grow}>{self._kids(b)}</div>'

    def _media(self, b: dict[str, Any], p: dict[str, Any], label: str) -> str:
        url = file_url(p)
        caption = rich_text_str(p.get("caption"), self.links)
        name = e(p.get("name") or label)
        if url is None:
            body = f'<span class="muted">{name} (no link)</span>'
        elif b["type"] == "image":
            alt = e("".join(i.get("plain_text", "") for i in p.get("caption") or ()) or "image")
            body = f'<img src="{e(url)}" alt="{alt}" loading="lazy">'
        elif b["type"] in ("video", "audio"):
            body = f'<{b["type"]} controls src="{e(url)}"></{b["type"]}><a href="{e(url)}">{name}</a>'
        else:
            body = f'<a class="file-link" href="{e(url)}">📎 {name}</a>'
        return (f'<figure class="media">{body}' + (f"<figcaption>{caption}</figcaption>" if caption else "")
                + "</figure>")

    def _image(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return self._media(b, p, "image")

    def _file(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return self._media(b, p, "file")

    def _pdf(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return self._media(b, p, "PDF")

    def _video(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return self._media(b, p, "video")

    def _audio(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return self._media(b, p, "audio")

    def _bookmark(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        url = p.get("url", "")
        href = safe_url(url)
        caption = rich_text_str(p.get("caption"), self.links)
        link = (f'<a class="bookmark" href="{e(href)}">🔖 {e(url)}</a>' if href
                else f'<span class="bookmark">🔖 {e(url)}</span>')
        return link + (f'<div class="caption">{caption}</div>' if caption else "")

    _embed = _bookmark
    _link_preview = _bookmark

    def _child_page(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return f'<a class="child-link" href="{e(self.links.page(b["id"]))}">📄 {e(p.get("title") or "Untitled")}</a>'

    def _child_database(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return (f'<a class="child-link" href="{e(self.links.database(b["id"]))}">🗂 '
                f'{e(p.get("title") or "Untitled")}</a>')

    def _link_to_page(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        kind = p.get("type")
        if kind == "database_id":
            return f'<a class="child-link" href="{e(self.links.database(p["database_id"]))}">↗ Linked database</a>'
        target = p.get(kind) if kind else None
        return f'<a class="child-link" href="{e(self.links.page(target or ""))}">↗ Linked page</a>'

    def _synced_block(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        label = "Synced from another block" if p.get("synced_from") else "Synced block"
        return (f'<section class="synced" aria-label="{label}"><span class="synced-label">{label}</span>'
                f"{self._kids(b)}</section>")

    def _table_of_contents(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return '<nav class="toc" aria-label="Table of contents" data-toc></nav>'

    def _breadcrumb(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return '<nav class="breadcrumb-block" aria-label="Breadcrumb" data-breadcrumb></nav>'

    def _template(self, b: dict[str, Any], p: dict[str, Any]) -> str:
        return f'<div class="template"><span class="muted">Template button:</span> {self._text(p)}</div>'

    def _unsupported(self, b: dict[str, Any], p: Any) -> str:
        return f'<div class="unsupported muted">Unsupported block ({e(b["type"])})</div>'


def property_value(value: dict[str, Any], links: Links) -> Markup:
    """One page property value as a table cell's content."""
    kind = value.get("type")
    inner = value.get(kind) if kind else None
    if kind in ("title", "rich_text"):
        return rich_text(inner, links)
    if inner is None or inner == [] or inner == "":
        return Markup("")
    if kind in ("select", "status"):
        return _option(inner)
    if kind == "multi_select":
        return Markup(" ").join(_option(o) for o in inner)
    if kind == "checkbox":
        return Markup('<span aria-label="%s">%s</span>') % (("checked", "☑") if inner else ("not checked", "☐"))
    if kind == "number":
        return escape(f"{inner:g}" if isinstance(inner, float) else inner)
    if kind == "date":
        return _date(inner)
    if kind in ("url", "email", "phone_number"):
        href = safe_url(inner) if kind == "url" else (f"mailto:{inner}" if kind == "email" else None)
        return Markup('<a href="%s">%s</a>') % (href, inner) if href else escape(inner)
    if kind == "people":
        return Markup(", ").join(escape(p.get("name") or p.get("id", "")) for p in inner)
    if kind in ("created_by", "last_edited_by"):
        return escape(inner.get("name") or inner.get("id", ""))
    if kind in ("created_time", "last_edited_time"):
        return escape(inner)
    if kind == "files":
        parts = []
        for f in inner:
            url = file_url(f)
            parts.append(Markup('<a href="%s">%s</a>') % (url, f.get("name", "file")) if url else escape(f.get("name", "")))
        return Markup(", ").join(parts)
    if kind == "relation":
        return Markup(", ").join(Markup('<a href="%s">↗</a>') % links.page(r["id"]) for r in inner)
    if kind == "formula":
        ftype = inner.get("type")
        fval = inner.get(ftype)
        if ftype == "date":
            return _date(fval) if fval else Markup("")
        if ftype == "boolean":
            return escape("true" if fval else "false")
        return escape("" if fval is None else fval)
    if kind == "rollup":
        rtype = inner.get("type")
        rval = inner.get(rtype)
        if rtype == "array":
            return Markup(", ").join(property_value(v, links) for v in rval or ())
        if rtype == "date":
            return _date(rval) if rval else Markup("")
        return escape("" if rval is None else rval)
    if kind == "unique_id":
        prefix = inner.get("prefix")
        return escape(f"{prefix}-{inner.get('number')}" if prefix else inner.get("number"))
    if kind == "verification":
        return escape(inner.get("state", ""))
    return escape(str(inner))


def _option(option: dict[str, Any]) -> Markup:
    color = option.get("color") or "default"
    return Markup('<span class="tag tag-%s">%s</span>') % (color if color.isalpha() else "default", option.get("name", ""))


def _date(value: dict[str, Any]) -> Markup:
    text = value.get("start", "")
    if value.get("end"):
        text += " → " + value["end"]
    return Markup("<time>%s</time>") % text
