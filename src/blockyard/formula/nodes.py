"""AST of a formula. Positions are character offsets in the source (end exclusive).

The checker fills in the `info`/`type` slots of property references; everything else is
immutable once parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .tokens import PropertyToken


@dataclass(eq=False)
class Node:
    start: int
    end: int


@dataclass(eq=False)
class Number(Node):
    value: float
    text: str


@dataclass(eq=False)
class String(Node):
    value: str


@dataclass(eq=False)
class Boolean(Node):
    value: bool


@dataclass(eq=False)
class ListLiteral(Node):
    items: list[Node]


@dataclass(eq=False)
class Identifier(Node):
    name: str


@dataclass(eq=False)
class PropRef(Node):
    """A property of this row (`prop("Name")` or a bare token), or, when `target` is set, of the
    page `target` evaluates to (`current.prop("Name")`, `current.{{token}}`).

    `ref_start`/`ref_end` delimit the `prop(...)` call or the token itself in the source, the part
    that expression rewriting replaces.
    """
    name: str | None
    token: PropertyToken | None
    target: Node | None = None
    ref_start: int = 0
    ref_end: int = 0
    info: Any = None          # PropertyInfo, set by the checker
    via: Any = None           # PropertyInfo of the relation a member access goes through
    schema: Any = None        # schema the property was resolved in


@dataclass(eq=False)
class Call(Node):
    name: str
    args: list[Node]
    method: bool = False      # written as args[0].name(args[1:])
    name_start: int = 0


@dataclass(eq=False)
class Unary(Node):
    op: str                   # "-" or "!" / "not"
    operand: Node


@dataclass(eq=False)
class Binary(Node):
    op: str                   # + - * / % ^ == != < <= > >=
    left: Node
    right: Node


@dataclass(eq=False)
class Logical(Node):
    op: str                   # "and" / "&&" / "or" / "||" as written
    operands: list[Node] = field(default_factory=list)

    @property
    def is_and(self) -> bool:
        return self.op.lower() in ("and", "&&")


@dataclass(eq=False)
class Ternary(Node):
    cond: Node
    then: Node
    otherwise: Node


def walk(node: Node):
    """Yield node and all its descendants (pre-order)."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> list[Node]:
    if isinstance(node, ListLiteral):
        return list(node.items)
    if isinstance(node, PropRef):
        return [node.target] if node.target is not None else []
    if isinstance(node, Call):
        return list(node.args)
    if isinstance(node, Unary):
        return [node.operand]
    if isinstance(node, Binary):
        return [node.left, node.right]
    if isinstance(node, Logical):
        return list(node.operands)
    if isinstance(node, Ternary):
        return [node.cond, node.then, node.otherwise]
    return []
