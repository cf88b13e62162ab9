"""Formula dates (computed.md §1.7): values, API parsing/rendering, calendar arithmetic and
formatDate's Moment-style tokens.

A formula date is a date-only value, a datetime, or a range of either, with an optional IANA
time zone. Datetimes have minute precision. The public API evaluates in UTC: a datetime without a
time zone is read and shown in UTC, and a date-only value stands for midnight UTC.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta

from .errors import FormulaRuntimeError

UTC = timezone.utc
Day = date  # date-only component (datetime is a subclass; always test datetime first)


@dataclass(frozen=True)
class DateValue:
    start: datetime | date
    end: datetime | date | None = None
    time_zone: str | None = None

    @property
    def has_time(self) -> bool:
        return isinstance(self.start, datetime)

    @property
    def is_range(self) -> bool:
        return self.end is not None

    @property
    def zone(self):
        return zone_for(self.time_zone) or UTC


# -- zones ----------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def zone_for(name: str | None):
    """A tzinfo for an IANA name, "UTC", "UTC+1", "GMT-05:30"...; None when unknown/empty."""
    if not name:
        return None
    n = name.strip()
    if n.upper() in ("UTC", "GMT", "Z", "ETC/UTC"):
        return UTC
    m = re.fullmatch(r"(?i)(UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", n)
    if m:
        # "UTC+1" / "GMT+5" are offsets east of Greenwich (Luxon maps "GMT+5" to Etc/GMT-5).
        minutes = int(m.group(3)) * 60 + int(m.group(4) or 0)
        if minutes > 18 * 60:
            return None
        sign = 1 if m.group(2) == "+" else -1
        return timezone(timedelta(minutes=sign * minutes))
    try:
        return ZoneInfo(n)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def to_minute(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0)


def instant(d: datetime | date) -> datetime:
    """The UTC instant of a date part; date-only values are midnight UTC."""
    if isinstance(d, datetime):
        return d.astimezone(UTC)
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def local(d: datetime | date, zone) -> datetime:
    """A date part as an aware datetime in `zone` (date-only: midnight in that zone's calendar)."""
    if isinstance(d, datetime):
        return d.astimezone(zone)
    return datetime(d.year, d.month, d.day, tzinfo=zone)


def epoch_ms(d: datetime | date) -> float:
    return float(round(instant(d).timestamp() * 1000))


def from_epoch_ms(ms: float) -> DateValue | None:
    if not math.isfinite(ms):
        return None
    try:
        dt = datetime.fromtimestamp(math.floor(ms / 60000) * 60, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return DateValue(dt)


# -- API <-> formula ------------------------------------------------------------------------

def parse_iso(text: str, zone=None) -> datetime | date | None:
    """Parse an ISO 8601 date or datetime. A datetime without offset is read in `zone` (UTC)."""
    if not isinstance(text, str):
        return None
    s = text.strip()
    if re.fullmatch(r"[+-]?\d{4,6}-\d{2}-\d{2}", s):
        try:
            return date.fromisoformat(s)
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}-\d{2}", s):
        try:
            return date.fromisoformat(s + "-01")
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}", s):
        return date(int(s), 1, 1)
    if s.endswith(("z", "Z")):
        s = s[:-1] + "+00:00"
    s = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", s)
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone or UTC)
    return to_minute(dt)


def from_api(value: dict | None) -> DateValue | None:
    """A formula date from an API date object {"start", "end", "time_zone"}."""
    if not value or not value.get("start"):
        return None
    tz_name = value.get("time_zone")
    zone = zone_for(tz_name) or UTC
    start = parse_iso(value["start"], zone)
    if start is None:
        return None
    end = parse_iso(value["end"], zone) if value.get("end") else None
    if tz_name and isinstance(start, datetime):
        start = start.astimezone(zone)
        end = end.astimezone(zone) if isinstance(end, datetime) else end
    return DateValue(start, end, tz_name if zone_for(tz_name) else None)


def iso(d: datetime | date, zone=None) -> str:
    """How the API prints a formula/rollup date: "2024-11-25T14:08:00.000+00:00" or "2024-01-01"."""
    if not isinstance(d, datetime):
        return d.isoformat()
    d = d.astimezone(zone or UTC)
    ms = d.microsecond // 1000
    off = d.utcoffset() or timedelta(0)
    total = int(off.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return "%s.%03d%s%02d:%02d" % (d.strftime("%Y-%m-%dT%H:%M:%S"), ms, sign, total // 60, total % 60)


def to_api(dv: DateValue) -> dict:
    zone = zone_for(dv.time_zone) if dv.time_zone else None
    return {
        "start": iso(dv.start, zone),
        "end": iso(dv.end, zone) if dv.end is not None else None,
        "time_zone": dv.time_zone if zone else None,
    }


# -- arithmetic -----------------------------------------------------------------------------

UNITS = ("years", "quarters", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds")
_MS = {"weeks": 604_800_000, "days": 86_400_000, "hours": 3_600_000, "minutes": 60_000,
       "seconds": 1000, "milliseconds": 1}


def unit_name(unit: str) -> str:
    u = unit.strip().lower()
    if not u.endswith("s"):
        u += "s"
    if u not in UNITS:
        raise FormulaRuntimeError("DateInvalidDurationUnit",
                                  f'"{unit}" is not a valid unit; use one of {", ".join(UNITS[:7])}')
    return u


def add(dv: DateValue, amount: float, unit: str) -> DateValue:
    """dateAdd: calendar-aware, on the start of a range, never returns a range."""
    try:
        return _add(dv, amount, unit)
    except (OverflowError, ValueError) as exc:
        raise FormulaRuntimeError("DateOutOfRange", f"The date is out of range: {exc}") from None


def _add(dv: DateValue, amount: float, unit: str) -> DateValue:
    u = unit_name(unit)
    if not math.isfinite(amount):
        raise FormulaRuntimeError("DateInvalidAmount", "The amount must be a finite number")
    start = dv.start
    if u in ("years", "quarters", "months"):
        months = math.trunc(amount) * {"years": 12, "quarters": 3, "months": 1}[u]
        delta = relativedelta(months=months)
    elif u in ("weeks", "days") :
        delta = relativedelta(days=amount * (7 if u == "weeks" else 1))
    else:
        delta = None
    if not isinstance(start, datetime):
        if delta is not None:
            result = start + delta
            if isinstance(result, datetime):
                result = result.date()
            return DateValue(result, None, dv.time_zone)
        start = local(start, dv.zone)
    if delta is not None:
        zone = dv.zone
        wall = start.astimezone(zone).replace(tzinfo=None) + delta
        result = wall.replace(tzinfo=zone)
        if isinstance(zone, ZoneInfo):
            result = datetime.fromtimestamp(result.timestamp(), zone)
    else:
        result = start + timedelta(milliseconds=amount * _MS[u])
    return DateValue(to_minute(result), None, dv.time_zone)


def between(a: DateValue, b: DateValue, unit: str) -> float:
    """dateBetween: a - b in whole units, truncated toward zero; uses range starts."""
    u = unit_name(unit)
    x, y = instant(a.start), instant(b.start)
    if u in _MS:
        return float(math.trunc((x - y).total_seconds() * 1000 / _MS[u]))
    sign = 1
    if x < y:
        x, y, sign = y, x, -1
    later, earlier = x.replace(tzinfo=None), y.replace(tzinfo=None)
    step = {"years": 12, "quarters": 3, "months": 1}[u]
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    n = months // step
    while n > 0 and earlier + relativedelta(months=n * step) > later:
        n -= 1
    return float(sign * n) if n else 0.0


def date_range(a: DateValue, b: DateValue) -> DateValue:
    s, e = a.start, b.start
    if isinstance(s, datetime) or isinstance(e, datetime):
        tz_name = a.time_zone or b.time_zone
        zone = zone_for(tz_name) or UTC
        if not isinstance(s, datetime):
            s = datetime(s.year, s.month, s.day, tzinfo=zone)
        if not isinstance(e, datetime):
            e = datetime(e.year, e.month, e.day, 23, 59, tzinfo=zone)
        return DateValue(s, e, tz_name)
    return DateValue(s, e, None)


def part(dv: DateValue, what: str) -> float:
    """minute/hour/day/date/week/month/year of the start, in the date's zone (else UTC)."""
    d = dv.start
    if isinstance(d, datetime):
        d = d.astimezone(dv.zone)
        hour, minute = d.hour, d.minute
    else:
        hour = minute = 0
    if what == "minute":
        return float(minute)
    if what == "hour":
        return float(hour)
    if what == "day":
        return float(d.isoweekday())
    if what == "date":
        return float(d.day)
    if what == "week":
        return float(d.isocalendar()[1])
    if what == "month":
        return float(d.month)
    return float(d.year)


# -- formatting -----------------------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def default_format(dv: DateValue) -> str:
    """format(date): "June 24, 2022 10:45", "June 24, 2022", ranges joined with " → "."""
    def one(d):
        if isinstance(d, datetime):
            d = d.astimezone(dv.zone)
            return f"{MONTHS[d.month - 1]} {d.day}, {d.year} {d.hour:02d}:{d.minute:02d}"
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    text = one(dv.start)
    if dv.end is not None:
        text += " → " + one(dv.end)
    return text


_LOCALE_FORMATS = {
    "LTS": "h:mm:ss A", "LT": "h:mm A", "LLLL": "dddd, MMMM D, YYYY h:mm A",
    "LLL": "MMMM D, YYYY h:mm A", "LL": "MMMM D, YYYY", "L": "MM/DD/YYYY",
    "llll": "ddd, MMM D, YYYY h:mm A", "lll": "MMM D, YYYY h:mm A", "ll": "MMM D, YYYY",
    "l": "M/D/YYYY",
}
_LOCALE_RE = re.compile(r"(\[[^\[]*\])|(\\)?(LTS|LT|LL?L?L?|l{1,4})")
_TOKEN_RE = re.compile(
    r"(\[[^\[]*\])|(\\)?([Hh]mm(?:ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[o|w]?|W[o|W]?|Qo?"
    r"|YYYYYY|YYYYY|YYYY|YY|Y|gg(?:ggg?)?|GG(?:GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|zz?|ZZ?|.)",
    re.S)


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _us_week(d: date) -> tuple[int, int]:
    """Locale (en-US) week: weeks start on Sunday and week 1 contains January 1."""
    sunday = d - timedelta(days=(d.weekday() + 1) % 7)
    year = (sunday + timedelta(days=6)).year
    jan1 = date(year, 1, 1)
    first = jan1 - timedelta(days=(jan1.weekday() + 1) % 7)
    return year, (sunday - first).days // 7 + 1


def _offset(d: datetime, sep: str) -> str:
    off = d.utcoffset() or timedelta(0)
    total = int(off.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return f"{sign}{total // 60:02d}{sep}{total % 60:02d}"


def format_date(dv: DateValue, fmt: str, tz_name: str | None = None) -> str:
    """formatDate(date, format, tz?) with Moment's tokens. Date-only values are not shifted."""
    d = dv.start
    if isinstance(d, datetime):
        zone = dv.zone
        if tz_name is not None and tz_name != "":
            zone = zone_for(tz_name)
            if zone is None:
                return ""
        d = d.astimezone(zone)
    else:
        d = datetime(d.year, d.month, d.day, tzinfo=UTC)

    def expand_locale(m: re.Match) -> str:
        if m.group(1) or m.group(2):
            return m.group(0)
        return _LOCALE_FORMATS[m.group(3)]
    fmt = _LOCALE_RE.sub(expand_locale, fmt)

    def tok(m: re.Match) -> str:
        if m.group(1):
            return m.group(1)[1:-1]
        t = m.group(3)
        if m.group(2):
            return t
        return _format_token(d, t)
    return _TOKEN_RE.sub(tok, fmt)


def _format_token(d: datetime, t: str) -> str:
    h12 = d.hour % 12 or 12
    iso_year, iso_week, iso_wd = d.isocalendar()
    if t == "M":
        return str(d.month)
    if t == "Mo":
        return _ordinal(d.month)
    if t == "MM":
        return f"{d.month:02d}"
    if t == "MMM":
        return MONTHS[d.month - 1][:3]
    if t == "MMMM":
        return MONTHS[d.month - 1]
    if t in ("Q", "Qo"):
        q = (d.month - 1) // 3 + 1
        return str(q) if t == "Q" else _ordinal(q)
    if t == "D":
        return str(d.day)
    if t == "Do":
        return _ordinal(d.day)
    if t == "DD":
        return f"{d.day:02d}"
    doy = d.timetuple().tm_yday
    if t == "DDD":
        return str(doy)
    if t == "DDDo":
        return _ordinal(doy)
    if t == "DDDD":
        return f"{doy:03d}"
    wd = d.isoweekday() % 7  # 0 = Sunday
    if t in ("d", "e"):
        return str(wd)
    if t == "do":
        return _ordinal(wd)
    if t == "dd":
        return WEEKDAYS[wd][:2]
    if t == "ddd":
        return WEEKDAYS[wd][:3]
    if t == "dddd":
        return WEEKDAYS[wd]
    if t == "E":
        return str(iso_wd)
    if t in ("w", "wo", "ww", "gg", "gggg"):
        wy, w = _us_week(d.date())
        if t == "w":
            return str(w)
        if t == "wo":
            return _ordinal(w)
        if t == "ww":
            return f"{w:02d}"
        return f"{wy % 100:02d}" if t == "gg" else f"{wy:04d}"
    if t == "W":
        return str(iso_week)
    if t == "Wo":
        return _ordinal(iso_week)
    if t == "WW":
        return f"{iso_week:02d}"
    if t == "GG":
        return f"{iso_year % 100:02d}"
    if t in ("GGGG", "GGGGG"):
        return f"{iso_year:04d}" if t == "GGGG" else f"{iso_year:05d}"
    if t in ("ggggg",):
        return f"{_us_week(d.date())[0]:05d}"
    if t in ("Y", "YYYY"):
        return f"{d.year:04d}" if d.year <= 9999 else f"+{d.year}"
    if t == "YY":
        return f"{d.year % 100:02d}"
    if t == "YYYYY":
        return f"{d.year:05d}"
    if t == "YYYYYY":
        return f"{'+' if d.year >= 0 else '-'}{abs(d.year):06d}"
    if t == "A":
        return "AM" if d.hour < 12 else "PM"
    if t == "a":
        return "am" if d.hour < 12 else "pm"
    if t == "H":
        return str(d.hour)
    if t == "HH":
        return f"{d.hour:02d}"
    if t == "h":
        return str(h12)
    if t == "hh":
        return f"{h12:02d}"
    if t == "k":
        return str(d.hour or 24)
    if t == "kk":
        return f"{d.hour or 24:02d}"
    if t in ("hmm", "hmmss", "Hmm", "Hmmss"):
        hour = str(h12) if t[0] == "h" else str(d.hour)
        out = f"{hour}{d.minute:02d}"
        return out + f"{d.second:02d}" if t.endswith("ss") else out
    if t == "m":
        return str(d.minute)
    if t == "mm":
        return f"{d.minute:02d}"
    if t == "s":
        return str(d.second)
    if t == "ss":
        return f"{d.second:02d}"
    if t.startswith("S"):
        return (f"{d.microsecond:06d}" + "000")[: len(t)]
    if t == "Z":
        return _offset(d, ":")
    if t == "ZZ":
        return _offset(d, "")
    if t in ("z", "zz"):
        return d.tzname() or ""
    if t == "X":
        return str(math.floor(d.timestamp()))
    if t == "x":
        return str(math.floor(d.timestamp() * 1000))
    return t
