"""Runtime values of the formula language, and conversion to and from the API.

    number   float            text    str              boolean  bool
    date     DateValue        person  Person           page     Page
    list     list             empty   EMPTY

`from_property` turns a page's API property value into a formula value (computed.md §1.2
"Converting database properties"); `to_api_result` turns a formula result into the API formula
value ({"type": "number", "number": 4}) given the static result type (§1.8).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import dates, jsnum
from .dates import DateValue


class _Empty:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "EMPTY"

    def __bool__(self) -> bool:
        return False


EMPTY = _Empty()


@dataclass(frozen=True)
class Person:
    id: str
    name: str | None = None
    email: str | None = None
    kind: str = "person"          # "person", "bot" or "group"


@dataclass(frozen=True, eq=False)
class Page:
    id: str
    row: Any = field(default=None, repr=False)   # Row of the page, when it can be read

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Page) and _plain_id(other.id) == _plain_id(self.id)

    def __hash__(self) -> int:
        return hash(_plain_id(self.id))


def _plain_id(uuid: str) -> str:
    return str(uuid).replace("-", "").lower()


def plain_id(uuid: str) -> str:
    return _plain_id(uuid)


# -- classification -------------------------------------------------------------------------

def type_name(v: Any) -> str:
    if v is EMPTY:
        return "empty"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, DateValue):
        return "date"
    if isinstance(v, Person):
        return "person"
    if isinstance(v, Page):
        return "page"
    if isinstance(v, list):
        return "list"
    return "unknown"


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def truthy(v: Any) -> bool:
    """Empty values are 0, "", false, [] and blank; everything else is true."""
    if v is EMPTY or v is None:
        return False
    if isinstance(v, bool):
        return v
    if is_number(v):
        return v != 0 and not math.isnan(v)
    if isinstance(v, (str, list)):
        return len(v) > 0
    return True


def is_empty(v: Any) -> bool:
    return not truthy(v)


def equal(a: Any, b: Any) -> bool:
    """Deep equality without type coercion. A blank value equals "" and []."""
    if a is EMPTY or b is EMPTY:
        other = b if a is EMPTY else a
        return other is EMPTY or other == "" or other == []
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return float(a) == float(b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, DateValue) and isinstance(b, DateValue):
        return (dates.instant(a.start) == dates.instant(b.start)
                and (a.end is None) == (b.end is None)
                and (a.end is None or dates.instant(a.end) == dates.instant(b.end)))
    if isinstance(a, Person) and isinstance(b, Person):
        return _plain_id(a.id) == _plain_id(b.id)
    if isinstance(a, Page) and isinstance(b, Page):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    return False


# -- formatting (format()) ------------------------------------------------------------------

def page_title(page: Page) -> str:
    if page.row is None:
        return ""
    try:
        value = page.row.value("title")
    except Exception:  # noqa: BLE001 - a row that cannot read its title shows nothing
        return ""
    return rich_text_plain((value or {}).get("title"))


def format_value(v: Any) -> str:
    """format(x): the text Notion shows for a value."""
    if v is EMPTY or v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if is_number(v):
        return jsnum.to_js_string(float(v))
    if isinstance(v, str):
        return v
    if isinstance(v, DateValue):
        return dates.default_format(v)
    if isinstance(v, Person):
        return v.name or ""
    if isinstance(v, Page):
        return page_title(v)
    if isinstance(v, list):
        return ",".join(format_value(x) for x in v)
    return str(v)


# -- API property value -> formula value ----------------------------------------------------

def rich_text_plain(items: Any) -> str:
    if not items:
        return ""
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        mention = item.get("mention") if item.get("type") == "mention" else None
        kind = mention.get("type") if isinstance(mention, dict) else None
        if kind in ("page", "database", "user"):
            # Stored values are read by everyone: a mention counts as every reader may see it
            # (the rule of domain/rich_text.shared_plain_text).
            out.append("@Anonymous" if kind == "user" else "Untitled")
        elif "plain_text" in item:
            out.append(item.get("plain_text") or "")
        elif item.get("type") == "text":
            out.append((item.get("text") or {}).get("content") or "")
        elif isinstance(item.get("text"), dict):
            out.append(item["text"].get("content") or "")
    return "".join(out)


def person_from_api(user: dict | None) -> Person | None:
    if not isinstance(user, dict) or not user.get("id"):
        return None
    kind = user.get("type") or ("group" if user.get("object") == "group" else "person")
    if user.get("object") == "group":
        kind = "group"
    email = None
    if kind == "person":
        email = (user.get("person") or {}).get("email")
    return Person(user["id"], user.get("name"), email, kind)


def _text_or_empty(s: str | None) -> Any:
    return s if s else EMPTY


def from_property(prop_type: str, value: dict | None, row: Any = None, prop_id: str | None = None,
                  config: dict | None = None) -> Any:
    """The formula value of a page property.

    `value` is the API property value ({"type": "number", "number": 3} or just the inner part
    keyed by type); `row` is needed for relations (their pages come from row.related()).
    """
    inner = _inner(prop_type, value)
    if prop_type in ("title", "rich_text"):
        return _text_or_empty(rich_text_plain(inner))
    if prop_type in ("url", "email", "phone_number"):
        return _text_or_empty(inner if isinstance(inner, str) else None)
    if prop_type == "place":
        if isinstance(inner, dict):
            return _text_or_empty(inner.get("name") or inner.get("address"))
        return EMPTY
    if prop_type == "number":
        return float(inner) if is_number(inner) else EMPTY
    if prop_type in ("select", "status"):
        return _text_or_empty((inner or {}).get("name") if isinstance(inner, dict) else None)
    if prop_type == "multi_select":
        return [o.get("name") for o in inner or [] if isinstance(o, dict) and o.get("name")]
    if prop_type == "checkbox":
        return bool(inner)
    if prop_type == "date":
        dv = dates.from_api(inner)
        return dv if dv is not None else EMPTY
    if prop_type in ("created_time", "last_edited_time"):
        d = dates.parse_iso(inner) if isinstance(inner, str) else None
        return DateValue(d) if d is not None else EMPTY
    if prop_type == "people":
        people = [person_from_api(u) for u in inner or []]
        return [p for p in people if p is not None]
    if prop_type in ("created_by", "last_edited_by"):
        p = person_from_api(inner)
        return p if p is not None else EMPTY
    if prop_type == "relation":
        return relation_pages(inner, row, prop_id)
    if prop_type == "files":
        return [u for u in (file_url(f) for f in inner or []) if u]
    if prop_type == "unique_id":
        if not isinstance(inner, dict) or inner.get("number") is None:
            return EMPTY
        n = inner["number"]
        prefix = inner.get("prefix")
        return f"{prefix}-{n}" if prefix else str(n)
    if prop_type == "formula":
        return from_formula_value(inner)
    if prop_type == "rollup":
        return from_rollup_value(inner, row)
    return EMPTY


def _inner(prop_type: str, value: Any) -> Any:
    if isinstance(value, dict) and value.get("type") == prop_type and prop_type in value:
        return value[prop_type]
    return value


def relation_pages(inner: Any, row: Any, prop_id: str | None) -> list:
    rows = []
    if row is not None and prop_id is not None:
        try:
            rows = list(row.related(prop_id) or [])
        except Exception:  # noqa: BLE001 - no related rows available: fall back to the ids
            rows = []
    if rows:
        return [Page(getattr(r, "page_id", ""), r) for r in rows]
    return [Page(ref["id"]) for ref in inner or [] if isinstance(ref, dict) and ref.get("id")]


def file_url(f: Any) -> str | None:
    if not isinstance(f, dict):
        return None
    for key in ("file", "external", "file_upload"):
        part = f.get(key)
        if isinstance(part, dict) and part.get("url"):
            return part["url"]
    return f.get("name")


def from_formula_value(inner: Any) -> Any:
    if not isinstance(inner, dict):
        return EMPTY
    t = inner.get("type")
    v = inner.get(t)
    if v is None:
        return EMPTY
    if t == "string":
        return _text_or_empty(v)
    if t == "number":
        return float(v) if is_number(v) else EMPTY
    if t == "boolean":
        return bool(v)
    if t == "date":
        dv = dates.from_api(v)
        return dv if dv is not None else EMPTY
    return EMPTY


def from_rollup_value(inner: Any, row: Any = None) -> Any:
    """Aggregated rollups give a scalar; show_original/show_unique a list flattened one level."""
    if not isinstance(inner, dict):
        return EMPTY
    t = inner.get("type")
    if t == "number":
        v = inner.get("number")
        return float(v) if is_number(v) else EMPTY
    if t == "date":
        dv = dates.from_api(inner.get("date"))
        return dv if dv is not None else EMPTY
    if t == "array":
        out: list = []
        for element in inner.get("array") or []:
            if not isinstance(element, dict):
                continue
            et = element.get("type")
            if et in ("people", "created_by", "last_edited_by"):
                return EMPTY  # a rollup of people that is not aggregated reads as empty
            v = from_property(et, element, None, None)
            if isinstance(v, list):
                out.extend(x for x in v if x is not EMPTY)
            elif v is not EMPTY:
                out.append(v)
        return out
    return EMPTY


# -- formula result -> API formula value ----------------------------------------------------

def normalise(v: Any) -> Any:
    """Engine normalisation of a result: lists are flattened one level and blank elements
    dropped; [] is empty; a list of mixed types becomes a list of text; NaN/infinity is empty."""
    if isinstance(v, list):
        flat: list = []
        for x in v:
            if isinstance(x, list):
                flat.extend(y for y in x if y is not EMPTY)
            elif x is not EMPTY:
                flat.append(x)
        if not flat:
            return EMPTY
        if len({type_name(x) for x in flat}) > 1:
            flat = [format_value(x) for x in flat]
        return flat
    if is_number(v) and not math.isfinite(v):
        return EMPTY
    return v


def to_api_result(v: Any, api_type: str) -> dict:
    """The API value of a formula whose static result type is `api_type`."""
    v = normalise(v)
    if api_type == "number":
        num = jsnum.to_api_number(float(v)) if is_number(v) else None
        return {"type": "number", "number": num}
    if api_type == "boolean":
        return {"type": "boolean", "boolean": v if isinstance(v, bool) else None}
    if api_type == "date":
        return {"type": "date", "date": dates.to_api(v) if isinstance(v, DateValue) else None}
    if v is EMPTY:
        return {"type": "string", "string": None}
    if is_number(v):
        finished = jsnum.finish(float(v))
        text = "" if finished is None else jsnum.to_js_string(finished)
    else:
        text = format_value(v)
    return {"type": "string", "string": text if text != "" else None}


def empty_result(api_type: str) -> dict:
    return {"type": api_type, api_type: None}

