"""Text functions: substring, contains, test, match, replace, replaceAll, lower, upper, trim,
repeat, padStart, padEnd, split, join, link, style, unstyle, formatNumber.

Lengths and indexes count UTF-16 code units, as JavaScript strings do. Regular expressions are
JavaScript patterns translated to Python's `re`.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from .. import jsnum
from .. import types as T
from ..errors import FormulaRuntimeError
from ..values import EMPTY, format_value
from .registry import p, register

F = "text"

# -- UTF-16 helpers ------------------------------------------------------------------------


def utf16_len(s: str) -> int:
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


def _to_units(s: str) -> bytes:
    return s.encode("utf-16-le", "surrogatepass")


def utf16_slice(s: str, start: float, end: float | None = None) -> str:
    """String.prototype.slice on UTF-16 code units."""
    units = _to_units(s)
    n = len(units) // 2
    a = _rel_index(start, n)
    b = n if end is None else _rel_index(end, n)
    if b <= a:
        return ""
    out = units[2 * a:2 * b].decode("utf-16-le", "surrogatepass")
    return out.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _rel_index(x: float, n: int) -> int:
    x = jsnum.to_integer(x)
    if x < 0:
        return int(max(n + x, 0)) if math.isfinite(x) else 0
    return int(min(x, n))


# -- regular expressions --------------------------------------------------------------------

_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?:[*+]|\{\d+,?\d*\})(?:[^()\\]|\\.)*\)(?:[*+]|\{\d+,?\d*\})")
_QUANTIFIER = re.compile(r"(?<!\\)(?:[*+?]|\{\d+,?\d*\})")


def compile_regex(pattern: str) -> re.Pattern:
    if _NESTED_QUANTIFIER.search(pattern) or len(_QUANTIFIER.findall(pattern)) > 25:
        raise FormulaRuntimeError("UnsafeRegexPattern", "This regular expression is too complex")
    py = re.sub(r"\(\?<([A-Za-z_][A-Za-z0-9_]*)>", r"(?P<\1>", pattern)
    py = re.sub(r"\\k<([A-Za-z_][A-Za-z0-9_]*)>", r"(?P=\1)", py)
    py = py.replace("[^]", r"[\s\S]")
    try:
        return re.compile(py)
    except re.error as exc:
        raise FormulaRuntimeError("InvalidRegex", f"Invalid regular expression: {exc}") from None


def _expand(m: re.Match, repl: str) -> str:
    """JavaScript replacement patterns: $$, $&, $`, $', $1..$99, $<name>."""
    out: list[str] = []
    i, n = 0, len(repl)
    string = m.string
    while i < n:
        c = repl[i]
        if c == "$" and i + 1 < n:
            nxt = repl[i + 1]
            if nxt == "$":
                out.append("$")
                i += 2
                continue
            if nxt == "&":
                out.append(m.group(0))
                i += 2
                continue
            if nxt == "`":
                out.append(string[:m.start()])
                i += 2
                continue
            if nxt == "'":
                out.append(string[m.end():])
                i += 2
                continue
            if nxt.isdigit():
                two = repl[i + 1:i + 3]
                if len(two) == 2 and two.isdigit() and 1 <= int(two) <= (m.re.groups or 0):
                    out.append(m.group(int(two)) or "")
                    i += 3
                    continue
                if 1 <= int(nxt) <= (m.re.groups or 0):
                    out.append(m.group(int(nxt)) or "")
                    i += 2
                    continue
            if nxt == "<" and m.re.groupindex:
                close = repl.find(">", i + 2)
                if close > 0:
                    name = repl[i + 2:close]
                    out.append((m.group(name) if name in m.re.groupindex else "") or "")
                    i = close + 1
                    continue
        out.append(c)
        i += 1
    return "".join(out)


# -- functions --------------------------------------------------------------------------------


@register("substring", [p("text", "text"), p("number", "start"), p("number", "end", optional=True)], T.TEXT, F)
def substring(ctx, text, start, end=None):
    return utf16_slice(text, start, end)


@register("contains", [p("text", "text"), p("text", "search")], T.BOOLEAN, F)
def contains(ctx, text, search):
    return search in text


@register("test", [p("text", "text"), p("text", "pattern")], T.BOOLEAN, F)
def test(ctx, text, pattern):
    return compile_regex(pattern).search(text) is not None


@register("match", [p("text", "text"), p("text", "pattern")], T.list_of(T.TEXT), F)
def match(ctx, text, pattern):
    return [m.group(0) for m in compile_regex(pattern).finditer(text)]


@register("replace", [p("text", "text"), p("text", "pattern"), p("text", "replacement", optional=True)], T.TEXT, F)
def replace(ctx, text, pattern, repl=""):
    return compile_regex(pattern).sub(lambda m: _expand(m, repl), text, count=1)


@register("replaceAll", [p("text", "text"), p("text", "pattern"), p("text", "replacement", optional=True)], T.TEXT, F)
def replace_all(ctx, text, pattern, repl=""):
    return compile_regex(pattern).sub(lambda m: _expand(m, repl), text)


@register("lower", [p("text", "text")], T.TEXT, F)
def lower(ctx, text):
    return text.lower()


@register("upper", [p("text", "text")], T.TEXT, F)
def upper(ctx, text):
    return text.upper()


@register("trim", [p("text", "text")], T.TEXT, F)
def trim(ctx, text):
    return text.strip(jsnum._JS_WS)


@register("repeat", [p("text", "text"), p("number", "times")], T.TEXT, F)
def repeat(ctx, text, times):
    n = jsnum.to_integer(times)
    n = int(min(n, 10000)) if n > 0 else 0
    return text * n


def _pad(text: str, target: float, pad: str, at_start: bool) -> str:
    t = math.floor(target) if math.isfinite(target) else (10000 if target > 0 else 0)
    t = min(t, 10000)
    length = utf16_len(text)
    if t <= length or pad == "":
        return text
    fill_len = t - length
    fill = (pad * (fill_len // max(len(pad), 1) + 1))
    fill = utf16_slice(fill, 0, fill_len)
    return fill + text if at_start else text + fill


@register("padStart", [p("text", "text"), p("number", "length"), p("text", "pad", optional=True)], T.TEXT, F)
def pad_start(ctx, text, length, pad=" "):
    return _pad(text, length, pad, True)


@register("padEnd", [p("text", "text"), p("number", "length"), p("text", "pad", optional=True)], T.TEXT, F)
def pad_end(ctx, text, length, pad=" "):
    return _pad(text, length, pad, False)


@register("split", [p("text", "text"), p("text", "separator", optional=True)], T.list_of(T.TEXT), F)
def split(ctx, text, sep=None):
    if text == "":
        return []
    if sep is None or sep == " ":
        return [part for part in re.split(r"\s+", text) if part]
    if sep == "":
        return list(text)
    return text.split(sep)


@register("join", [p("list", "list"), p("text", "separator")], T.TEXT, F)
def join(ctx, items, sep):
    return sep.join(format_value(x) for x in items if x is not EMPTY)


@register("link", [p("text", "label"), p("text", "url")], T.TEXT, F)
def link(ctx, label, url):
    # The API shows rich text as plain text: the label (or the URL when there is no label).
    return label or url


@register("style", [p("text", "text"), p("text", "style", optional=True, variadic=True)], T.TEXT, F)
def style(ctx, text, *styles):
    return text


@register("unstyle", [p("text", "text"), p("text", "style", optional=True, variadic=True)], T.TEXT, F)
def unstyle(ctx, text, *styles):
    return text


# -- formatNumber -------------------------------------------------------------------------------

_CURRENCIES = {
    "usd": ("$", 2), "eur": ("€", 2), "gbp": ("£", 2), "jpy": ("¥", 0), "cny": ("CN¥", 2),
    "inr": ("₹", 2), "krw": ("₩", 0), "cad": ("CA$", 2), "aud": ("A$", 2), "nzd": ("NZ$", 2),
    "hkd": ("HK$", 2), "brl": ("R$", 2), "mxn": ("MX$", 2), "twd": ("NT$", 2), "ils": ("₪", 2),
    "php": ("₱", 2), "vnd": ("₫", 0), "sgd": ("SGD\u00a0", 2), "chf": ("CHF\u00a0", 2),
    "sek": ("SEK\u00a0", 2), "nok": ("NOK\u00a0", 2), "dkk": ("DKK\u00a0", 2), "pln": ("PLN\u00a0", 2),
    "rub": ("RUB\u00a0", 2), "try": ("TRY\u00a0", 2), "idr": ("IDR\u00a0", 2), "zar": ("ZAR\u00a0", 2),
    "thb": ("THB\u00a0", 2), "huf": ("HUF\u00a0", 2), "czk": ("CZK\u00a0", 2), "clp": ("CLP\u00a0", 0),
    "cop": ("COP\u00a0", 2), "aed": ("AED\u00a0", 2), "sar": ("SAR\u00a0", 2), "myr": ("MYR\u00a0", 2),
    "ron": ("RON\u00a0", 2), "ars": ("ARS\u00a0", 2), "uyu": ("UYU\u00a0", 2), "pen": ("PEN\u00a0", 2),
}
# Notion's number-format names for the same currencies.
_CURRENCY_NAMES = {
    "dollar": "usd", "euro": "eur", "pound": "gbp", "yen": "jpy", "yuan": "cny", "rupee": "inr",
    "won": "krw", "canadian_dollar": "cad", "australian_dollar": "aud", "new_zealand_dollar": "nzd",
    "hong_kong_dollar": "hkd", "real": "brl", "mexican_peso": "mxn", "new_taiwan_dollar": "twd",
    "shekel": "ils", "philippine_peso": "php", "singapore_dollar": "sgd", "franc": "chf",
    "krona": "sek", "norwegian_krone": "nok", "danish_krone": "dkk", "zloty": "pln", "ruble": "rub",
    "lira": "try", "rupiah": "idr", "rand": "zar", "baht": "thb", "forint": "huf", "koruna": "czk",
    "chilean_peso": "clp", "colombian_peso": "cop", "dirham": "aed", "riyal": "sar", "ringgit": "myr",
    "leu": "ron", "argentine_peso": "ars", "uruguayan_peso": "uyu", "peruvian_sol": "pen",
}


def _fixed(x: float, min_frac: int, max_frac: int, grouping: bool) -> str:
    d = Decimal(repr(abs(x))).quantize(Decimal(1).scaleb(-max_frac), rounding=ROUND_HALF_UP)
    text = f"{d:,f}" if grouping else f"{d:f}"
    if "." in text:
        int_part, frac = text.split(".")
        frac = frac.rstrip("0")
        if len(frac) < min_frac:
            frac = frac + "0" * (min_frac - len(frac))
        text = int_part + ("." + frac if frac else "")
    elif min_frac:
        text += "." + "0" * min_frac
    sign = "-" if x < 0 and any(ch not in "0.," for ch in text) else ""
    return sign + text


def _compact(x: float, precision: int | None) -> str:
    """Intl "compact short": 1.2K, 12K, 123K, 1.2M ... (two significant digits below 100)."""
    units = [(1e3, "K"), (1e6, "M"), (1e9, "B"), (1e12, "T")]
    level = 0
    while level < len(units) and abs(x) >= units[level][0]:
        level += 1
    while True:
        size, suffix = (units[level - 1] if level else (1.0, ""))
        scaled = x / size
        if precision is not None:
            body = _fixed(scaled, precision, precision, False)
        elif abs(scaled) >= 10:
            body = _fixed(scaled, 0, 0, False)
        elif abs(scaled) >= 1 or level:
            body = _fixed(scaled, 0, 1, False)
        else:
            body = jsnum.to_js_string(float(f"{scaled:.2g}"))
        if abs(float(body.replace(",", ""))) >= 1000 and level < len(units):
            level += 1
            continue
        return body + suffix


def _bytes(x: float, base: int, names: list[str], precision: int | None) -> str:
    i = 0
    v = x
    while abs(v) >= base and i < len(names) - 1:
        v /= base
        i += 1
    p_ = 2 if precision is None else precision
    body = _fixed(v, 0 if precision is None else precision, p_, True)
    return f"{body} {names[i]}"


@register("formatNumber", [p("number", "number"), p("text", "format", optional=True),
                           p("number", "precision", optional=True)], T.TEXT, F)
def format_number(ctx, number, fmt="commas", precision=None):
    if precision is not None:
        if not jsnum.is_integral(precision) or not 0 <= precision <= 12:
            raise FormulaRuntimeError("NumberFormatInvalid", "The precision must be a whole number from 0 to 12")
        precision = int(precision)
    if not math.isfinite(number):
        return jsnum.to_js_string(number)
    key = (fmt or "commas").strip().lower()
    key = _CURRENCY_NAMES.get(key, key)
    if key in ("commas", "number_with_commas"):
        if precision is None:
            return _fixed(number, 0, 3, True)
        return _fixed(number, precision, precision, True)
    if key == "number":
        if precision is None:
            return _fixed(number, 0, 3, False)
        return _fixed(number, precision, precision, False)
    if key == "percent":
        pr = 0 if precision is None else precision
        return _fixed(jsnum.multiply(number, 100), pr if precision is not None else 0, pr, True) + "%"
    if key in ("humanize", "compact"):
        return _compact(number, precision)
    if key in ("bytes", "bytes_binary"):
        return _bytes(number, 1024, ["B", "KiB", "MiB", "GiB", "TiB", "PiB"], precision)
    if key == "bytes_decimal":
        return _bytes(number, 1000, ["B", "kB", "MB", "GB", "TB", "PB"], precision)
    if key in _CURRENCIES:
        symbol, digits = _CURRENCIES[key]
        pr = digits if precision is None else precision
        body = _fixed(number, pr, pr, True)
        if body.startswith("-"):
            return "-" + symbol + body[1:]
        return symbol + body
    raise FormulaRuntimeError("NumberFormatInvalid", f'"{fmt}" is not a number format')
