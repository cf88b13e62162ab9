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

from .registry import (  # noqa: F401  (the library's names, for the checker and evaluator)
    BLANKABLE, REGISTRY, REMOVED, RENAMED, Function, Param, first_elem, p, register, same_as_first,
)


def load() -> dict[str, Function]:
    """Import every family so the registry is complete."""
    from . import dates, lists, logic, numbers, people, text  # noqa: F401
    return REGISTRY
