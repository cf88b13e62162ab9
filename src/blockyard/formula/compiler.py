"""compile_formula and CompiledFormula: parse + check once, evaluate per row."""

from __future__ import annotations

from datetime import datetime

from . import printer
from . import types as T
from .checker import check
from .errors import FormulaRuntimeError
from .evaluator import Context, evaluate, minute_now
from .parser import parse
from .schema import Row, Schema
from .values import empty_result, to_api_result


class CompiledFormula:
    """A formula checked against one version of a schema.

    result_type            the API type: "string" | "number" | "boolean" | "date"
    formula_type           the static formula type (types.FType), e.g. list of text
    dependencies           ids of this row's properties the formula reads
    related_dependencies   (relation property id, property id on the related pages) pairs read
                           through relations (one pair per hop for nested relations)
    uses_now               True when the value depends on the clock (now(), today())
    """

    def __init__(self, expression: str, schema: Schema) -> None:
        self.expression = expression
        self.schema = schema
        self.ast = parse(expression)
        result = check(self.ast, schema)
        self.formula_type: T.FType = result.type
        self.result_type: str = T.api_type(result.type)
        self.dependencies: frozenset[str] = frozenset(result.dependencies)
        self.related_dependencies: frozenset[tuple[str, str]] = frozenset(result.related_dependencies)
        self.uses_now: bool = result.uses_now
        self.uses_page_id: bool = result.uses_page_id

    def __repr__(self) -> str:
        return f"CompiledFormula({self.expression!r} -> {self.result_type})"

    def evaluate(self, row: Row, now: datetime) -> dict:
        """The API formula value for `row`, e.g. {"type": "number", "number": 4}.

        Any runtime error gives null of the result type, as the API shows a formula whose cell
        is an error.
        """
        ctx = Context(now=minute_now(now), row=row)
        try:
            value = evaluate(self.ast, ctx)
        except (FormulaRuntimeError, RecursionError, ArithmeticError, ValueError):
            return empty_result(self.result_type)
        return to_api_result(value, self.result_type)

    def expression_for_api(self, schema: Schema | None = None, data_source_id: str | None = None,
                           workspace_id: str | None = None, style: str = "prop") -> str:
        """How a schema response shows the expression.

        style="prop" (default, Notion's behaviour since the 2026-08-12 change): the expression as
        written, each property reference rendered as prop("Current name"), or as a token when
        the name does not identify the property.
        style="token": the canonical token-era print (Sep 2023 - mid 2026, the shape in the
        2026-03-11 recordings).
        style="stored": the expression as written with every reference as a token; store this so
        that renaming a property does not break the formula.
        """
        if schema is not None and schema is not self.schema:
            return CompiledFormula(self.expression_for_storage(data_source_id, workspace_id),
                                   schema).expression_for_api(None, data_source_id, workspace_id, style)
        if style == "token":
            return printer.canonical(self.ast, data_source_id, workspace_id)
        if style == "stored":
            return printer.rewrite(self.expression, self.ast, "token", data_source_id, workspace_id)
        return printer.rewrite(self.expression, self.ast, "prop", data_source_id, workspace_id)

    def expression_for_storage(self, data_source_id: str | None = None,
                               workspace_id: str | None = None) -> str:
        return printer.rewrite(self.expression, self.ast, "token", data_source_id, workspace_id)


def compile_formula(expression: str, schema: Schema) -> CompiledFormula:
    """Parse and type-check `expression` against `schema`; raises FormulaError."""
    return CompiledFormula(expression, schema)
