"""Rollup values (computed.md §2.2).

compute_rollup(function, target, values) takes the target property's API values on each related
page, in relation order, and returns the page value of the rollup:

    {"type": "number", "number": 3, "function": "count"}
    {"type": "date", "date": {...} | None, "function": "earliest_date"}
    {"type": "array", "array": [{"type": "title", "title": [...]}, ...], "function": "show_original"}
    {"type": "unsupported", "unsupported": {}, "function": "count_per_group"}

Counting functions give 0 over no pages; numeric and date aggregates give null when there is
nothing to aggregate; percentages are fractions 0..1 (null over no pages).
"""

from __future__ import annotations

import math
from typing import Any

from . import dates, jsnum
from .schema import PropertyInfo
from .values import rich_text_plain

LEGACY_NAMES = {
    "count_all": "count", "count_unique_values": "unique", "count_empty": "empty",
    "count_not_empty": "not_empty",
}
FUNCTIONS = (
    "show_original", "show_unique", "count", "count_values", "unique", "empty", "not_empty",
    "percent_empty", "percent_not_empty", "sum", "average", "median", "min", "max", "range",
    "earliest_date", "latest_date", "date_range", "checked", "unchecked", "percent_checked",
    "percent_unchecked", "count_per_group", "percent_per_group",
)
_MULTI = ("multi_select", "people", "relation", "files", "title", "rich_text")


def compute_rollup(function: str, target: PropertyInfo, values: list[dict]) -> dict:
    fn = LEGACY_NAMES.get(function, function)
    items = [_inner(target.type, v) for v in values]
    kind = target.type

    if fn == "show_original":
        return _array([_element(kind, v) for v in items], fn)
    if fn == "show_unique":
        seen: set = set()
        out = []
        for v in items:
            key = _key(kind, v)
            if key in seen:
                continue
            seen.add(key)
            out.append(_element(kind, v))
        return _array(out, fn)
    if fn == "count":
        return _number(len(items), fn)
    if fn == "count_values":
        return _number(sum(_count_items(kind, v) for v in items), fn)
    if fn == "unique":
        keys = set()
        for v in items:
            keys.update(_item_keys(kind, v))
        return _number(len(keys), fn)
    if fn in ("empty", "not_empty", "percent_empty", "percent_not_empty"):
        empties = sum(1 for v in items if _is_empty(kind, v))
        count = empties if fn in ("empty", "percent_empty") else len(items) - empties
        if fn.startswith("percent_"):
            return _number(count / len(items) if items else None, fn)
        return _number(count, fn)
    if fn in ("checked", "unchecked", "percent_checked", "percent_unchecked"):
        checked = sum(1 for v in items if _checkbox(kind, v) is True)
        count = checked if fn in ("checked", "percent_checked") else len(items) - checked
        if fn.startswith("percent_"):
            return _number(count / len(items) if items else None, fn)
        return _number(count, fn)
    if fn in ("sum", "average", "median", "min", "max", "range"):
        nums: list[float] = []
        for v in items:
            nums.extend(_numbers(kind, v))
        return _number(_aggregate(fn, nums), fn)
    if fn in ("earliest_date", "latest_date", "date_range"):
        found: list[tuple] = []
        for v in items:
            found.extend(_dates(kind, v))
        if not found:
            return {"type": "date", "date": None, "function": fn}
        earliest = min(found, key=lambda d: dates.instant(d))
        latest = max(found, key=lambda d: dates.instant(d))
        if fn == "earliest_date":
            value = {"start": dates.iso(earliest), "end": None, "time_zone": None}
        elif fn == "latest_date":
            value = {"start": dates.iso(latest), "end": None, "time_zone": None}
        else:
            value = {"start": dates.iso(earliest), "end": dates.iso(latest), "time_zone": None}
        return {"type": "date", "date": value, "function": fn}
    # count_per_group / percent_per_group (status only) have no page-value shape in the API,
    # and unknown functions cannot be computed.
    return {"type": "unsupported", "unsupported": {}, "function": fn}


# -- shapes ---------------------------------------------------------------------------------

def _number(x: Any, fn: str) -> dict:
    """Rollup numbers are plain doubles (percentages like 0.6666666666666666 are not rounded the
    way formula results are); integral values print without a fraction."""
    if x is None or not math.isfinite(float(x)):
        return {"type": "number", "number": None, "function": fn}
    x = float(x)
    return {"type": "number", "number": int(x) if x.is_integer() and abs(x) < 1e21 else x, "function": fn}


def _array(elements: list[dict], fn: str) -> dict:
    return {"type": "array", "array": elements, "function": fn}


def _inner(kind: str, value: Any) -> Any:
    """The value part of an API property value ({"type": k, k: v, "id": ...} -> v)."""
    if isinstance(value, dict) and kind in value and (value.get("type") == kind or "id" in value):
        return value[kind]
    return value


def _element(kind: str, v: Any) -> dict:
    """An array element: a typed property value without its id."""
    if v is None and kind in ("title", "rich_text", "multi_select", "people", "relation", "files"):
        v = []
    return {"type": kind, kind: v}


# -- emptiness and keys -------------------------------------------------------------------------

def _is_empty(kind: str, v: Any) -> bool:
    if v is None:
        return True
    if kind in ("title", "rich_text"):
        return rich_text_plain(v) == ""
    if kind in _MULTI:
        return len(v) == 0
    if kind == "checkbox":
        return v is False
    if kind in ("url", "email", "phone_number"):
        return v == ""
    if kind == "date":
        return not (isinstance(v, dict) and v.get("start"))
    if kind == "formula":
        t = (v or {}).get("type")
        inner = (v or {}).get(t)
        return inner is None or inner == "" or inner is False
    if kind == "rollup":
        t = (v or {}).get("type")
        inner = (v or {}).get(t)
        return inner is None or inner == []
    if kind == "unique_id":
        return (v or {}).get("number") is None
    return False


def _item_keys(kind: str, v: Any) -> list:
    """Hashable keys of the non-empty items in a value (each item of a multi-value property)."""
    if _is_empty(kind, v):
        return []
    if kind in ("title", "rich_text"):
        return [rich_text_plain(v)]
    if kind == "multi_select":
        return [o.get("name") for o in v]
    if kind in ("people", "relation"):
        return [o.get("id") for o in v]
    if kind == "files":
        return [o.get("name") or str(o) for o in v]
    if kind in ("select", "status"):
        return [v.get("name")]
    if kind == "date":
        return [(v.get("start"), v.get("end"))]
    if kind in ("created_by", "last_edited_by"):
        return [v.get("id")]
    if kind == "unique_id":
        return [(v.get("prefix"), v.get("number"))]
    if kind in ("formula", "rollup"):
        t = v.get("type")
        inner = v.get(t)
        return [repr(inner)]
    if isinstance(v, (dict, list)):
        return [repr(v)]
    return [v]


def _key(kind: str, v: Any):
    keys = _item_keys(kind, v)
    return tuple(keys) if keys else ("<empty>",)


def _count_items(kind: str, v: Any) -> int:
    if _is_empty(kind, v):
        return 0
    if kind in ("multi_select", "people", "relation", "files"):
        return len(v)
    return 1


def _checkbox(kind: str, v: Any) -> bool | None:
    if kind == "checkbox":
        return bool(v)
    if kind == "formula" and isinstance(v, dict) and v.get("type") == "boolean":
        return bool(v.get("boolean"))
    return None


def _numbers(kind: str, v: Any) -> list[float]:
    if kind == "number":
        return [float(v)] if isinstance(v, (int, float)) and not isinstance(v, bool) else []
    if kind == "formula" and isinstance(v, dict) and v.get("type") == "number" and v.get("number") is not None:
        return [float(v["number"])]
    if kind == "rollup" and isinstance(v, dict):
        if v.get("type") == "number" and v.get("number") is not None:
            return [float(v["number"])]
        if v.get("type") == "array":
            out: list[float] = []
            for el in v.get("array") or []:
                out.extend(_numbers(el.get("type"), el.get(el.get("type"))))
            return out
    if kind == "unique_id" and isinstance(v, dict) and v.get("number") is not None:
        return [float(v["number"])]
    return []


def _aggregate(fn: str, nums: list[float]) -> float | None:
    if not nums:
        return None
    if fn == "sum":
        total = 0.0
        for x in nums:
            total = jsnum.add(total, x)
        return total
    if fn == "average":
        total = 0.0
        for x in nums:
            total = jsnum.add(total, x)
        return jsnum.divide(total, float(len(nums)))
    if fn == "median":
        s = sorted(nums)
        mid = len(s) // 2
        return s[mid] if len(s) % 2 else jsnum.divide(jsnum.add(s[mid - 1], s[mid]), 2.0)
    if fn == "min":
        return min(nums)
    if fn == "max":
        return max(nums)
    return jsnum.subtract(max(nums), min(nums))


def _dates(kind: str, v: Any) -> list:
    """Start dates (date or aware datetime) found in a value."""
    if v is None:
        return []
    if kind == "date":
        dv = dates.from_api(v)
        return [dv.start] if dv else []
    if kind in ("created_time", "last_edited_time"):
        d = dates.parse_iso(v)
        return [d] if d is not None else []
    if kind == "formula" and isinstance(v, dict) and v.get("type") == "date":
        dv = dates.from_api(v.get("date"))
        return [dv.start] if dv else []
    if kind == "rollup" and isinstance(v, dict):
        if v.get("type") == "date":
            dv = dates.from_api(v.get("date"))
            return [dv.start] if dv else []
        if v.get("type") == "array":
            out: list = []
            for el in v.get("array") or []:
                out.extend(_dates(el.get("type"), el.get(el.get("type"))))
            return out
    return []
