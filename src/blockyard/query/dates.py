"""Dates as the query engine compares them: instants in ms (UTC), and days for date-only operands."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_MS = 86_400_000
MINUTE_MS = 60_000
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EPOCH = date(1970, 1, 1)

RELATIVE_VALUES = (
    "today", "tomorrow", "yesterday", "one_week_ago", "one_week_from_now", "one_month_ago", "one_month_from_now",
)
RELATIVE_RANGES = ("past_week", "past_month", "past_year", "this_week", "next_week", "next_month", "next_year")


@lru_cache(maxsize=64)
def _zone(name: str) -> Any:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def day_ms(d: date) -> int:
    return (d - _EPOCH).days * DAY_MS


def parse_operand(text: str) -> tuple[int, bool] | None:
    """(ms, date_only) of an ISO date or datetime; no offset means UTC. None when unparseable."""
    if not isinstance(text, str):
        return None
    try:
        if _DATE_ONLY.match(text):
            return day_ms(date.fromisoformat(text)), True
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return _ms(dt), False


def operand_span(text: Any) -> tuple[int, int] | None:
    """(start ms, unit ms) of a filter operand: a date-only operand is a whole UTC day, and a datetime
    is its whole minute (Notion keeps datetimes to the minute: recorded, `before 18:01:15.377+01:00`
    leaves out a value of 18:01, and `equals` and `on_or_after` find it). None when unparseable."""
    parsed = parse_operand(text)
    if parsed is None:
        return None
    ms, day = parsed
    if day:
        return ms, DAY_MS
    return ms - ms % MINUTE_MS, MINUTE_MS


def parse_value(text: Any, time_zone: str | None) -> tuple[int, bool] | None:
    """A stored date value's start or end; a naive datetime is read in the value's `time_zone`."""
    if not isinstance(text, str):
        return None
    try:
        if _DATE_ONLY.match(text):
            return day_ms(date.fromisoformat(text)), True
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_zone(time_zone) if time_zone else timezone.utc)
    return _ms(dt), False


def _ms(dt: datetime) -> int:
    # Notion compares datetimes at millisecond precision: truncate microseconds.
    delta = dt - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def today(now_ms: int) -> date:
    return _EPOCH + timedelta(days=now_ms // DAY_MS)


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def relative_day(token: str, now_ms: int) -> int:
    """The UTC day (as ms at midnight) a relative token names."""
    t = today(now_ms)
    d = {
        "today": t,
        "tomorrow": t + timedelta(days=1),
        "yesterday": t - timedelta(days=1),
        "one_week_ago": t - timedelta(days=7),
        "one_week_from_now": t + timedelta(days=7),
        "one_month_ago": _add_months(t, -1),
        "one_month_from_now": _add_months(t, 1),
    }[token]
    return day_ms(d)


def relative_range(token: str, now_ms: int) -> tuple[int, int]:
    """[lo, hi) in ms. Ranges run in whole UTC days and include today; weeks start on Sunday."""
    t = today(now_ms)
    if token == "this_week":
        start = t - timedelta(days=(t.weekday() + 1) % 7)
        return day_ms(start), day_ms(start + timedelta(days=7))
    lo, hi = {
        "past_week": (t - timedelta(days=7), t),
        "past_month": (_add_months(t, -1), t),
        "past_year": (_add_months(t, -12), t),
        "next_week": (t, t + timedelta(days=7)),
        "next_month": (t, _add_months(t, 1)),
        "next_year": (t, _add_months(t, 12)),
    }[token]
    return day_ms(lo), day_ms(hi) + DAY_MS
