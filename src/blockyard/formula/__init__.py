"""Blockyard's formula and rollup engine: Notion formulas 2.0, pure Python, no I/O, no clock.

    compile_formula(expression, schema) -> CompiledFormula     raises FormulaError
    CompiledFormula.evaluate(row, now) -> {"type": "number", "number": 4}
    compute_rollup(function, target, values) -> {"type": "number", "number": 3, "function": "count"}

Layout: lexer -> parser (AST in nodes) -> checker (types, schema) -> evaluator (functions/*),
values (API <-> formula values), dates, jsnum (Notion's arithmetic), tokens, printer, rollups.
"""

from __future__ import annotations

from .compiler import CompiledFormula, compile_formula
from .errors import FormulaError
from .rollups import compute_rollup
from .schema import PropertyInfo, Row, Schema

__all__ = [
    "FormulaError", "PropertyInfo", "Schema", "Row", "CompiledFormula", "compile_formula",
    "compute_rollup",
]
