"""Lexer for Notion formulas 2.0 (computed.md §1.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import errors
from .tokens import ANY_TOKEN_RE, TOKEN_RE, PropertyToken

NUM, STR, IDENT, PROP, OP, AND, OR, NOT, BOOL, EOF = (
    "number", "string", "identifier", "property", "operator", "and", "or", "not", "boolean", "end")

_NUMBER_RE = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_IDENT_RE = re.compile(r"[^\W\d][\w]*", re.UNICODE)
_OPERATORS = ("==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "^", "<", ">", "!",
              "?", ":", "(", ")", "[", "]", ",", ".")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass(frozen=True)
class Token:
    kind: str
    value: object
    start: int
    end: int
    # True when whitespace or a comment came right before this token.
    spaced: bool = False


def tokenize(src: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(src)
    spaced = False
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
            spaced = True
            continue
        if src.startswith("/*", i):
            close = src.find("*/", i + 2)
            if close < 0:
                raise errors.syntax("UnclosedComment", "Unclosed comment", i)
            i = close + 2
            spaced = True
            continue
        start = i
        if c == '"':
            i, value = _read_string(src, i)
            tokens.append(Token(STR, value, start, i, spaced))
        elif c.isdigit():
            m = _NUMBER_RE.match(src, i)
            end = m.end()
            if end < n and (src[end].isdigit() or src[end] == "_" or
                            (src[end].isalpha() and src[end] not in "eE")):
                raise errors.syntax("InvalidCharacter", f'Invalid number "{src[start:end + 1]}"', start)
            if m.group(1) == "0" and end < n and src[end].isdigit():
                raise errors.syntax("InvalidCharacter", "Numbers cannot have leading zeros", start)
            tokens.append(Token(NUM, m.group(0), start, end, spaced))
            i = end
        elif src.startswith("{{", i):
            m = TOKEN_RE.match(src, i)
            if not m:
                other = ANY_TOKEN_RE.match(src, i)
                if other:
                    raise errors.syntax("PropertyTokenOrFunctionExpected",
                                        f"Unsupported token {other.group(0)}", start, other.end())
                raise errors.syntax("InvalidCharacter", 'Invalid character "{"', start)
            token = PropertyToken(m.group("prop"), m.group("ds"), m.group("ws"))
            tokens.append(Token(PROP, token, start, m.end(), spaced))
            i = m.end()
        elif _IDENT_RE.match(src, i):
            m = _IDENT_RE.match(src, i)
            word = m.group(0)
            end = m.end()
            low = word.lower()
            followed_by_space = end < n and (src[end].isspace() or src.startswith("/*", end))
            if low in ("true", "false"):
                tokens.append(Token(BOOL, low == "true", start, end, spaced))
            elif low in ("and", "or", "not") and followed_by_space:
                tokens.append(Token({"and": AND, "or": OR, "not": NOT}[low], word, start, end, spaced))
            else:
                tokens.append(Token(IDENT, word, start, end, spaced))
            i = end
        else:
            for op in _OPERATORS:
                if src.startswith(op, i):
                    kind = {"&&": AND, "||": OR, "!": NOT}.get(op, OP)
                    tokens.append(Token(kind, op, start, start + len(op), spaced))
                    i += len(op)
                    break
            else:
                if c == "=":
                    raise errors.syntax("InvalidCharacter", 'Invalid character "=" (use "==" to compare)', start)
                raise errors.syntax("InvalidCharacter", f'Invalid character "{c}"', start)
        spaced = False
    tokens.append(Token(EOF, None, n, n, spaced))
    return tokens


def _read_string(src: str, i: int) -> tuple[int, str]:
    start = i
    i += 1
    out: list[str] = []
    n = len(src)
    while i < n:
        c = src[i]
        if c == '"':
            value = "".join(out)
            if ANY_TOKEN_RE.search(value):
                raise errors.syntax("StringLiteralContainsToken",
                                    "A text value cannot contain a property token", start, i + 1)
            return i + 1, value
        if c == "\\" and i + 1 < n:
            nxt = src[i + 1]
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    raise errors.syntax("UnclosedStringLiteral", "Unclosed text value (missing closing quote)", start)
