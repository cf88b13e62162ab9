"""List functions: at, first, last, slice, splice, concat, sort, reverse, unique, includes, find,
findIndex, filter, map, some, every, count, flat.

Lambda arguments arrive as callables `fn(current, index)`; an element whose evaluation fails
yields empty (the evaluator takes care of that).
"""

from __future__ import annotations

import unicodedata

from .. import jsnum
from .. import types as T
from ..dates import DateValue, instant
from ..values import EMPTY, equal, format_value, is_number, truthy
from .registry import first_elem, p, register, same_as_first

F = "lists"


def _index(i: float, n: int) -> int | None:
    i = int(jsnum.to_integer(i)) if abs(i) < 1e15 else None
    if i is None:
        return None
    if i < 0:
        i += n
    return i if 0 <= i < n else None


@register("at", [p("list", "list"), p("number", "index")], first_elem, F)
def at(ctx, items, i):
    k = _index(i, len(items))
    return EMPTY if k is None else items[k]


@register("first", [p("list", "list")], first_elem, F)
def first(ctx, items):
    return items[0] if items else EMPTY


@register("last", [p("list", "list")], first_elem, F)
def last(ctx, items):
    return items[-1] if items else EMPTY


def _rel(x: float, n: int) -> int:
    x = jsnum.to_integer(x)
    if x < 0:
        return int(max(n + x, 0)) if x != float("-inf") else 0
    return int(min(x, n))


@register("slice", [p("list", "list"), p("number", "start"), p("number", "end", optional=True)], same_as_first, F)
def slice_(ctx, items, start, end=None):
    n = len(items)
    a = _rel(start, n)
    b = n if end is None else _rel(end, n)
    return items[a:b] if b > a else []


def _splice_type(arg_types, _nodes):
    return T.list_of(T.union(T.elem_type(arg_types[0]), *arg_types[3:]))


@register("splice", [p("list", "list"), p("number", "start"), p("number", "deleteCount", optional=True),
                     p("any", "items", optional=True, variadic=True)], _splice_type, F)
def splice(ctx, items, start, delete_count=0.0, *new_items):
    n = len(items)
    a = _rel(start, n)
    d = int(max(0, min(jsnum.to_integer(delete_count), n - a)))
    return items[:a] + list(new_items) + items[a + d:]


def _concat_type(arg_types, _nodes):
    return T.list_of(T.union(*[T.elem_type(t) for t in arg_types]))


@register("concat", [p("list", "list", variadic=True)], _concat_type, F)
def concat(ctx, *lists):
    out: list = []
    for items in lists:
        out.extend(x for x in items if x is not EMPTY)
    return out


def _text_key(s: str):
    decomposed = unicodedata.normalize("NFD", s)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return (base, decomposed.casefold(), tuple(c.isupper() for c in s))


def _sort_keys(values: list) -> list:
    """Comparable keys: natural order when all are numbers, dates or booleans, otherwise the
    display text in a case-insensitive collation (lowercase before uppercase on ties)."""
    if values and all(is_number(v) for v in values):
        return [float(v) for v in values]
    if values and all(isinstance(v, DateValue) for v in values):
        return [instant(v.start) for v in values]
    if values and all(isinstance(v, bool) for v in values):
        return [int(v) for v in values]
    return [_text_key(format_value(v)) for v in values]


@register("sort", [p("list", "list"), p("lambda", "key", optional=True)], same_as_first, F)
def sort(ctx, items, key=None):
    items = [x for x in items if x is not EMPTY]
    if key is None:
        keys = _sort_keys(items)
        order = sorted(range(len(items)), key=lambda i: keys[i])
        return [items[i] for i in order]
    raw = [key(x, i) for i, x in enumerate(items)]
    present = [i for i, k in enumerate(raw) if k is not EMPTY]
    missing = [i for i, k in enumerate(raw) if k is EMPTY]
    keys = dict(zip(present, _sort_keys([raw[i] for i in present])))
    order = sorted(present, key=lambda i: keys[i]) + missing
    return [items[i] for i in order]


@register("reverse", [p("list", "list")], same_as_first, F)
def reverse(ctx, items):
    return list(reversed(items))


@register("unique", [p("list", "list")], same_as_first, F)
def unique(ctx, items):
    out: list = []
    for x in items:
        if not any(equal(x, y) for y in out):
            out.append(x)
    return out


@register("includes", [p("list", "list"), p("any", "value")], T.BOOLEAN, F)
def includes(ctx, items, value):
    return any(equal(x, value) for x in items)


@register("find", [p("list", "list"), p("lambda", "condition")], first_elem, F)
def find(ctx, items, cond):
    for i, x in enumerate(items):
        if truthy(cond(x, i)):
            return x
    return EMPTY


@register("findIndex", [p("list", "list"), p("lambda", "condition")], T.NUMBER, F)
def find_index(ctx, items, cond):
    for i, x in enumerate(items):
        if truthy(cond(x, i)):
            return float(i)
    return -1.0


@register("filter", [p("list", "list"), p("lambda", "condition")], same_as_first, F)
def filter_(ctx, items, cond):
    return [x for i, x in enumerate(items) if truthy(cond(x, i))]


def _map_type(arg_types, _nodes):
    return T.list_of(arg_types[1] if len(arg_types) > 1 else T.UNKNOWN)


@register("map", [p("list", "list"), p("lambda", "expression")], _map_type, F)
def map_(ctx, items, fn):
    return [fn(x, i) for i, x in enumerate(items)]


@register("some", [p("list", "list"), p("lambda", "condition")], T.BOOLEAN, F)
def some(ctx, items, cond):
    return any(truthy(cond(x, i)) for i, x in enumerate(items))


@register("every", [p("list", "list"), p("lambda", "condition")], T.BOOLEAN, F)
def every(ctx, items, cond):
    return all(truthy(cond(x, i)) for i, x in enumerate(items))


@register("count", [p("list", "list"), p("lambda", "condition", optional=True)], T.NUMBER, F)
def count(ctx, items, cond=None):
    if cond is None:
        return float(len(items))
    return float(sum(1 for i, x in enumerate(items) if truthy(cond(x, i))))


def _flat_type(arg_types, _nodes):
    inner = T.elem_type(arg_types[0])
    parts = [T.elem_type(m) if isinstance(m, T.ListType) else m for m in T.members(inner)]
    return T.list_of(T.union(*parts))


@register("flat", [p("list", "list")], _flat_type, F)
def flat(ctx, items):
    out: list = []
    for x in items:
        if isinstance(x, list):
            out.extend(x)
        else:
            out.append(x)
    return out
