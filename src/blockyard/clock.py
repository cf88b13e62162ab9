"""Time comes from a clock object so that tests and fixtures can pin it."""

from __future__ import annotations

import functools
import time
from datetime import datetime, timezone


class Clock:
    def now_ms(self) -> int:
        return int(time.time() * 1000)


class FixedClock(Clock):
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def now_ms(self) -> int:
        return self.ms


def minute(ms: int) -> int:
    """Notion rounds page, block and database timestamps down to the minute."""
    return ms - ms % 60_000


@functools.lru_cache(maxsize=65536)  # timestamps are rounded to the minute, so this nearly always hits
def iso(ms: int) -> str:
    dt = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_iso(text: str) -> int:
    """Milliseconds since the epoch of an ISO date or datetime (UTC when no offset is given)."""
    if len(text) == 10:
        dt = datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
    else:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1000)
