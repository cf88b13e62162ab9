"""Static types of the formula language (computed.md §1.2).

    number, text, boolean (UI "checkbox"), date, person, page, list<T>
    empty    the type of empty(): fits anywhere, disappears in unions
    unknown  a value the checker cannot type (a formula of unknown result type); accepted anywhere
    union    the result of if()/ifs() branches of different types
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class FType:
    kind: str = "?"

    def __repr__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        return self.kind


@dataclass(frozen=True, repr=False)
class Scalar(FType):
    kind: str

    def describe(self) -> str:
        return self.kind


NUMBER = Scalar("number")
TEXT = Scalar("text")
BOOLEAN = Scalar("boolean")
DATE = Scalar("date")
PERSON = Scalar("person")
EMPTY = Scalar("empty")
UNKNOWN = Scalar("unknown")


@dataclass(frozen=True, repr=False)
class PageType(FType):
    """A page of a data source whose schema is known (reached through a relation)."""
    schema: Any = field(compare=False, default=None)
    via: Any = field(compare=False, default=None)      # the relation PropertyInfo
    kind: str = "page"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PageType) and other.schema is self.schema

    def __hash__(self) -> int:
        return hash(("page", id(self.schema)))


PAGE = PageType()


@dataclass(frozen=True, repr=False)
class ListType(FType):
    elem: FType
    kind: str = "list"

    def describe(self) -> str:
        return "list" if self.elem in (UNKNOWN, EMPTY) else f"list of {self.elem.describe()}"


@dataclass(frozen=True, repr=False)
class UnionType(FType):
    members: tuple[FType, ...]
    kind: str = "union"

    def describe(self) -> str:
        return " or ".join(m.describe() for m in self.members)


def list_of(elem: FType) -> ListType:
    return ListType(elem)


def union(*types: FType) -> FType:
    """The type of a value that may come from any of `types`."""
    flat: list[FType] = []
    for t in types:
        members = t.members if isinstance(t, UnionType) else (t,)
        for m in members:
            if m == UNKNOWN:
                return UNKNOWN
            if m == EMPTY:
                continue
            if isinstance(m, ListType):
                existing = next((x for x in flat if isinstance(x, ListType)), None)
                if existing is not None:
                    flat[flat.index(existing)] = ListType(union(existing.elem, m.elem))
                    continue
            if m not in flat:
                flat.append(m)
    if not flat:
        return EMPTY
    if len(flat) == 1:
        return flat[0]
    return UnionType(tuple(flat))


def members(t: FType) -> tuple[FType, ...]:
    return t.members if isinstance(t, UnionType) else (t,)


def is_a(t: FType, kind: str) -> bool:
    """True when every possible value of t is of `kind` (unknown and empty count as fitting)."""
    return all(m.kind in (kind, "unknown", "empty") for m in members(t))


def may_be(t: FType, kind: str) -> bool:
    return any(m.kind in (kind, "unknown") for m in members(t))


def elem_type(t: FType) -> FType:
    """Element type of a list type (or of a union of list types)."""
    elems = [m.elem for m in members(t) if isinstance(m, ListType)]
    if any(m == UNKNOWN for m in members(t)):
        return UNKNOWN
    return union(*elems) if elems else UNKNOWN


def api_type(t: FType) -> str:
    """The formula result type the API shows: "number", "string", "boolean" or "date".

    Lists, people, pages, unions of different types and unknown values render as text
    (computed.md §1.8).
    """
    if t == NUMBER:
        return "number"
    if t == BOOLEAN:
        return "boolean"
    if t == DATE:
        return "date"
    return "string"


# Result types of formula/rollup properties as the API (and Schema.result_type) names them.
API_RESULT_TYPES: dict[str, FType] = {
    "number": NUMBER, "string": TEXT, "text": TEXT, "boolean": BOOLEAN, "checkbox": BOOLEAN,
    "date": DATE,
}
