"""The function registry: what a function is, and `register`, which each family module uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .. import types as T

BLANKABLE = ("number", "date", "person", "page", "person_or_page")


@dataclass(frozen=True)
class Param:
    kind: str
    name: str
    optional: bool = False
    variadic: bool = False


@dataclass
class Function:
    name: str
    params: list[Param]
    returns: Any                     # FType, or callable(arg_types, arg_nodes) -> FType
    impl: Callable
    family: str
    # A blank number/date/person/page argument makes the result blank without calling impl.
    blank_passthrough: bool = True
    # For lambda parameters: the type of `current`, from the argument types (default: the
    # element type of the first argument).
    current_type: Callable | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def min_args(self) -> int:
        return sum(1 for p in self.params if not p.optional and not p.variadic)

    @property
    def max_args(self) -> int | None:
        if any(p.variadic for p in self.params):
            return None
        return len(self.params)

    def param_for(self, index: int) -> Param:
        if index < len(self.params):
            return self.params[index]
        last = self.params[-1]
        return last

    def result_type(self, arg_types: list[T.FType], arg_nodes: list) -> T.FType:
        if callable(self.returns):
            return self.returns(arg_types, arg_nodes)
        return self.returns


REGISTRY: dict[str, Function] = {}

# Functions of formulas 1.0 that 2.0 removed or renamed (computed.md §1.1).
REMOVED = {
    "larger": "the > operator", "smaller": "the < operator", "largerEq": "the >= operator",
    "smallerEq": "the <= operator", "unaryMinus": "the - operator", "unaryPlus": "toNumber()",
}
RENAMED = {"start": "dateStart", "end": "dateEnd"}


def register(name: str, params: list[Param], returns: Any, family: str, **kw) -> Callable:
    def deco(impl: Callable) -> Callable:
        REGISTRY[name] = Function(name, params, returns, impl, family, **kw)
        return impl
    return deco


def p(kind: str, name: str = "value", optional: bool = False, variadic: bool = False) -> Param:
    return Param(kind, name, optional, variadic)


def first_elem(arg_types: list[T.FType], _nodes=None) -> T.FType:
    return T.elem_type(arg_types[0]) if arg_types else T.UNKNOWN


def same_as_first(arg_types: list[T.FType], _nodes=None) -> T.FType:
    return arg_types[0] if arg_types else T.UNKNOWN
