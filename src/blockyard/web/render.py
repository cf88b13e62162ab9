"""API objects rendered as HTML: rich text, every block type, and property values.

Everything user-supplied goes through `escape`; links keep only http(s), mailto and same-site URLs."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from markupsafe import Markup, escape
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
    out = []
    for item in items or ():
        text = escape(item.get("plain_text", ""))
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
                text = Markup('<span class="mention">') + text + Markup("</span>")
            elif mtype == "database":
                href = links.database(mention["database"]["id"])
                text = Markup('<span class="mention">') + text + Markup("</span>")
            elif mtype == "user":
                text = Markup('<span class="mention mention-user">') + text + Markup("</span>")
            elif mtype == "date":
                text = Markup('<time class="mention mention-date">') + text + Markup("</time>")
            elif mtype in ("link_preview", "link_mention"):
                href = safe_url((mention.get(mtype) or {}).get("url"))
            else:
                text = Markup('<span class="mention">') + text + Markup("</span>")
        elif kind == "equation":
            expression = (item.get("equation") or {}).get("expression", "")
            text = Markup('<code class="equation" role="math" aria-label="equation: %s">%s</code>') % (
                expression, expression)
        ann = item.get("annotations") or {}
        if ann.get("code"):
            text = Markup("<code>") + text + Markup("</code>")
        if ann.get("bold"):
            text = Markup("<strong>") + text + Markup("</strong>")
        if ann.get("italic"):
            text = Markup("<em>") + text + Markup("</em>")
        if ann.get("strikethrough"):
            text = Markup("<s>") + text + Markup("</s>")
        if ann.get("underline"):
            text = Markup('<span class="underline">') + text + Markup("</span>")
        color = _color_class(ann.get("color"))
        if color:
            text = Markup('<span class="%s">') % color + text + Markup("</span>")
        if href is None and kind == "text" and item.get("href"):
            href = safe_url(item.get("href"))
        if href:
            text = Markup('<a href="%s">') % href + text + Markup("</a>")
        out.append(text)
    return Markup("").join(out)


@lru_cache(maxsize=128)
def _lexer(language: str):  # type: ignore[no-untyped-def]
    name = _LEXER_NAMES.get(language, language)
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return get_lexer_by_name("text")


def code_html(source: str, language: str) -> Markup:
    # Pygments escapes what it highlights; its output holds only its own spans.
    return Markup(highlight(source, _lexer(language or "plain text"), _FORMATTER))


def file_url(payload: dict[str, Any]) -> str | None:
    kind = payload.get("type")
    inner = payload.get(kind) if kind else None
    return safe_url(inner.get("url")) if isinstance(inner, dict) else None


Child = Callable[[dict[str, Any]], Markup]


class BlockRenderer:
    """Blocks (as the API renders them) to HTML; `children(block)` gives a block's rendered children."""

    TEXT_TYPES = ("paragraph", "heading_1", "heading_2", "heading_3", "heading_4", "bulleted_list_item",
                  "numbered_list_item", "to_do", "toggle", "quote", "callout")

    def __init__(self, links: Links, children: Child, tools: Callable[[dict[str, Any]], Markup],
                 todo_form: Callable[[dict[str, Any]], Markup]) -> None:
        self.links = links
        self.children = children
        self.tools = tools
        self.todo_form = todo_form

    def blocks(self, items: list[dict[str, Any]]) -> Markup:
        out: list[Markup] = []
        i = 0
        while i < len(items):
            kind = items[i]["type"]
            if kind in ("bulleted_list_item", "numbered_list_item"):
                tag = "ul" if kind == "bulleted_list_item" else "ol"
                j = i
                while j < len(items) and items[j]["type"] == kind:
                    j += 1
                start = ""
                if tag == "ol":
                    first = items[i].get(kind, {})
                    fmt = first.get("list_format")
                    start = f' class="list-{escape(fmt)}"' if fmt else ""
                    if first.get("list_start_index"):
                        start += f' start="{int(first["list_start_index"])}"'
                out.append(Markup(f"<{tag}{start}>") + Markup("").join(self.block(b) for b in items[i:j])
                           + Markup(f"</{tag}>"))
                i = j
                continue
            out.append(self.block(items[i]))
            i += 1
        return Markup("").join(out)

    def block(self, b: dict[str, Any]) -> Markup:
        kind = b["type"]
        payload = b.get(kind) or {}
        method = getattr(self, "_" + kind, None)
        color = _color_class(payload.get("color")) if isinstance(payload, dict) else ""
        inner = method(b, payload) if method else self._unsupported(b, payload)
        tag = "li" if kind in ("bulleted_list_item", "numbered_list_item") else "div"
        classes = f"block block-{kind}" + (f" {color}" if color else "")
        return (Markup('<%s class="%s" id="block-%s" data-block-id="%s">') % (tag, classes, b["id"], b["id"])
                + self.tools(b) + inner + Markup(f"</{tag}>"))

    def _kids(self, b: dict[str, Any]) -> Markup:
        if not b.get("has_children"):
            return Markup("")
        return Markup('<div class="children">') + self.children(b) + Markup("</div>")

    def _text(self, payload: dict[str, Any]) -> Markup:
        return rich_text(payload.get("rich_text"), self.links)

    def _paragraph(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup("<p>") + self._text(p) + Markup("</p>") + self._kids(b)

    def _heading(self, b: dict[str, Any], p: dict[str, Any], level: int) -> Markup:
        # Page titles are h1, so heading_1 renders as h2 and so on.
        tag = f"h{min(level + 1, 6)}"
        head = Markup(f'<{tag} class="heading heading-{level}">') + self._text(p) + Markup(f"</{tag}>")
        if p.get("is_toggleable"):
            return (Markup('<details class="toggle"><summary>') + head + Markup("</summary>")
                    + self._kids(b) + Markup("</details>"))
        return head

    def _heading_1(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return self._heading(b, p, 1)

    def _heading_2(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return self._heading(b, p, 2)

    def _heading_3(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return self._heading(b, p, 3)

    def _heading_4(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return self._heading(b, p, 4)

    def _bulleted_list_item(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup("<span>") + self._text(p) + Markup("</span>") + self._kids(b)

    _numbered_list_item = _bulleted_list_item

    def _to_do(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        done = " done" if p.get("checked") else ""
        return (Markup('<div class="todo%s">') % done + self.todo_form(b)
                + Markup('<span class="todo-text" id="todo-%s">') % b["id"] + self._text(p) + Markup("</span></div>")
                + self._kids(b))

    def _toggle(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return (Markup('<details class="toggle"><summary>') + self._text(p) + Markup("</summary>")
                + self._kids(b) + Markup("</details>"))

    def _quote(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup("<blockquote>") + self._text(p) + self._kids(b) + Markup("</blockquote>")

    def _callout(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        icon = p.get("icon") or {}
        if icon.get("type") == "emoji":
            mark = Markup('<span class="callout-icon" aria-hidden="true">%s</span>') % icon.get("emoji", "")
        elif icon.get("type") in ("external", "file") and file_url(icon):
            mark = Markup('<img class="callout-icon" alt="" src="%s">') % file_url(icon)
        else:
            mark = Markup('<span class="callout-icon" aria-hidden="true">💡</span>')
        return (Markup('<aside class="callout" role="note">') + mark + Markup('<div class="callout-body">')
                + self._text(p) + self._kids(b) + Markup("</div></aside>"))

    def _code(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        source = "".join(i.get("plain_text", "") for i in p.get("rich_text") or ())
        language = p.get("language") or "plain text"
        caption = rich_text(p.get("caption"), self.links)
        return (Markup('<figure class="code"><figcaption class="code-language">%s</figcaption>'
                       '<pre class="code-block" tabindex="0"><code>') % language
                + code_html(source, language) + Markup("</code></pre>")
                + (Markup('<figcaption>') + caption + Markup("</figcaption>") if caption else Markup(""))
                + Markup("</figure>"))

    def _equation(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        expression = p.get("expression", "")
        return Markup('<div class="equation-block" role="math" aria-label="equation: %s"><code>%s</code></div>') % (
            expression, expression)

    def _divider(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup("<hr>")

    def _table(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup('<div class="table-wrap">') + self.children(b) + Markup("</div>")

    def _column_list(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup('<div class="columns">') + self.children(b) + Markup("</div>")

    def _column(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        ratio = p.get("width_ratio") if isinstance(p, dict) else None
        style = f' data-ratio="{float(ratio):g}"' if isinstance(ratio, (int, float)) else ""
        return Markup(f'<div class="column"{style}>') + self._kids(b) + Markup("</div>")

    def _media(self, b: dict[str, Any], p: dict[str, Any], label: str) -> Markup:
        url = file_url(p)
        caption = rich_text(p.get("caption"), self.links)
        name = p.get("name") or label
        if url is None:
            body = Markup('<span class="muted">%s (no link)</span>') % name
        elif b["type"] == "image":
            alt = "".join(i.get("plain_text", "") for i in p.get("caption") or ()) or "image"
            body = Markup('<img src="%s" alt="%s" loading="lazy">') % (url, alt)
        elif b["type"] == "video":
            body = Markup('<video controls src="%s"></video><a href="%s">%s</a>') % (url, url, name)
        elif b["type"] == "audio":
            body = Markup('<audio controls src="%s"></audio><a href="%s">%s</a>') % (url, url, name)
        else:
            body = Markup('<a class="file-link" href="%s">📎 %s</a>') % (url, name)
        return (Markup('<figure class="media">') + body
                + (Markup("<figcaption>") + caption + Markup("</figcaption>") if caption else Markup(""))
                + Markup("</figure>"))

    def _image(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return self._media(b, p, "image")

    def _file(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return self._media(b, p, "file")

    def _pdf(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return self._media(b, p, "PDF")

    def _video(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return self._media(b, p, "video")

    def _audio(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return self._media(b, p, "audio")

    def _bookmark(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        url = p.get("url", "")
        href = safe_url(url)
        caption = rich_text(p.get("caption"), self.links)
        link = (Markup('<a class="bookmark" href="%s">🔖 %s</a>') % (href, url) if href
                else Markup('<span class="bookmark">🔖 %s</span>') % url)
        return link + (Markup('<div class="caption">') + caption + Markup("</div>") if caption else Markup(""))

    _embed = _bookmark
    _link_preview = _bookmark

    def _child_page(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup('<a class="child-link" href="%s">📄 %s</a>') % (
            self.links.page(b["id"]), p.get("title") or "Untitled")

    def _child_database(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup('<a class="child-link" href="%s">🗂 %s</a>') % (
            self.links.database(b["id"]), p.get("title") or "Untitled")

    def _link_to_page(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        kind = p.get("type")
        if kind == "database_id":
            return Markup('<a class="child-link" href="%s">↗ database</a>') % self.links.database(p["database_id"])
        target = p.get(kind) if kind else None
        return Markup('<a class="child-link" href="%s">↗ page</a>') % self.links.page(target or "")

    def _synced_block(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        source = p.get("synced_from")
        label = "Synced from another block" if source else "Synced block"
        return (Markup('<section class="synced" aria-label="%s"><span class="synced-label">%s</span>') % (label, label)
                + self._kids(b) + Markup("</section>"))

    def _table_of_contents(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup('<nav class="toc" aria-label="Table of contents" data-toc></nav>')

    def _breadcrumb(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup('<nav class="breadcrumb-block" aria-label="Breadcrumb" data-breadcrumb></nav>')

    def _template(self, b: dict[str, Any], p: dict[str, Any]) -> Markup:
        return Markup('<div class="template"><span class="muted">Template button:</span> ') + self._text(p) + Markup("</div>")

    def _unsupported(self, b: dict[str, Any], p: Any) -> Markup:
        return Markup('<div class="unsupported muted">Unsupported block (%s)</div>') % b["type"]


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
