"""Meeting notes: `POST /v1/blocks/meeting_notes` makes a meeting-notes block from a recording (an audio, video
or file block already on a page, or a completed file upload), and `POST /v1/blocks/meeting_notes/query` finds
the meeting notes the integration can reach, with their own filter grammar:

    {"operator": "and" | "or", "filters": [{"property": "title", "filter": {"operator": "string_contains",
                                            "value": {"type": "exact", "value": "standup"}}}, ...]}

Blockyard does not transcribe: a new meeting note waits at `transcription_not_started` (docs/compatibility.md)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

import sqlalchemy as sa

from .. import errors
from ..access import capabilities as caps
from ..access.grants import access_level
from ..store import nodes as store_nodes
from ..store.schema import nodes
from . import access, rich_text, validate as v

if TYPE_CHECKING:
    from ..context import Ctx
    from ..store.nodes import Node

TYPES = ("meeting_notes", "transcription")  # the stored type of either name
SOURCE_BLOCK_TYPES = ("audio", "video", "file")
LANGUAGES = ("auto", "en", "zh-CN", "zh-TW", "es", "fr", "de", "ja", "ko", "pt", "ru", "th", "vi", "id", "da", "fi",
             "no", "nl", "it", "sv", "ar", "he", "pl")
DEFAULT_TITLE = "Meeting notes"
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_DEPTH = 2
SORTABLE = ("title", "attendees", "created_time", "created_by", "last_edited_time", "last_edited_by")
TEXT_OPERATORS = ("string_is", "string_is_not", "string_contains", "string_does_not_contain", "string_starts_with",
                  "string_ends_with", "is_empty", "is_not_empty")
DATE_OPERATORS = ("date_is", "date_is_before", "date_is_after", "date_is_on_or_before", "date_is_on_or_after",
                  "date_is_within", "is_empty", "is_not_empty")
PERSON_OPERATORS = ("person_contains", "person_does_not_contain", "is_empty", "is_not_empty")
PROPERTIES = {"title": TEXT_OPERATORS, "attendees": PERSON_OPERATORS, "created_by": PERSON_OPERATORS,
              "last_edited_by": PERSON_OPERATORS, "created_time": DATE_OPERATORS, "last_edited_time": DATE_OPERATORS}


# --- create ----------------------------------------------------------------------------------------

def create(ctx: "Ctx", body: dict[str, Any]) -> "Node":
    from .blocks import insert_planned, Planned

    ctx.require(caps.INSERT_CONTENT)
    v.obj(body, "body")
    v.no_extra(body, ("source", "parent", "title", "language", "options"), "body")
    source = v.obj(v.required(body, "source", "body"), "body.source")
    kind = v.enum(v.required(source, "type", "body.source"), "body.source.type", ("file_upload", "block"))
    title = v.string(body.get("title", DEFAULT_TITLE), "body.title", max_len=rich_text.MAX_CONTENT) or DEFAULT_TITLE
    if "language" in body:
        v.enum(body["language"], "body.language", LANGUAGES)
    if "options" in body:
        options = v.obj(body["options"], "body.options")
        v.no_extra(options, ("kickoff_summary",), "body.options")
        if "kickoff_summary" in options:
            v.boolean(options["kickoff_summary"], "body.options.kickoff_summary")
    if kind == "block":
        v.no_extra(source, ("type", "block_id"), "body.source")
        if "parent" in body:
            raise v.fail("body.parent", "not present (a block source places the note beside its block)", body["parent"])
        block = access.load(ctx, v.uuid(v.required(source, "block_id", "body.source"), "body.source.block_id"),
                            "block", kinds=("block",), need="edit")
        if block.type not in SOURCE_BLOCK_TYPES:
            raise v.fail("body.source.block_id", "the ID of an audio, video or file block", source["block_id"])
        access.ensure_editable(block)
        parent = store_nodes.get(ctx.tx, ctx.principal.workspace_id, block.parent_id)  # type: ignore[arg-type]
        assert parent is not None
        keys = store_nodes.keys_for_insert(ctx.tx, parent.id, 1, after_key=block.sort_key)
    else:
        v.no_extra(source, ("type", "file_upload_id"), "body.source")
        upload_id = v.uuid(v.required(source, "file_upload_id", "body.source"), "body.source.file_upload_id")
        parent_body = v.obj(v.required(body, "parent", "body"), "body.parent")
        v.no_extra(parent_body, ("type", "page_id"), "body.parent")
        if parent_body.get("type", "page_id") != "page_id":
            raise v.fail("body.parent.type", '`"page_id"`', parent_body.get("type"))
        parent = access.load(ctx, v.uuid(v.required(parent_body, "page_id", "body.parent"), "body.parent.page_id"),
                             "page", kinds=("page",), need="edit")
        access.ensure_editable(parent, "page")
        recording = _recording(ctx, upload_id)
        keys = store_nodes.keys_for_insert(ctx.tx, parent.id, 1)
    data: dict[str, Any] = {"title": [rich_text.text_item(title)], "status": "transcription_not_started"}
    if kind == "file_upload":
        data["_recording"] = recording
    made = insert_planned(ctx, parent, [Planned("meeting_notes", data, [])], keys)
    node = made[0]
    node.title = title.lower()
    store_nodes.save(ctx.tx, node)
    store_nodes.touch(ctx.tx, parent.id, ctx.principal.user_id)
    return node


def _recording(ctx: "Ctx", upload_id: str) -> dict[str, Any]:
    """A completed audio or video upload of the caller's, kept for good as the note's recording."""
    from ..files import uploads

    return uploads.attach(ctx, upload_id, "body.source.file_upload_id", "recording")


# --- query -----------------------------------------------------------------------------------------

def query(ctx: "Ctx", body: dict[str, Any]) -> dict[str, Any]:
    from .blocks import render_list

    ctx.require(caps.READ_CONTENT)
    v.obj(body, "body")
    v.no_extra(body, ("filter", "sort", "limit"), "body")
    limit = v.integer(body.get("limit", DEFAULT_LIMIT), "body.limit", minimum=1, maximum=MAX_LIMIT)
    match = _filter(body["filter"], "body.filter", 1, ctx) if body.get("filter") is not None else (lambda n: True)
    order = _sorts(body.get("sort"))
    q = sa.select(nodes).where(nodes.c.workspace_id == ctx.principal.workspace_id, nodes.c.kind == "block",
                               nodes.c.type.in_(TYPES), nodes.c.in_trash.is_(False)).order_by(*order)
    found: list[Node] = []
    more = False
    for row in ctx.tx.execute(q):
        node = store_nodes.Node.from_row(row)
        if access_level(ctx.tx, ctx.principal, node.id) is None or not match(node):
            continue
        if len(found) == limit:
            more = True
            break
        found.append(node)
    if any(s.get("property") == "attendees" for s in body.get("sort") or []):
        desc = next(s for s in body["sort"] if s.get("property") == "attendees")["direction"] == "descending"
        found.sort(key=lambda n: len(_attendees(n)), reverse=desc)
    return {"results": render_list(ctx, found), "has_more": more}


def _sorts(value: Any) -> list[Any]:
    order: list[Any] = []
    if value is None:
        return [nodes.c.created_time.desc(), nodes.c.id]
    for i, s in enumerate(v.array(value, "body.sort")):
        path = f"body.sort[{i}]"
        v.obj(s, path)
        v.no_extra(s, ("property", "direction"), path)
        prop = v.enum(v.required(s, "property", path), f"{path}.property", SORTABLE)
        direction = v.enum(v.required(s, "direction", path), f"{path}.direction", ("ascending", "descending"))
        column = {"title": nodes.c.title}.get(prop, nodes.c[prop] if prop in nodes.c else None)
        if column is not None:
            order.append(column.desc() if direction == "descending" else column.asc())
    return order + [nodes.c.id]


def _filter(value: Any, path: str, depth: int, ctx: "Ctx") -> Callable[["Node"], bool]:
    f = v.obj(value, path)
    if "operator" in f and "property" not in f:
        v.no_extra(f, ("operator", "filters"), path)
        op = v.enum(f["operator"], f"{path}.operator", ("and", "or"))
        if depth > MAX_DEPTH:
            raise errors.validation(f"body failed validation: {path} nests filters deeper than {MAX_DEPTH} levels.")
        parts = [_filter(item, f"{path}.filters[{i}]", depth + 1, ctx)
                 for i, item in enumerate(v.array(f.get("filters", []), f"{path}.filters"))]
        if op == "and":
            return lambda n: all(p(n) for p in parts)
        return lambda n: any(p(n) for p in parts)
    v.no_extra(f, ("property", "filter"), path)
    prop = v.enum(v.required(f, "property", path), f"{path}.property", PROPERTIES)
    cond = v.obj(v.required(f, "filter", path), f"{path}.filter")
    v.no_extra(cond, ("operator", "value"), f"{path}.filter")
    op = v.enum(v.required(cond, "operator", f"{path}.filter"), f"{path}.filter.operator", PROPERTIES[prop])
    get = _getter(prop)
    if op in ("is_empty", "is_not_empty"):
        return (lambda n: not get(n)) if op == "is_empty" else (lambda n: bool(get(n)))
    value = v.required(cond, "value", f"{path}.filter")
    vpath = f"{path}.filter.value"
    if prop == "title":
        wanted = _exact_text(value, vpath).lower()
        test = {
            "string_is": lambda t: t == wanted, "string_is_not": lambda t: t != wanted,
            "string_contains": lambda t: wanted in t, "string_does_not_contain": lambda t: wanted not in t,
            "string_starts_with": lambda t: t.startswith(wanted), "string_ends_with": lambda t: t.endswith(wanted),
        }[op]
        return lambda n: test(get(n).lower())
    if prop in ("attendees", "created_by", "last_edited_by"):
        people = _people(value, vpath, ctx)
        if op == "person_contains":
            return lambda n: bool(set(_as_list(get(n))) & people)
        return lambda n: not set(_as_list(get(n))) & people
    start, end = _span(value, vpath, ctx.now)
    tests = {
        "date_is": lambda t: start <= t < end, "date_is_within": lambda t: start <= t < end,
        "date_is_before": lambda t: t < start, "date_is_after": lambda t: t >= end,
        "date_is_on_or_before": lambda t: t < end, "date_is_on_or_after": lambda t: t >= start,
    }
    test = tests[op]
    return lambda n: test(get(n))


def _getter(prop: str) -> Callable[["Node"], Any]:
    if prop == "title":
        return lambda n: rich_text.plain_text(n.data.get("title") or [])
    if prop == "attendees":
        return _attendees
    return lambda n: getattr(n, prop)


def _attendees(node: "Node") -> list[str]:
    return list((node.data.get("calendar_event") or {}).get("attendees") or [])


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _exact_text(value: Any, path: str) -> str:
    body = v.obj(value, path)
    if body.get("type") != "exact":
        raise v.fail(f"{path}.type", '`"exact"`', body.get("type"))
    return v.string(v.required(body, "value", path), f"{path}.value")


def _people(value: Any, path: str, ctx: "Ctx") -> set[str]:
    out = set()
    for i, item in enumerate(v.array(value, path)):
        body = v.obj(item, f"{path}[{i}]")
        ref = v.obj(v.required(body, "value", f"{path}[{i}]"), f"{path}[{i}].value")
        if ref.get("table") != "notion_user":
            raise v.fail(f"{path}[{i}].value.table", '`"notion_user"`', ref.get("table"))
        uid = v.required(ref, "id", f"{path}[{i}].value")
        out.add(ctx.principal.user_id if uid == "me" else v.uuid(uid, f"{path}[{i}].value.id"))
    return out


_UNITS = {"day": 1, "week": 7, "month": 30, "year": 365}


def _span(value: Any, path: str, now_ms: int) -> tuple[int, int]:
    """[start, end) in ms of a date operand: an exact date or datetime, an exact range, or a relative one
    (`today`, `yesterday`, `tomorrow`, or `direction` + `unit` + `count` from today)."""
    body = v.obj(value, path)
    kind = v.enum(v.required(body, "type", path), f"{path}.type", ("exact", "relative"))
    inner = v.required(body, "value", path)
    today = datetime.fromtimestamp(now_ms / 1000, timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    day = timedelta(days=1)
    if kind == "relative":
        if isinstance(inner, str):
            offsets = {"today": 0, "yesterday": -1, "tomorrow": 1}
            if inner not in offsets:
                raise v.fail(f"{path}.value", '`"today"`, `"yesterday"` or `"tomorrow"`', inner)
            start = today + offsets[inner] * day
            return _ms(start), _ms(start + day)
        unit = v.enum(body.get("unit", "day"), f"{path}.unit", _UNITS)
        count = v.integer(body.get("count", 1), f"{path}.count", minimum=0)
        span = _UNITS[unit] * count * day
        if v.enum(body.get("direction", "past"), f"{path}.direction", ("past", "future")) == "past":
            return _ms(today + day - span), _ms(today + day)
        return _ms(today), _ms(today + span)
    if isinstance(inner, str):
        return _day_of(inner, f"{path}.value")
    inner = v.obj(inner, f"{path}.value")
    start, end = _day_of(v.required(inner, "start_date", f"{path}.value"), f"{path}.value.start_date")
    if inner.get("type") == "daterange" and inner.get("end_date"):
        end = _day_of(inner["end_date"], f"{path}.value.end_date")[1]
    return start, end


def _day_of(text: Any, path: str) -> tuple[int, int]:
    try:
        day = datetime.fromisoformat(v.string(text, path)[:10]).replace(tzinfo=timezone.utc)
    except ValueError:
        raise v.fail(path, "a date (YYYY-MM-DD)", text) from None
    return _ms(day), _ms(day + timedelta(days=1))


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
