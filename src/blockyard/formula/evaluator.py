"""Evaluation of a checked AST for one row (computed.md §1.5).

* if / ifs / ?: and lambda arguments are lazy; and/or evaluate every operand.
* A runtime error inside a lambda element or a let binding makes that value empty; anywhere else
  it aborts the evaluation (the caller then returns null of the result type).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import jsnum
from . import nodes as N
from .dates import UTC, DateValue, instant
from .errors import DepthExceeded, FormulaRuntimeError
from .functions import BLANKABLE, REGISTRY, Function
from .values import (EMPTY, Page, Person, equal, format_value, from_property, is_number, truthy,
                     type_name)

MAX_DEPTH = 400


@dataclass
class Context:
    now: datetime
    row: Any = None
    depth: int = 0
    cache: dict = field(default_factory=dict)


def minute_now(now: datetime) -> datetime:
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(UTC).replace(second=0, microsecond=0)


def evaluate(node: N.Node, ctx: Context, env: dict[str, Any] | None = None) -> Any:
    ctx.depth += 1
    if ctx.depth > MAX_DEPTH:
        ctx.depth -= 1
        raise DepthExceeded()
    try:
        return _EVAL[type(node)](node, ctx, env or {})
    finally:
        ctx.depth -= 1


def _number(node, ctx, env):
    return node.value


def _string(node, ctx, env):
    return node.value


def _boolean(node, ctx, env):
    return node.value


def _list(node, ctx, env):
    return [evaluate(i, ctx, env) for i in node.items]


def _identifier(node, ctx, env):
    if node.name in env:
        return env[node.name]
    raise FormulaRuntimeError("UndefinedIdentifier", f'Undefined variable "{node.name}"')


def _prop(node: N.PropRef, ctx: Context, env):
    info = node.info
    if node.target is None:
        row = ctx.row
        if row is None:
            return EMPTY
        key = ("row", info.id)
        if key not in ctx.cache:
            ctx.cache[key] = from_property(info.type, row.value(info.id), row, info.id, info.config)
        return ctx.cache[key]
    target = evaluate(node.target, ctx, env)
    if target is EMPTY:
        return EMPTY
    if not isinstance(target, Page):
        raise FormulaRuntimeError("MemberPropertyTargetNotBlock", "prop() can only be used on a page")
    if target.row is None:
        return EMPTY
    return from_property(info.type, target.row.value(info.id), target.row, info.id, info.config)


def _unary(node: N.Unary, ctx, env):
    v = evaluate(node.operand, ctx, env)
    if node.op == "-":
        if not is_number(v):
            raise FormulaRuntimeError("UnaryMinusOnNonNumber", f"Cannot negate {type_name(v)}")
        return -float(v)
    return not truthy(v)


def _binary(node: N.Binary, ctx, env):
    a = evaluate(node.left, ctx, env)
    b = evaluate(node.right, ctx, env)
    op = node.op
    if op == "==":
        return equal(a, b)
    if op == "!=":
        return not equal(a, b)
    if op in ("<", "<=", ">", ">="):
        return compare(op, a, b)
    if op == "+":
        return plus(a, b)
    return arithmetic(op, a, b)


def plus(a, b):
    if a is EMPTY and b is EMPTY:
        return 0.0
    if (is_number(a) or a is EMPTY) and (is_number(b) or b is EMPTY):
        return jsnum.add(0.0 if a is EMPTY else a, 0.0 if b is EMPTY else b)
    return format_value(a) + format_value(b)


def arithmetic(op: str, a, b):
    for v in (a, b):
        if not (is_number(v) or v is EMPTY):
            raise FormulaRuntimeError("CannotDoMathOnType", f'Cannot use "{op}" on {type_name(v)}')
    if op == "^":
        if a is EMPTY or b is EMPTY:
            return EMPTY
        return jsnum.power(a, b)
    if a is EMPTY and b is EMPTY:
        return 0.0
    x = 0.0 if a is EMPTY else float(a)
    y = 0.0 if b is EMPTY else float(b)
    if op == "-":
        return jsnum.subtract(x, y)
    if op == "*":
        return jsnum.multiply(x, y)
    if op == "/":
        q = jsnum.divide(x, y)
        return EMPTY if q is None else q
    r = jsnum.modulo(x, y)
    return EMPTY if r is None else r


def compare(op: str, a, b) -> bool:
    if a is EMPTY or b is EMPTY:
        return False
    ta, tb = type_name(a), type_name(b)
    if ta != tb or ta not in ("number", "text", "boolean", "date"):
        raise FormulaRuntimeError("CannotRelativelyCompareTypes", f"Cannot compare {ta} and {tb}")
    if ta == "date":
        x, y = instant(a.start), instant(b.start)
    elif ta == "text":
        x, y = a.encode("utf-16-be", "surrogatepass"), b.encode("utf-16-be", "surrogatepass")
    elif ta == "boolean":
        x, y = int(a), int(b)
    else:
        x, y = float(a), float(b)
    if op == "<":
        return x < y
    if op == "<=":
        return x <= y
    if op == ">":
        return x > y
    return x >= y


def _logical(node: N.Logical, ctx, env):
    results = [truthy(evaluate(o, ctx, env)) for o in node.operands]
    return all(results) if node.is_and else any(results)


def _ternary(node: N.Ternary, ctx, env):
    if truthy(evaluate(node.cond, ctx, env)):
        return evaluate(node.then, ctx, env)
    return evaluate(node.otherwise, ctx, env)


# -- calls ----------------------------------------------------------------------------------


def _call(node: N.Call, ctx: Context, env):
    name = node.name
    args = node.args
    if name == "if":
        return evaluate(args[1] if truthy(evaluate(args[0], ctx, env)) else args[2], ctx, env)
    if name == "ifs":
        for i in range(0, len(args) - 1, 2):
            if truthy(evaluate(args[i], ctx, env)):
                return evaluate(args[i + 1], ctx, env)
        return evaluate(args[-1], ctx, env) if len(args) % 2 else EMPTY
    if name in ("let", "lets"):
        inner = dict(env)
        for i in range(0, len(args) - 1, 2):
            try:
                inner[args[i].name] = evaluate(args[i + 1], ctx, inner)
            except DepthExceeded:
                raise
            except FormulaRuntimeError:
                inner[args[i].name] = EMPTY
        return evaluate(args[-1], ctx, inner)
    fn = REGISTRY[name]
    values = []
    for i, arg in enumerate(args):
        param = fn.param_for(i)
        if param.kind == "lambda":
            values.append(_lambda(arg, ctx, env))
            continue
        v = coerce(fn, param.kind, evaluate(arg, ctx, env))
        if v is EMPTY and fn.blank_passthrough and param.kind in BLANKABLE:
            return EMPTY
        values.append(v)
    result = fn.impl(ctx, *values)
    if is_number(result) and not isinstance(result, float):
        result = float(result)
    return result


def _lambda(body: N.Node, ctx: Context, env: dict):
    def run(current, index):
        inner = dict(env)
        inner["current"] = current
        inner["index"] = float(index)
        try:
            return evaluate(body, ctx, inner)
        except DepthExceeded:
            raise
        except FormulaRuntimeError:
            return EMPTY
    return run


def coerce(fn: Function, kind: str, v: Any) -> Any:
    """Runtime argument coercion (computed.md §1.5)."""
    if kind in ("any", "numbers", "scalar"):
        return v
    if kind == "boolean":
        return truthy(v)
    if kind == "text":
        if isinstance(v, str):
            return v
        return "" if v is EMPTY else format_value(v)
    if kind == "text_or_list":
        return v if isinstance(v, (str, list)) or v is EMPTY else format_value(v)
    if v is EMPTY:
        return [] if kind == "list" else EMPTY
    ok = {
        "number": is_number(v),
        "date": isinstance(v, DateValue),
        "person": isinstance(v, Person),
        "page": isinstance(v, Page),
        "person_or_page": isinstance(v, (Person, Page)),
        "list": isinstance(v, list),
    }.get(kind, True)
    if not ok:
        raise FormulaRuntimeError("FunctionCallArgumentWrongType",
                                  f"{fn.name}() cannot take {type_name(v)} here")
    return float(v) if kind == "number" else v


_EVAL = {
    N.Number: _number, N.String: _string, N.Boolean: _boolean, N.ListLiteral: _list,
    N.Identifier: _identifier, N.PropRef: _prop, N.Unary: _unary, N.Binary: _binary,
    N.Logical: _logical, N.Ternary: _ternary, N.Call: _call,
}
