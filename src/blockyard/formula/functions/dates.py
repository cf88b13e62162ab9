"""Date functions: now, today, minute, hour, day, date, week, month, year, dateAdd, dateSubtract,
dateBetween, dateRange, dateStart, dateEnd, timestamp, fromTimestamp, formatDate, parseDate.

Evaluated in UTC as the public API does (computed.md §1.7); a date that carries its own IANA time
zone is read in that zone.
"""

from __future__ import annotations

import math

from .. import dates as D
from .. import types as T
from ..dates import DateValue
from ..errors import FormulaRuntimeError
from ..values import EMPTY
from .registry import p, register

F = "dates"


@register("now", [], T.DATE, F)
def now(ctx):
    return DateValue(ctx.now)


@register("today", [], T.DATE, F)
def today(ctx):
    return DateValue(ctx.now.date())


def _part(what: str):
    def impl(ctx, d):
        return D.part(d, what)
    impl.__name__ = what
    return impl


for _name in ("minute", "hour", "day", "date", "week", "month", "year"):
    register(_name, [p("date", "date")], T.NUMBER, F)(_part(_name))


def _amount(x: float) -> float:
    if not math.isfinite(x):
        raise FormulaRuntimeError("DateInvalidAmount", "The amount must be a finite number")
    return x


@register("dateAdd", [p("date", "date"), p("number", "amount"), p("text", "unit")], T.DATE, F)
def date_add(ctx, d, amount, unit):
    return D.add(d, _amount(amount), unit)


@register("dateSubtract", [p("date", "date"), p("number", "amount"), p("text", "unit")], T.DATE, F)
def date_subtract(ctx, d, amount, unit):
    return D.add(d, -_amount(amount), unit)


@register("dateBetween", [p("date", "a"), p("date", "b"), p("text", "unit")], T.NUMBER, F)
def date_between(ctx, a, b, unit):
    return D.between(a, b, unit)


@register("dateRange", [p("date", "start"), p("date", "end")], T.DATE, F)
def date_range(ctx, a, b):
    return D.date_range(a, b)


@register("dateStart", [p("date", "date")], T.DATE, F)
def date_start(ctx, d):
    return DateValue(d.start, None, d.time_zone)


@register("dateEnd", [p("date", "date")], T.DATE, F)
def date_end(ctx, d):
    return DateValue(d.end if d.end is not None else d.start, None, d.time_zone)


@register("timestamp", [p("date", "date")], T.NUMBER, F)
def timestamp(ctx, d):
    return D.epoch_ms(d.start)


@register("fromTimestamp", [p("number", "timestamp")], T.DATE, F)
def from_timestamp(ctx, ms):
    dv = D.from_epoch_ms(ms)
    return EMPTY if dv is None else dv


@register("formatDate", [p("date", "date"), p("text", "format"), p("text", "timeZone", optional=True)], T.TEXT, F)
def format_date(ctx, d, fmt, tz=None):
    return D.format_date(d, fmt, tz)


@register("parseDate", [p("text", "text")], T.DATE, F)
def parse_date(ctx, text):
    d = D.parse_iso(text)
    return EMPTY if d is None else DateValue(d)
