"""Gap-friendly order keys: strings over base 62 that sort byte-wise.

Appending increments the last key (keys stay short); inserting between two keys takes a
midpoint, so no sibling ever needs renumbering."""

from __future__ import annotations

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(DIGITS)}
FIRST = "V000"


def after(key: str | None) -> str:
    """A key after `key`, keeping its length while it can."""
    if key is None:
        return FIRST
    digits = list(key)
    for i in range(len(digits) - 1, -1, -1):
        n = _INDEX[digits[i]] + 1
        if n < len(DIGITS):
            digits[i] = DIGITS[n]
            return "".join(digits[: i + 1]) + "".join(digits[i + 1 :])
        digits[i] = "0"
    return key + "V"


def between(lo: str | None, hi: str | None) -> str:
    """A key strictly between lo and hi (None meaning the open end)."""
    if hi is None:
        return after(lo)
    return _midpoint(lo or "", hi)


def _midpoint(a: str, b: str | None) -> str:
    if b is not None:
        n = 0
        while n < len(b) and (a[n] if n < len(a) else "0") == b[n]:
            n += 1
        if n > 0:
            return b[:n] + _midpoint(a[n:], b[n:])
    da = _INDEX[a[0]] if a else 0
    db = _INDEX[b[0]] if b else len(DIGITS)
    if db - da > 1:
        return DIGITS[(da + db) // 2]
    if b is not None and len(b) > 1:
        return b[0]
    return DIGITS[da] + _midpoint(a[1:], None)
