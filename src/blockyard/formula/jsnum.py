"""Notion's number arithmetic (computed.md §1.5).

Numbers are IEEE doubles (Python float). `+ - *` on two integers use plain double arithmetic;
anything else goes through decimal arithmetic the way big.js does it, so 0.1 + 0.2 == 0.3.
Division always uses decimal arithmetic with 20 decimal places, rounding half up. A number that
leaves the engine is rounded to 12 decimals; NaN and infinities become empty.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

_CTX_PREC = 420
_DP20 = Decimal("1e-20")
_DP12 = Decimal("1e-12")


def is_integral(x: float) -> bool:
    return math.isfinite(x) and float(x).is_integer()


def _dec(x: float) -> Decimal:
    return Decimal(repr(float(x)))


def _to_float(d: Decimal) -> float:
    try:
        return float(d)
    except (OverflowError, InvalidOperation):
        return math.nan


def add(a: float, b: float) -> float:
    if not (math.isfinite(a) and math.isfinite(b)) or (is_integral(a) and is_integral(b)):
        return float(a) + float(b)
    with localcontext() as ctx:
        ctx.prec = _CTX_PREC
        return _to_float(_dec(a) + _dec(b))


def subtract(a: float, b: float) -> float:
    return add(a, -b)


def multiply(a: float, b: float) -> float:
    if not (math.isfinite(a) and math.isfinite(b)) or (is_integral(a) and is_integral(b)):
        return float(a) * float(b)
    with localcontext() as ctx:
        ctx.prec = _CTX_PREC
        return _to_float(_dec(a) * _dec(b))


def divide(a: float, b: float) -> float | None:
    """a / b, or None (empty) when b is 0."""
    if b == 0:
        return None
    if not (math.isfinite(a) and math.isfinite(b)):
        return a / b
    with localcontext() as ctx:
        ctx.prec = _CTX_PREC
        q = (_dec(a) / _dec(b)).quantize(_DP20, rounding=ROUND_HALF_UP)
        return _to_float(q)


def modulo(a: float, b: float) -> float | None:
    """a % b with the sign of the dividend, or None (empty) when b is 0."""
    if b == 0:
        return None
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.fmod(a, b) if math.isfinite(a) else math.nan
    if is_integral(b):
        return math.fmod(a, b)
    with localcontext() as ctx:
        ctx.prec = _CTX_PREC
        return _to_float(_dec(a) % _dec(b))


def power(a: float, b: float) -> float:
    if math.isfinite(a) and not is_integral(a) and is_integral(b) and abs(b) <= 1000:
        with localcontext() as ctx:
            ctx.prec = _CTX_PREC
            n = int(b)
            d = _dec(a) ** abs(n)
            if n < 0:
                d = (Decimal(1) / d).quantize(_DP20, rounding=ROUND_HALF_UP)
            return _to_float(d)
    return js_pow(a, b)


def js_pow(a: float, b: float) -> float:
    """JavaScript's a ** b."""
    if math.isnan(b):
        return math.nan
    if b == 0:
        return 1.0
    if math.isnan(a):
        return math.nan
    if abs(a) == 1 and math.isinf(b):
        return math.nan
    try:
        return math.pow(a, b)
    except OverflowError:
        if a < 0 and is_integral(b) and int(b) % 2 == 1:
            return -math.inf
        return math.inf
    except ValueError:
        if a == 0:
            if b < 0:
                odd = is_integral(b) and int(b) % 2 == 1
                return math.copysign(math.inf, a) if odd else math.inf
            return 0.0
        return math.nan


def js_round(x: float) -> float:
    """Math.round: halves go towards +infinity."""
    if not math.isfinite(x):
        return x
    r = math.floor(x)
    if x - r >= 0.5:
        r += 1
    return float(r)


def to_integer(x: float) -> float:
    """ECMAScript ToIntegerOrInfinity."""
    if math.isnan(x):
        return 0.0
    if math.isinf(x):
        return x
    return float(math.trunc(x))


def finish(x: float) -> float | None:
    """A number leaving the engine: 12 decimals at most; NaN and infinities become None."""
    if x is None or not math.isfinite(x):
        return None
    d = _dec(x)
    if d.as_tuple().exponent < -12:
        with localcontext() as ctx:
            ctx.prec = _CTX_PREC
            d = d.quantize(_DP12, rounding=ROUND_HALF_UP)
        x = float(d)
    return 0.0 if x == 0 else x


def to_api_number(x: float | None) -> int | float | None:
    """The JSON number Notion would print: integers without a fraction."""
    x = finish(x) if x is not None else None
    if x is None:
        return None
    if x.is_integer() and abs(x) < 1e21:
        return int(x)
    return x


def to_js_string(x: float) -> str:
    """Number.prototype.toString() for a double."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + to_js_string(-x)
    r = repr(float(x))
    mantissa, _, exp = r.partition("e")
    e = int(exp) if exp else 0
    if "." in mantissa:
        int_part, frac = mantissa.split(".")
    else:
        int_part, frac = mantissa, ""
    if frac == "0":
        frac = ""
    digits = (int_part + frac).lstrip("0")
    # position of the decimal point relative to the start of `digits`
    lead_zeros = len(int_part + frac) - len((int_part + frac).lstrip("0"))
    n = len(int_part) + e - lead_zeros
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    sign = "+" if n - 1 >= 0 else "-"
    if k == 1:
        return f"{digits}e{sign}{abs(n - 1)}"
    return f"{digits[0]}.{digits[1:]}e{sign}{abs(n - 1)}"


_PARSE_FLOAT_RE = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_JS_WS = " \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def parse_float(s: str) -> float:
    """JavaScript parseFloat()."""
    s = s.lstrip(_JS_WS)
    m = _PARSE_FLOAT_RE.match(s)
    if not m:
        return math.nan
    text = m.group(0)
    if text.lstrip("+-") == "Infinity":
        return -math.inf if text.startswith("-") else math.inf
    return float(text)


def js_number(s: str) -> float:
    """JavaScript Number(string) for the 0x / 0b / 0o forms."""
    s = s.strip(_JS_WS)
    try:
        if s[:2].lower() == "0x":
            return float(int(s[2:], 16))
        if s[:2].lower() == "0b":
            return float(int(s[2:], 2))
        if s[:2].lower() == "0o":
            return float(int(s[2:], 8))
    except ValueError:
        return math.nan
    return parse_float(s)
