"""People functions: name, email (computed.md §1.6 People)."""

from __future__ import annotations

from .. import types as T
from ..errors import FormulaRuntimeError
from ..values import EMPTY
from .registry import p, register

F = "people"


@register("name", [p("person", "person")], T.TEXT, F)
def name(ctx, person):
    if person.name is None:
        raise FormulaRuntimeError("UserNotFound", "The user could not be found")
    return person.name


@register("email", [p("person", "person")], T.TEXT, F)
def email(ctx, person):
    if person.kind == "group":
        return ""
    if person.kind == "bot":
        return EMPTY
    return person.email if person.email else EMPTY
