"""Static checking: resolves property references against the schema, types every expression and
rejects what Notion's editor rejects (computed.md §1.9 "Type errors").

The checker annotates PropRef nodes (info, via, schema) for the evaluator and collects the
properties a formula reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import nodes as N
from . import types as T
from .errors import type_error
from .functions import REMOVED, RENAMED, load
from .schema import PropertyInfo, Schema

FUNCTIONS = load()
SPECIAL_FORMS = ("if", "ifs", "let", "lets")
LAMBDA_VARS = ("current", "index")

_TEXT_LIKE = ("title", "rich_text", "url", "email", "phone_number", "select", "status", "unique_id", "place")
_BLANK_TYPES = ("button", "verification", "location", "last_visited_time")
_NUMBER_ROLLUPS = ("count", "count_values", "unique", "empty", "not_empty", "percent_empty",
                   "percent_not_empty", "sum", "average", "median", "min", "max", "range", "checked",
                   "unchecked", "percent_checked", "percent_unchecked", "count_all",
                   "count_unique_values", "count_empty", "count_not_empty")
_DATE_ROLLUPS = ("earliest_date", "latest_date", "date_range")


@dataclass
class CheckResult:
    type: T.FType
    dependencies: set[str] = field(default_factory=set)
    related_dependencies: set[tuple[str, str]] = field(default_factory=set)
    uses_now: bool = False
    uses_page_id: bool = False


def check(root: N.Node, schema: Schema) -> CheckResult:
    c = _Checker(schema)
    t = c.visit(root, {})
    return CheckResult(t, c.deps, c.related_deps, c.uses_now, c.uses_page_id)


# -- property types ---------------------------------------------------------------------------

def resolve_property(schema: Schema | None, name: str | None, token) -> PropertyInfo | None:
    if schema is None:
        return None
    if token is not None:
        info = schema.by_id(token.prop_id)
        if info is None:
            from urllib.parse import quote, unquote
            info = schema.by_id(unquote(token.prop_id)) or schema.by_id(quote(unquote(token.prop_id), safe=""))
        return info
    return schema.by_name(name)


def property_type(info: PropertyInfo, schema: Schema | None, depth: int = 0) -> T.FType:
    """The formula type of a property (computed.md §1.2 conversion table)."""
    t = info.type
    if t in _TEXT_LIKE:
        return T.TEXT
    if t == "number":
        return T.NUMBER
    if t in ("multi_select", "files"):
        return T.list_of(T.TEXT)
    if t == "checkbox":
        return T.BOOLEAN
    if t in ("date", "created_time", "last_edited_time"):
        return T.DATE
    if t == "people":
        return T.list_of(T.PERSON)
    if t in ("created_by", "last_edited_by"):
        return T.PERSON
    if t == "relation":
        related = _safe_related(schema, info)
        return T.list_of(T.PageType(related, info))
    if t == "formula":
        rt = _safe_result_type(schema, info) or (info.config or {}).get("result_type")
        return T.API_RESULT_TYPES.get(rt, T.UNKNOWN) if rt else T.UNKNOWN
    if t == "rollup":
        return rollup_type(info, schema, depth)
    if t in _BLANK_TYPES:
        return T.EMPTY
    return T.UNKNOWN


def rollup_type(info: PropertyInfo, schema: Schema | None, depth: int = 0) -> T.FType:
    cfg = info.config or {}
    fn = cfg.get("function")
    if fn in _NUMBER_ROLLUPS:
        return T.NUMBER
    if fn in _DATE_ROLLUPS:
        return T.DATE
    if fn in ("show_original", "show_unique") and schema is not None and depth < 4:
        relation = None
        if cfg.get("relation_property_id"):
            relation = schema.by_id(cfg["relation_property_id"])
        if relation is None and cfg.get("relation_property_name"):
            relation = schema.by_name(cfg["relation_property_name"])
        related = _safe_related(schema, relation) if relation is not None else None
        target = None
        if related is not None:
            if cfg.get("rollup_property_id"):
                target = related.by_id(cfg["rollup_property_id"])
            if target is None and cfg.get("rollup_property_name"):
                target = related.by_name(cfg["rollup_property_name"])
        if target is not None:
            if target.type in ("people", "created_by", "last_edited_by"):
                return T.EMPTY
            inner = property_type(target, related, depth + 1)
            return T.list_of(T.elem_type(inner) if isinstance(inner, T.ListType) else inner)
        return T.list_of(T.UNKNOWN)
    rt = _safe_result_type(schema, info)
    return T.API_RESULT_TYPES.get(rt, T.UNKNOWN) if rt else T.UNKNOWN


def _safe_related(schema: Schema | None, info: PropertyInfo | None):
    if schema is None or info is None:
        return None
    try:
        return schema.related(info)
    except Exception:  # noqa: BLE001 - a schema without relation lookup
        return None


def _safe_result_type(schema: Schema | None, info: PropertyInfo) -> str | None:
    if schema is None:
        return None
    try:
        return schema.result_type(info)
    except Exception:  # noqa: BLE001
        return None


# -- the checker --------------------------------------------------------------------------------

def _describe(t: T.FType) -> str:
    return t.describe()


def accepts(kind: str, t: T.FType) -> bool:
    """Can a value of static type t be passed to a parameter of this kind?"""
    for m in T.members(t):
        k = m.kind
        if k in ("unknown", "empty"):
            continue
        if kind in ("any", "boolean", "lambda"):
            continue
        if kind == "text" and k in ("text", "number", "boolean", "date", "person", "page"):
            continue
        if kind == "text_or_list":
            continue
        if kind == "scalar" and k != "list":
            continue
        if kind == "numbers" and k in ("number", "date", "list"):
            continue
        if kind == "person_or_page" and k in ("person", "page"):
            continue
        if kind == k:
            continue
        return False
    return True


_KIND_NAMES = {
    "text": "text", "number": "a number", "date": "a date", "person": "a person", "page": "a page",
    "list": "a list", "numbers": "numbers or a list of numbers", "person_or_page": "a page or a person",
    "scalar": "a single value (not a list)", "text_or_list": "text or a list",
}


class _Checker:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.deps: set[str] = set()
        self.related_deps: set[tuple[str, str]] = set()
        self.uses_now = False
        self.uses_page_id = False

    def visit(self, node: N.Node, scope: dict[str, T.FType]) -> T.FType:
        method = getattr(self, "visit_" + type(node).__name__)
        return method(node, scope)

    # literals
    def visit_Number(self, node, scope):
        return T.NUMBER

    def visit_String(self, node, scope):
        return T.TEXT

    def visit_Boolean(self, node, scope):
        return T.BOOLEAN

    def visit_ListLiteral(self, node, scope):
        return T.list_of(T.union(*[self.visit(i, scope) for i in node.items]) if node.items else T.EMPTY)

    def visit_Identifier(self, node, scope):
        if node.name in scope:
            return scope[node.name]
        if node.name in LAMBDA_VARS:
            raise type_error("MissingContextVariable",
                             f'"{node.name}" can only be used inside a list function such as map() or filter()', node)
        if node.name in FUNCTIONS or node.name in SPECIAL_FORMS:
            raise type_error("CallingNotFunction", f'"{node.name}" is a function: call it with parentheses, like {node.name}()', node)
        if node.name.lower() in ("pi", "e"):
            raise type_error("RenamedIdentifier", f'"{node.name}" is now the function {node.name.lower()}()', node)
        raise type_error("UndefinedIdentifier", f'Undefined variable "{node.name}"', node)

    def visit_PropRef(self, node: N.PropRef, scope):
        label = node.name if node.name is not None else node.token.prop_id
        if node.target is None:
            info = resolve_property(self.schema, node.name, node.token)
            if info is None:
                raise type_error("MissingPropertyOnThisRow", f'Property "{label}" does not exist', node)
            node.info, node.schema = info, self.schema
            self.deps.add(info.id)
            return property_type(info, self.schema)
        target_type = self.visit(node.target, scope)
        pages = [m for m in T.members(target_type) if m.kind != "empty"]
        if not pages or any(not isinstance(m, T.PageType) for m in pages):
            if any(isinstance(m, T.ListType) and isinstance(m.elem, T.PageType) for m in pages):
                raise type_error("MemberPropertyMismatchCollection",
                                 "prop() reads one page; use map(current.prop(...)) on a list of pages", node)
            raise type_error("MemberPropertyTargetNotBlock",
                             f"prop() can only be used on a page, not on {_describe(target_type)}", node)
        page = pages[0]
        if page.schema is None:
            raise type_error("MemberPropertyMissing",
                             f'Property "{label}" cannot be read: the related database is not available', node)
        info = resolve_property(page.schema, node.name, node.token)
        if info is None:
            raise type_error("MemberPropertyMissing", f'Property "{label}" does not exist on the related pages', node)
        node.info, node.schema, node.via = info, page.schema, page.via
        if page.via is not None:
            self.related_deps.add((page.via.id, info.id))
        return property_type(info, page.schema)

    def visit_Unary(self, node: N.Unary, scope):
        t = self.visit(node.operand, scope)
        if node.op == "-":
            if not all(m.kind in ("number", "unknown") for m in T.members(t)):
                raise type_error("UnaryMinusOnNonNumber", f"Cannot negate {_describe(t)}: - needs a number", node)
            return T.NUMBER
        return T.BOOLEAN

    def visit_Binary(self, node: N.Binary, scope):
        lt = self.visit(node.left, scope)
        rt = self.visit(node.right, scope)
        op = node.op
        if op in ("==", "!="):
            return T.BOOLEAN
        if op in ("<", "<=", ">", ">="):
            for t in (lt, rt):
                for m in T.members(t):
                    if m.kind not in ("number", "text", "boolean", "date", "unknown", "empty"):
                        raise type_error("CannotRelativelyCompareTypes", f'Cannot compare {_describe(t)} with "{op}"', node)
            lk = {m.kind for m in T.members(lt)} - {"unknown", "empty"}
            rk = {m.kind for m in T.members(rt)} - {"unknown", "empty"}
            if len(lk) == 1 and len(rk) == 1 and lk != rk:
                raise type_error("CannotRelativelyCompareTypes",
                                 f'Cannot compare {_describe(lt)} and {_describe(rt)} with "{op}"', node)
            return T.BOOLEAN
        if op == "+":
            if lt == T.UNKNOWN or rt == T.UNKNOWN:
                return T.UNKNOWN
            if T.is_a(lt, "number") and T.is_a(rt, "number"):
                return T.NUMBER
            return T.TEXT
        for t in (lt, rt):
            if not all(m.kind in ("number", "unknown", "empty") for m in T.members(t)):
                raise type_error("CannotDoMathOnType", f'Cannot use "{op}" on {_describe(t)}: it needs numbers', node)
        return T.NUMBER

    def visit_Logical(self, node: N.Logical, scope):
        for operand in node.operands:
            self.visit(operand, scope)
        return T.BOOLEAN

    def visit_Ternary(self, node: N.Ternary, scope):
        self.visit(node.cond, scope)
        return T.union(self.visit(node.then, scope), self.visit(node.otherwise, scope))

    # calls
    def visit_Call(self, node: N.Call, scope):
        name = node.name
        if name in SPECIAL_FORMS:
            return getattr(self, "special_" + name)(node, scope)
        fn = FUNCTIONS.get(name)
        if fn is None:
            if name in REMOVED:
                raise type_error("RemovedFunction", f'{name}() was removed from formulas; use {REMOVED[name]} instead', node)
            if name in RENAMED:
                raise type_error("RenamedIdentifier", f'{name}() is now called {RENAMED[name]}()', node)
            if name in scope:
                raise type_error("CallingNotFunction", f'"{name}" is a variable, not a function', node)
            hint = next((f for f in FUNCTIONS if f.lower() == name.lower()), None)
            extra = f' Did you mean {hint}()?' if hint else ""
            raise type_error("UnifiedFunctionCannotFindFunction", f'Unknown function {name}().{extra}', node)
        if name in ("now", "today"):
            self.uses_now = True
        if name == "id" and not node.args:
            self.uses_page_id = True
        n = len(node.args)
        if n < fn.min_args:
            raise type_error("FunctionCallTooFewArguments",
                             f"{name}() needs {'at least ' if fn.max_args != fn.min_args else ''}{fn.min_args} "
                             f"argument{'s' if fn.min_args != 1 else ''}, but got {n}", node)
        if fn.max_args is not None and n > fn.max_args:
            raise type_error("FunctionCallUnexpectedArgument",
                             f"{name}() takes at most {fn.max_args} argument{'s' if fn.max_args != 1 else ''}, but got {n}",
                             node.args[fn.max_args])
        arg_types: list[T.FType] = []
        for i, arg in enumerate(node.args):
            param = fn.param_for(i)
            if param.kind == "lambda":
                current = fn.current_type(arg_types) if fn.current_type else (
                    T.elem_type(arg_types[0]) if arg_types else T.UNKNOWN)
                inner = dict(scope)
                inner["current"] = current
                inner["index"] = T.NUMBER
                arg_types.append(self.visit(arg, inner))
                continue
            t = self.visit(arg, scope)
            if not accepts(param.kind, t):
                if name == "toNumber" and T.may_be(t, "list"):
                    raise type_error("CannotUseToNumberOnList", "toNumber() cannot convert a list", arg)
                if name == "contains" and T.may_be(t, "list"):
                    raise type_error("FunctionCallArgumentWrongType",
                                     "contains() works on text; use includes() to search a list", arg)
                if name == "slice" and t == T.TEXT:
                    raise type_error("FunctionCallArgumentWrongType",
                                     "slice() works on lists; use substring() for text", arg)
                pos = "receiver" if node.method and i == 0 else f'argument {i + 1} ("{param.name}")'
                raise type_error("FunctionCallArgumentWrongType",
                                 f"{name}() expects {_KIND_NAMES.get(param.kind, param.kind)} for its {pos}, "
                                 f"but got {_describe(t)}", arg)
            arg_types.append(t)
        return fn.result_type(arg_types, node.args)

    def special_if(self, node: N.Call, scope):
        if len(node.args) != 3:
            kind = "FunctionCallTooFewArguments" if len(node.args) < 3 else "FunctionCallUnexpectedArgument"
            raise type_error(kind, f"if() takes exactly 3 arguments (condition, then, else), but got {len(node.args)}", node)
        self.visit(node.args[0], scope)
        return T.union(self.visit(node.args[1], scope), self.visit(node.args[2], scope))

    def special_ifs(self, node: N.Call, scope):
        if len(node.args) < 2:
            raise type_error("FunctionCallTooFewArguments", "ifs() needs at least a condition and a value", node)
        results = []
        args = node.args
        for i in range(0, len(args) - 1, 2):
            self.visit(args[i], scope)
            results.append(self.visit(args[i + 1], scope))
        if len(args) % 2:
            results.append(self.visit(args[-1], scope))
        else:
            results.append(T.EMPTY)
        return T.union(*results)

    def special_let(self, node: N.Call, scope):
        if len(node.args) != 3:
            raise type_error("NotEnoughArguments" if len(node.args) < 3 else "FunctionCallUnexpectedArgument",
                             f"let() takes a name, a value and an expression, but got {len(node.args)} arguments", node)
        return self._bindings(node, scope)

    def special_lets(self, node: N.Call, scope):
        if len(node.args) < 3 or len(node.args) % 2 == 0:
            raise type_error("NotEnoughArguments",
                             "lets() takes pairs of names and values followed by an expression", node)
        return self._bindings(node, scope)

    def _bindings(self, node: N.Call, scope):
        inner = dict(scope)
        args = node.args
        for i in range(0, len(args) - 1, 2):
            name_node = args[i]
            if not isinstance(name_node, N.Identifier):
                raise type_error("LetBindingNameNotIdentifier",
                                 f"{node.name}() needs a variable name here, like {node.name}(x, 1, x + 1)", name_node)
            inner[name_node.name] = self.visit(args[i + 1], inner)
        return self.visit(args[-1], inner)

