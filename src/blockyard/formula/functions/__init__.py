"""The function library: one module per family registers its functions here.

A function is described by its parameters (used both by the type checker and to coerce
arguments at run time, computed.md §1.5 "Library argument coercion"), its result type, and a
Python implementation `impl(ctx, *args)`.

Parameter kinds:
    any           anything, passed as is
    boolean       anything; the function receives its truthiness
    text          number/text/boolean/date/person/page; the function receives format(value)
    number        a number; a blank value makes the result blank
    date, person, page   likewise
    list          a list (a blank value reads as [])
    text_or_list  text or list, passed as is (other values are formatted to text)
    numbers       numbers, dates or lists of them (sum, min, max, mean, median)
    lambda        an expression evaluated per list element with `current` and `index`
"""

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


def load() -> dict[str, Function]:
    """Import every family so the registry is complete."""
    from . import dates, lists, logic, numbers, people, text  # noqa: F401
    return REGISTRY
