"""Number functions: add, subtract, multiply, divide, mod, pow, sum, min, max, mean, median,
abs, round, ceil, floor, sqrt, cbrt, exp, ln, log10, log2, sign, pi, e."""

from __future__ import annotations

import math

from .. import jsnum
from .. import types as T
from ..dates import DateValue, instant
from ..errors import FormulaRuntimeError
from ..values import EMPTY, is_number
from .registry import p, register

F = "numbers"


def _z(x):
    return 0.0 if x is EMPTY else x


# The operator functions treat a blank value as 0, like the operators do.
@register("add", [p("number", "a"), p("number", "b")], T.NUMBER, F, blank_passthrough=False)
def add(ctx, a, b):
    return jsnum.add(_z(a), _z(b))


@register("subtract", [p("number", "a"), p("number", "b")], T.NUMBER, F, blank_passthrough=False)
def subtract(ctx, a, b):
    return jsnum.subtract(_z(a), _z(b))


@register("multiply", [p("number", "a"), p("number", "b")], T.NUMBER, F, blank_passthrough=False)
def multiply(ctx, a, b):
    return jsnum.multiply(_z(a), _z(b))


@register("divide", [p("number", "a"), p("number", "b")], T.NUMBER, F, blank_passthrough=False)
def divide(ctx, a, b):
    if a is EMPTY and b is EMPTY:
        return 0.0
    q = jsnum.divide(_z(a), _z(b))
    return EMPTY if q is None else q


@register("mod", [p("number", "a"), p("number", "b")], T.NUMBER, F, blank_passthrough=False)
def mod(ctx, a, b):
    if a is EMPTY and b is EMPTY:
        return 0.0
    r = jsnum.modulo(_z(a), _z(b))
    return EMPTY if r is None else r


@register("pow", [p("number", "base"), p("number", "exponent")], T.NUMBER, F)
def pow_(ctx, base, exponent):
    return _finite_or_empty(jsnum.power(base, exponent))


def _finite_or_empty(x: float):
    return EMPTY if math.isnan(x) else x


def _flatten(args) -> list:
    out: list = []
    for a in args:
        if isinstance(a, list):
            out.extend(_flatten(a))
        else:
            out.append(a)
    return out


def _numbers(args) -> list[float]:
    return [float(x) for x in _flatten(args) if is_number(x)]


@register("sum", [p("numbers", "values", optional=True, variadic=True)], T.NUMBER, F)
def sum_(ctx, *args):
    total = 0.0
    for x in _numbers(args):
        total = jsnum.add(total, x)
    return total


def _min_max_type(arg_types, _nodes):
    flat = []
    for t in arg_types:
        for m in T.members(t):
            flat.append(T.elem_type(m) if isinstance(m, T.ListType) else m)
    kinds = {m.kind for f in flat for m in T.members(f)} - {"empty"}
    if kinds == {"date"}:
        return T.DATE
    if "date" in kinds and "number" not in kinds and "unknown" in kinds:
        return T.UNKNOWN
    return T.NUMBER


def _extreme(args, pick):
    flat = [x for x in _flatten(args) if x is not EMPTY]
    if flat and all(isinstance(x, DateValue) for x in flat):
        return pick(flat, key=lambda d: instant(d.start))
    nums = [float(x) for x in flat if is_number(x)]
    return pick(nums) if nums else EMPTY


@register("min", [p("numbers", "values", variadic=True)], _min_max_type, F)
def min_(ctx, *args):
    return _extreme(args, min)


@register("max", [p("numbers", "values", variadic=True)], _min_max_type, F)
def max_(ctx, *args):
    return _extreme(args, max)


@register("mean", [p("numbers", "values", variadic=True)], T.NUMBER, F)
def mean(ctx, *args):
    nums = _numbers(args)
    if not nums:
        return EMPTY
    total = 0.0
    for x in nums:
        total = jsnum.add(total, x)
    return jsnum.divide(total, float(len(nums)))


@register("median", [p("numbers", "values", variadic=True)], T.NUMBER, F)
def median(ctx, *args):
    nums = sorted(_numbers(args))
    if not nums:
        return EMPTY
    mid = len(nums) // 2
    if len(nums) % 2:
        return nums[mid]
    return jsnum.divide(jsnum.add(nums[mid - 1], nums[mid]), 2.0)


@register("abs", [p("number", "number")], T.NUMBER, F)
def abs_(ctx, n):
    return abs(n)


@register("round", [p("number", "number"), p("number", "places", optional=True)], T.NUMBER, F)
def round_(ctx, n, places=None):
    if places is None or places == 0:
        return jsnum.js_round(n)
    if not jsnum.is_integral(places):
        raise FormulaRuntimeError("CannotRoundToNonInteger", "round() needs a whole number of decimal places")
    if abs(places) > 12:
        raise FormulaRuntimeError("CannotRoundToTooManyDecimalPlaces",
                                  "round() can round to at most 12 decimal places")
    factor = 10.0 ** places
    return jsnum.js_round(n * factor) / factor


@register("ceil", [p("number", "number")], T.NUMBER, F)
def ceil(ctx, n):
    return float(math.ceil(n)) if math.isfinite(n) else n


@register("floor", [p("number", "number")], T.NUMBER, F)
def floor(ctx, n):
    return float(math.floor(n)) if math.isfinite(n) else n


@register("sqrt", [p("number", "number")], T.NUMBER, F)
def sqrt(ctx, n):
    return math.sqrt(n) if n >= 0 else EMPTY


@register("cbrt", [p("number", "number")], T.NUMBER, F)
def cbrt(ctx, n):
    return math.cbrt(n)


@register("exp", [p("number", "number")], T.NUMBER, F)
def exp(ctx, n):
    try:
        return math.exp(n)
    except OverflowError:
        return math.inf


def _log(fn, n):
    if n < 0 or math.isnan(n):
        return EMPTY
    if n == 0:
        return -math.inf
    return fn(n)


@register("ln", [p("number", "number")], T.NUMBER, F)
def ln(ctx, n):
    return _log(math.log, n)


@register("log10", [p("number", "number")], T.NUMBER, F)
def log10(ctx, n):
    return _log(math.log10, n)


@register("log2", [p("number", "number")], T.NUMBER, F)
def log2(ctx, n):
    return _log(math.log2, n)


@register("sign", [p("number", "number")], T.NUMBER, F)
def sign(ctx, n):
    if n > 0:
        return 1.0
    if n < 0:
        return -1.0
    return 0.0


@register("pi", [], T.NUMBER, F)
def pi(ctx):
    return math.pi


@register("e", [], T.NUMBER, F)
def e(ctx):
    return math.e
