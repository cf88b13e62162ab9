"""Recursive-descent (Pratt style) parser with Notion's precedence (computed.md §1.4).

Lowest to highest:
    1  c ? a : b          both branches parsed at level 2
    2  or  ||             n-ary
    3  and &&             n-ary
    4  == !=              non-associative
    5  < <= > >=          non-associative
    6  + -                left
    7  * / %              left
    8  ^                  right
    9  prefix - ! not     one per operand; "-<number>" is a negative literal
    10 postfix .f(...) .prop("X") .{{token}}
    11 literals, (e), [e, ...], identifiers, f(...), prop("X"), {{token}}
"""

from __future__ import annotations

from . import errors, nodes
from .lexer import AND, BOOL, EOF, IDENT, NOT, NUM, OP, OR, PROP, STR, Token, tokenize

MAX_NESTING = 200


def parse(src: str) -> nodes.Node:
    return _Parser(src).parse()


class _Parser:
    def __init__(self, src: str) -> None:
        self.src = src
        self.toks = tokenize(src)
        self.i = 0
        self.depth = 0

    # -- helpers ---------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def advance(self) -> Token:
        t = self.toks[self.i]
        self.i += 1
        return t

    def is_op(self, *ops: str) -> bool:
        return self.tok.kind == OP and self.tok.value in ops

    def expect_op(self, op: str) -> Token:
        if not self.is_op(op):
            t = self.tok
            if t.kind == EOF:
                raise errors.syntax("TokenExpected", f'Expected "{op}" but the formula ended', t.start)
            raise errors.syntax("TokenExpected", f'Expected "{op}" but found {_describe(t)}', t.start, t.end)
        return self.advance()

    # -- grammar ---------------------------------------------------------------------------
    def parse(self) -> nodes.Node:
        if self.tok.kind == EOF:
            raise errors.syntax("ExpressionExpected", "The formula is empty", 0)
        node = self.ternary()
        if self.tok.kind != EOF:
            t = self.tok
            raise errors.syntax("EndOfInputExpected", f"Unexpected {_describe(t)}", t.start, t.end)
        return node

    def ternary(self) -> nodes.Node:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise errors.syntax("TooDeeplyNested", "The formula is nested too deeply", self.tok.start)
        try:
            cond = self.logical_or()
            if not self.is_op("?"):
                return cond
            self.advance()
            then = self.logical_or()
            self.expect_op(":")
            otherwise = self.logical_or()
            return nodes.Ternary(cond.start, otherwise.end, cond, then, otherwise)
        finally:
            self.depth -= 1

    def logical_or(self) -> nodes.Node:
        return self._chain(OR, self.logical_and)

    def logical_and(self) -> nodes.Node:
        return self._chain(AND, self.equality)

    def _chain(self, kind: str, sub) -> nodes.Node:
        first = sub()
        if self.tok.kind != kind:
            return first
        op = self.tok.value
        operands = [first]
        while self.tok.kind == kind:
            self.advance()
            operands.append(sub())
        return nodes.Logical(first.start, operands[-1].end, op, operands)

    def equality(self) -> nodes.Node:
        return self._non_assoc(("==", "!="), self.relational)

    def relational(self) -> nodes.Node:
        return self._non_assoc(("<", "<=", ">", ">="), self.additive)

    def _non_assoc(self, ops: tuple[str, ...], sub) -> nodes.Node:
        left = sub()
        if not self.is_op(*ops):
            return left
        op = self.advance().value
        right = sub()
        if self.is_op(*ops):
            t = self.tok
            raise errors.syntax("EndOfInputExpected",
                                f'Comparisons cannot be chained: wrap one side of "{t.value}" in parentheses',
                                t.start, t.end)
        return nodes.Binary(left.start, right.end, op, left, right)

    def additive(self) -> nodes.Node:
        return self._left_assoc(("+", "-"), self.multiplicative)

    def multiplicative(self) -> nodes.Node:
        return self._left_assoc(("*", "/", "%"), self.power)

    def _left_assoc(self, ops: tuple[str, ...], sub) -> nodes.Node:
        left = sub()
        while self.is_op(*ops):
            op = self.advance().value
            right = sub()
            left = nodes.Binary(left.start, right.end, op, left, right)
        return left

    def power(self) -> nodes.Node:
        base = self.unary()
        if not self.is_op("^"):
            return base
        self.advance()
        exponent = self.power()
        return nodes.Binary(base.start, exponent.end, "^", base, exponent)

    def unary(self) -> nodes.Node:
        t = self.tok
        if t.kind == OP and t.value == "-" and self.peek().kind == NUM:
            # "-20.abs()" is (-20).abs(): a minus right before a number literal binds tightest.
            self.advance()
            num = self.advance()
            literal = nodes.Number(t.start, num.end, -float(num.value), "-" + num.value)
            return self.postfix(literal)
        if (t.kind == OP and t.value == "-") or t.kind == NOT:
            self.advance()
            nxt = self.tok
            if (nxt.kind == OP and nxt.value == "-") or nxt.kind == NOT:
                raise errors.syntax("ExpressionExpected",
                                    "Only one prefix operator is allowed; use parentheses", nxt.start, nxt.end)
            operand = self.postfix(self.primary())
            op = "-" if t.value == "-" else ("not" if str(t.value).lower() == "not" else "!")
            return nodes.Unary(t.start, operand.end, op, operand)
        return self.postfix(self.primary())

    def postfix(self, node: nodes.Node) -> nodes.Node:
        while True:
            if self.is_op("."):
                dot = self.advance()
                t = self.tok
                if t.kind == PROP:
                    self.advance()
                    node = nodes.PropRef(node.start, t.end, None, t.value, node, t.start, t.end)
                elif t.kind in (IDENT, BOOL, AND, OR, NOT):
                    # keywords are plain names after a dot: x.and(y), x.not()
                    self.advance()
                    name = t.value if t.kind == IDENT else str(t.value).lower()
                    if t.kind == BOOL:
                        name = "true" if t.value else "false"
                    if not self.is_op("("):
                        raise errors.syntax("TokenExpected",
                                            f'Expected "(" after "{name}" (functions need parentheses)',
                                            self.tok.start)
                    args, close = self.arguments()
                    if name == "prop":
                        node = self._member_prop(node, args, t.start, close.end)
                    else:
                        node = nodes.Call(node.start, close.end, name, [node] + args, True, t.start)
                else:
                    raise errors.syntax("PropertyTokenOrFunctionExpected",
                                        f'Expected a function name or property after "."', t.start if t.kind != EOF else dot.start)
            elif self.is_op("(") and not self.tok.spaced:
                raise errors.syntax("CallingNotFunction", "Only functions can be called", self.tok.start)
            else:
                return node

    def _member_prop(self, target: nodes.Node, args: list[nodes.Node], start: int, end: int) -> nodes.PropRef:
        name = _prop_name(args, start, end)
        return nodes.PropRef(target.start, end, name, None, target, start, end)

    def arguments(self) -> tuple[list[nodes.Node], Token]:
        self.expect_op("(")
        args: list[nodes.Node] = []
        if self.is_op(")"):
            return args, self.advance()
        while True:
            args.append(self.ternary())
            if self.is_op(","):
                self.advance()
                continue
            return args, self.expect_op(")")

    def primary(self) -> nodes.Node:
        t = self.tok
        if t.kind == NUM:
            self.advance()
            return nodes.Number(t.start, t.end, float(t.value), t.value)
        if t.kind == STR:
            self.advance()
            return nodes.String(t.start, t.end, t.value)
        if t.kind == BOOL:
            self.advance()
            return nodes.Boolean(t.start, t.end, t.value)
        if t.kind == PROP:
            self.advance()
            return nodes.PropRef(t.start, t.end, None, t.value, None, t.start, t.end)
        if t.kind in (IDENT, AND, OR, NOT):
            # "and(", "or(", "not(" are function calls (keywords need whitespace after them)
            self.advance()
            name = t.value if t.kind == IDENT else str(t.value).lower()
            if self.is_op("("):
                args, close = self.arguments()
                if name == "prop":
                    pname = _prop_name(args, t.start, close.end)
                    return nodes.PropRef(t.start, close.end, pname, None, None, t.start, close.end)
                return nodes.Call(t.start, close.end, name, args, False, t.start)
            if t.kind != IDENT:
                raise errors.syntax("ExpressionExpected", f'Expected an expression after "{t.value}"', t.end)
            return nodes.Identifier(t.start, t.end, name)
        if t.kind == OP and t.value == "(":
            self.advance()
            inner = self.ternary()
            self.expect_op(")")
            return inner
        if t.kind == OP and t.value == "[":
            self.advance()
            items: list[nodes.Node] = []
            if not self.is_op("]"):
                while True:
                    items.append(self.ternary())
                    if self.is_op(","):
                        self.advance()
                        continue
                    break
            close = self.expect_op("]")
            return nodes.ListLiteral(t.start, close.end, items)
        if t.kind == EOF:
            raise errors.syntax("ExpressionExpected", "Expected an expression but the formula ended", t.start)
        raise errors.syntax("ExpressionExpected", f"Expected an expression but found {_describe(t)}", t.start, t.end)


def _prop_name(args: list[nodes.Node], start: int, end: int) -> str:
    if len(args) != 1 or not isinstance(args[0], nodes.String):
        raise errors.FormulaError('prop() takes exactly one property name in quotes, like prop("Name")',
                                  "InvalidPropCall", start, end)
    return args[0].value


def _describe(t: Token) -> str:
    if t.kind == EOF:
        return "the end of the formula"
    if t.kind == STR:
        return "a text value"
    if t.kind == NUM:
        return f'the number {t.value}'
    if t.kind == PROP:
        return "a property"
    return f'"{t.value}"'
