"""Logic and general functions: and, or, not, equal, unequal, empty, length, format, toNumber, id.

`if`, `ifs`, `let` and `lets` are special forms (lazy, or binding names) and live in the
checker and evaluator.
"""

from __future__ import annotations

import math

from .. import jsnum
from .. import types as T
from ..dates import DateValue, epoch_ms
from ..errors import FormulaRuntimeError
from ..values import EMPTY, Page, Person, equal, format_value, is_number, plain_id, truthy
from .registry import p, register
from .text import utf16_len

F = "logic"


@register("and", [p("boolean", "condition", variadic=True)], T.BOOLEAN, F)
def and_(ctx, *conds):
    return all(conds)


@register("or", [p("boolean", "condition", variadic=True)], T.BOOLEAN, F)
def or_(ctx, *conds):
    return any(conds)


@register("not", [p("boolean", "condition")], T.BOOLEAN, F)
def not_(ctx, cond):
    return not cond


@register("equal", [p("any", "a"), p("any", "b")], T.BOOLEAN, F)
def equal_(ctx, a, b):
    return equal(a, b)


@register("unequal", [p("any", "a"), p("any", "b")], T.BOOLEAN, F)
def unequal_(ctx, a, b):
    return not equal(a, b)


def _empty_type(arg_types, _nodes):
    return T.BOOLEAN if arg_types else T.EMPTY


@register("empty", [p("any", "value", optional=True)], _empty_type, F)
def empty_(ctx, *args):
    """empty(x) tests for an empty value; empty() is the empty value itself."""
    if not args:
        return EMPTY
    return not truthy(args[0])


@register("length", [p("text_or_list", "value")], T.NUMBER, F)
def length(ctx, value):
    if value is EMPTY:
        return 0.0
    if isinstance(value, list):
        return float(len(value))
    return float(utf16_len(value if isinstance(value, str) else format_value(value)))


@register("format", [p("any", "value")], T.TEXT, F)
def format_(ctx, value):
    return format_value(value)


@register("toNumber", [p("scalar", "value")], T.NUMBER, F)
def to_number(ctx, value):
    if value is EMPTY or isinstance(value, (Person, Page)):
        return EMPTY
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if is_number(value):
        return float(value)
    if isinstance(value, DateValue):
        return epoch_ms(value.start)
    if isinstance(value, list):
        raise FormulaRuntimeError("CannotUseToNumberOnList", "toNumber() cannot convert a list")
    s = str(value)
    n = jsnum.js_number(s) if s.strip()[:2].lower() in ("0x", "0b", "0o") else jsnum.parse_float(s)
    return n if math.isfinite(n) else EMPTY


@register("id", [p("person_or_page", "page", optional=True)], T.TEXT, F, blank_passthrough=True)
def id_(ctx, *args):
    if not args:
        if ctx.row is None:
            raise FormulaRuntimeError("TryingToGetIdWithoutThisRow", "id() needs a page")
        return plain_id(ctx.row.page_id)
    target = args[0]
    if target is EMPTY:
        return EMPTY
    if isinstance(target, (Page, Person)):
        return plain_id(target.id)
    raise FormulaRuntimeError("FunctionCallArgumentWrongType", "id() expects a page or a person")
