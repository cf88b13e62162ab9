"""Rich text: request items validated and completed into the response form Notion returns
(annotations filled in, `plain_text` and `href` computed by the server)."""

from __future__ import annotations

from typing import Any, Callable

from .. import errors
from . import validate as v

MAX_CONTENT = 2000
MAX_URL = 2000
MAX_EXPRESSION = 1000
MAX_ITEMS = 100

ANNOTATION_KEYS = ("bold", "italic", "strikethrough", "underline", "code")
TEMPLATE_DATES = ("today", "now")
TEMPLATE_USERS = ("me",)
# Mentions Notion makes itself (pasted links); the API returns them but cannot create them.
READ_ONLY_MENTIONS = ("link_preview", "link_mention")


def default_annotations() -> dict[str, Any]:
    return {"bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False, "color": "default"}


class Resolver:
    """What rich text needs from the workspace: names of mentioned users and pages.
    The default knows nothing and lets every mention through with generic text."""

    def user_name(self, user_id: str) -> str | None:
        return None

    def page_title(self, page_id: str) -> str | None:
        return None

    def database_title(self, database_id: str) -> str | None:
        return None

    def user_exists(self, user_id: str) -> bool:
        return True

    def page_url(self, page_id: str) -> str:
        return "https://www.notion.so/" + page_id.replace("-", "")


def text_item(content: str, link: str | None = None) -> dict[str, Any]:
    return {
        "type": "text",
        "text": {"content": content, "link": {"url": link} if link else None},
        "annotations": default_annotations(),
        "plain_text": content,
        "href": link,
    }


def parse(value: Any, path: str, resolver: Resolver | None = None, *, max_items: int = MAX_ITEMS) -> list[dict[str, Any]]:
    items = v.array(value, path, max_items=max_items)
    resolver = resolver or Resolver()
    return merge_runs([parse_item(item, f"{path}[{i}]", resolver) for i, item in enumerate(items)])


def merge_runs(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adjacent text items with the same annotations and link become one, as Notion stores text as runs
    of one format (a code block sent as 2000 + 1 characters comes back as one item of 2001)."""
    out: list[dict[str, Any]] = []
    for item in items:
        prev = out[-1] if out else None
        if (prev is not None and prev["type"] == "text" and item["type"] == "text"
                and prev["annotations"] == item["annotations"] and prev["href"] == item["href"]):
            content = prev["text"]["content"] + item["text"]["content"]
            out[-1] = {**prev, "text": {**prev["text"], "content": content}, "plain_text": content}
        else:
            out.append(item)
    return out


def parse_item(item: Any, path: str, resolver: Resolver) -> dict[str, Any]:
    v.obj(item, path)
    kind = item.get("type")
    if kind is None:
        for candidate in ("text", "mention", "equation"):
            if candidate in item:
                kind = candidate
                break
        else:
            raise errors.body_invalid_any(
                [(f"{path}.text", "defined", errors.UNDEFINED), (f"{path}.mention", "defined", errors.UNDEFINED),
                 (f"{path}.equation", "defined", errors.UNDEFINED)]
            )
    v.enum(kind, f"{path}.type", ("text", "mention", "equation"))
    v.no_extra(item, ("type", "text", "mention", "equation", "annotations", "plain_text", "href"), path)
    annotations = _annotations(item.get("annotations"), f"{path}.annotations")
    body = v.required(item, kind, path)
    if kind == "text":
        content, link = _text(body, f"{path}.text")
        return {
            "type": "text",
            "text": {"content": content, "link": {"url": link} if link is not None else None},
            "annotations": annotations,
            "plain_text": content,
            "href": link,
        }
    if kind == "equation":
        v.obj(body, f"{path}.equation")
        expression = v.string(v.required(body, "expression", f"{path}.equation"), f"{path}.equation.expression", max_len=MAX_EXPRESSION)
        return {"type": "equation", "equation": {"expression": expression}, "annotations": annotations,
                "plain_text": expression, "href": None}
    mention, plain, href = _mention(body, f"{path}.mention", resolver)
    return {"type": "mention", "mention": mention, "annotations": annotations, "plain_text": plain, "href": href}


def _annotations(value: Any, path: str) -> dict[str, Any]:
    out = default_annotations()
    if value is None:
        return out
    v.obj(value, path)
    v.no_extra(value, (*ANNOTATION_KEYS, "color"), path)
    for key in ANNOTATION_KEYS:
        if key in value:
            out[key] = v.boolean(value[key], f"{path}.{key}")
    if "color" in value:
        out["color"] = v.enum(value["color"], f"{path}.color", v.COLORS)
    return out


def _text(body: Any, path: str) -> tuple[str, str | None]:
    v.obj(body, path)
    v.no_extra(body, ("content", "link"), path)
    content = v.string(v.required(body, "content", path), f"{path}.content", max_len=MAX_CONTENT)
    link = body.get("link")
    url = None
    if link is not None:
        v.obj(link, f"{path}.link")
        url = v.string(v.required(link, "url", f"{path}.link"), f"{path}.link.url", max_len=MAX_URL)
    return content, url


def _mention(body: Any, path: str, resolver: Resolver) -> tuple[dict[str, Any], str, str | None]:
    v.obj(body, path)
    kinds = ("user", "page", "database", "date", "template_mention", "custom_emoji")
    kind = body.get("type")
    if kind is None:
        kind = next((k for k in (*kinds, *READ_ONLY_MENTIONS) if k in body), None)
        if kind is None:
            raise errors.body_invalid_any([(f"{path}.{k}", "defined", errors.UNDEFINED) for k in kinds])
    if kind in READ_ONLY_MENTIONS:
        raise errors.validation(
            f"body failed validation: {path}.type should be a mention type that can be created, instead was `\"{kind}\"`."
        )
    v.enum(kind, f"{path}.type", kinds)
    v.no_extra(body, ("type", kind), path)
    payload = v.required(body, kind, path)
    sub = f"{path}.{kind}"
    handler: Callable[[Any, str, Resolver], tuple[Any, str, str | None]] = _MENTIONS[kind]
    value, plain, href = handler(payload, sub, resolver)
    return {"type": kind, kind: value}, plain, href


def _user(payload: Any, path: str, resolver: Resolver) -> tuple[Any, str, str | None]:
    v.obj(payload, path)
    uid = v.uuid(v.required(payload, "id", path), f"{path}.id")
    if not resolver.user_exists(uid):
        raise errors.validation(f"body failed validation: {path}.id should be a user in this workspace, instead was `\"{uid}\"`.")
    name = resolver.user_name(uid)
    return {"object": "user", "id": uid}, "@" + (name or "Anonymous"), None


def _page(payload: Any, path: str, resolver: Resolver) -> tuple[Any, str, str | None]:
    v.obj(payload, path)
    pid = v.uuid(v.required(payload, "id", path), f"{path}.id")
    title = resolver.page_title(pid)
    return {"id": pid}, title if title is not None else "Untitled", resolver.page_url(pid)


def _database(payload: Any, path: str, resolver: Resolver) -> tuple[Any, str, str | None]:
    v.obj(payload, path)
    did = v.uuid(v.required(payload, "id", path), f"{path}.id")
    title = resolver.database_title(did)
    return {"id": did}, title if title is not None else "Untitled", resolver.page_url(did)


def _date(payload: Any, path: str, resolver: Resolver) -> tuple[Any, str, str | None]:
    value = parse_date(payload, path)
    # A mention keeps its instant, not its zone: datetimes come back with their offset and no time_zone.
    tz = value["time_zone"]
    value = {"start": _instant(value["start"], tz), "end": _instant(value["end"], tz) if value["end"] else None,
             "time_zone": None}
    plain = value["start"] if value["end"] is None else f"{value['start']} → {value['end']}"
    return value, plain, None


def _instant(text: str, tz: str | None, *, minute: bool = False) -> str:
    """`2022-01-01T00:00:00` in `UTC` -> `2022-01-01T00:00:00.000+00:00`; dates stay dates."""
    import zoneinfo
    from datetime import datetime, timezone

    if len(text) == 10:
        return text
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    zone = zoneinfo.ZoneInfo(tz) if tz else timezone.utc
    dt = dt.replace(tzinfo=zone) if dt.tzinfo is None else dt.astimezone(zone) if tz else dt
    if minute:
        dt = dt.replace(second=0, microsecond=0)
    out = dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}"
    offset = dt.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return out + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _template(payload: Any, path: str, resolver: Resolver) -> tuple[Any, str, str | None]:
    v.obj(payload, path)
    kind = payload.get("type") or next(
        (k for k in ("template_mention_date", "template_mention_user") if k in payload), None
    )
    v.enum(kind, f"{path}.type", ("template_mention_date", "template_mention_user"))
    if kind == "template_mention_date":
        value = v.enum(v.required(payload, kind, path), f"{path}.{kind}", TEMPLATE_DATES)
        plain = "@Today" if value == "today" else "@Now"
    else:
        value = v.enum(v.required(payload, kind, path), f"{path}.{kind}", TEMPLATE_USERS)
        plain = "@Me"
    return {"type": kind, kind: value}, plain, None


def _custom_emoji(payload: Any, path: str, resolver: Resolver) -> tuple[Any, str, str | None]:
    v.obj(payload, path)
    eid = v.uuid(v.required(payload, "id", path), f"{path}.id")
    name = payload.get("name") or ""
    return {"id": eid, "name": name, "url": payload.get("url") or ""}, f":{name}:", None


_MENTIONS = {
    "user": _user,
    "page": _page,
    "database": _database,
    "date": _date,
    "template_mention": _template,
    "custom_emoji": _custom_emoji,
}


def parse_date(payload: Any, path: str) -> dict[str, Any]:
    """`{start, end?, time_zone?}` as Notion keeps it: ISO strings as given, null where absent."""
    from ..clock import parse_iso

    v.obj(payload, path)
    v.no_extra(payload, ("start", "end", "time_zone"), path)
    start = v.string(v.required(payload, "start", path), f"{path}.start")
    end = payload.get("end")
    tz = payload.get("time_zone")
    for key, value in (("start", start), ("end", end)):
        if value is None:
            continue
        v.string(value, f"{path}.{key}")
        try:
            parse_iso(value)
        except ValueError:
            raise v.fail(f"{path}.{key}", "a valid ISO 8601 date string", value) from None
    if tz is not None:
        v.string(tz, f"{path}.time_zone")
        _check_time_zone(tz, f"{path}.time_zone")
    return {"start": start, "end": end, "time_zone": tz}


def zoned_date(value: dict[str, Any]) -> dict[str, Any]:
    """A date property value as Notion stores it: a datetime given with a `time_zone` becomes its instant in
    that zone, to the minute, with the zone's offset (`2024-06-27T17:57:32` in Europe/London ->
    `2024-06-27T17:57:00.000+01:00`), and `time_zone` comes back null. Other values stay as given."""
    tz = value.get("time_zone")
    if not tz or len(value["start"]) == 10:
        return value
    start = _instant(value["start"], tz, minute=True)
    end = value.get("end")
    if end is not None:
        end = end if len(end) == 10 else _instant(end, tz, minute=True)
    return {"start": start, "end": end, "time_zone": None}


def _check_time_zone(name: str, path: str) -> None:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise v.fail(path, "a valid IANA time zone", name) from None


def plain_text(items: list[dict[str, Any]]) -> str:
    return "".join(i.get("plain_text", "") for i in items)


def shared_plain_text(items: list[dict[str, Any]]) -> str:
    """The plain text every reader may see: what child_page blocks, URLs and the search index use for a
    title. A mentioned page or database reads "Untitled" and a mentioned user "@Anonymous", since its
    title or name may be hidden from some reader (rendered rich text shows each reader its own view)."""
    out = []
    for i in items:
        mention = i.get("mention") if i.get("type") == "mention" else None
        kind = mention.get("type") if isinstance(mention, dict) else None
        if kind in ("page", "database"):
            out.append("Untitled")
        elif kind == "user":
            out.append("@Anonymous")
        else:
            out.append(i.get("plain_text", ""))
    return "".join(out)


# --- rendering -----------------------------------------------------------------------------------

READER_MENTIONS = ("user", "page", "database")  # mentions whose text depends on who reads them


def has_reader_mention(value: Any) -> bool:
    """Whether a stored payload holds, anywhere in its rich text, a mention that renders for its reader."""
    if isinstance(value, dict):
        mention = value.get("mention")
        if value.get("type") == "mention" and isinstance(mention, dict) and mention.get("type") in READER_MENTIONS:
            return True
        return any(has_reader_mention(x) for x in value.values())
    if isinstance(value, list):
        return any(has_reader_mention(x) for x in value)
    return False


has_user_mention = has_reader_mention  # older name


def render_mentions(ctx: Any, value: Any, *, prefetched: bool = False) -> Any:
    """A copy of a stored payload whose mentions show what the caller may see: users as its user
    capability allows (no name without it), and pages and databases by title only when it can reach
    them ("Untitled" otherwise, as for a page that does not exist)."""
    from ..access import visibility

    if not prefetched:
        visibility.prefetch_mentions(ctx, (value,))
    return _render_mentions(ctx, value, visibility.sees_users(ctx))


def _render_mentions(ctx: Any, value: Any, sees_users: bool) -> Any:
    from ..access import visibility
    from . import users

    if isinstance(value, list):
        return [_render_mentions(ctx, x, sees_users) for x in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("type")
    if kind in ("text", "equation") and "plain_text" in value:
        return value  # a rich text item without a mention
    mention = value.get("mention")
    if kind == "mention" and isinstance(mention, dict):
        kind = mention.get("type")
        if kind == "user":
            row = users.get_row(ctx, mention["user"]["id"])
            user = users.render(ctx, row) if row is not None else mention["user"]
            out = {**value, "mention": {"type": "user", "user": user}}
            if not sees_users:
                out["plain_text"] = visibility.ANONYMOUS
            elif row is not None and row.name:
                out["plain_text"] = "@" + row.name  # also where a reader without user information stored it
            return out
        if kind in ("page", "database") and isinstance(mention.get(kind), dict):
            if not visibility.can_read(ctx, mention[kind].get("id")):
                return {**value, "plain_text": visibility.UNTITLED}
        return value
    return {k: _render_mentions(ctx, x, sees_users) for k, x in value.items()}


render_user_mentions = render_mentions  # older name
