"""Errors of the formula engine.

    FormulaError            raised by compile_formula: bad syntax, unknown property, type error.
                            The server turns it into a 400 validation_error with `.message`.
    FormulaRuntimeError     raised inside evaluation only; never leaves CompiledFormula.evaluate
                            (Notion shows the cell as an error and the API returns null).

Each error has a `kind` named after the error kinds of Notion's own engine (computed.md §1.4,
§1.9), so tests and callers can match on it without depending on the exact wording.
"""

from __future__ import annotations


class FormulaError(Exception):
    """A formula that cannot be saved: syntax, unknown property or type error."""

    def __init__(self, message: str, kind: str = "FormulaError", start: int | None = None,
                 end: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"FormulaError({self.kind}: {self.message!r})"


class FormulaRuntimeError(Exception):
    """An error while evaluating one row (division by a list, bad regex, unknown unit...)."""

    def __init__(self, kind: str, message: str = "") -> None:
        super().__init__(message or kind)
        self.kind = kind
        self.message = message or kind


class DepthExceeded(FormulaRuntimeError):
    """Never swallowed by lambdas or let bindings."""

    def __init__(self) -> None:
        super().__init__("DepthExceeded", "Formula evaluation is nested too deeply.")


def syntax(kind: str, message: str, start: int, end: int | None = None) -> FormulaError:
    return FormulaError(f"{message} (at character {start + 1})", kind, start,
                        start + 1 if end is None else end)


def type_error(kind: str, message: str, node=None) -> FormulaError:
    start = getattr(node, "start", None)
    end = getattr(node, "end", None)
    return FormulaError(message, kind, start, end)
