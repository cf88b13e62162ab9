"""What a test controls and inspects on its Blockyard: time, failures, rate limits, the request log.

Each helper works on the session's one application, and the `blockyard` fixture puts every one back
as it found it when the test ends (`reset`)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ..clock import Clock, iso, parse_iso

if TYPE_CHECKING:
    from ..app import Blockyard


class TestClock(Clock):
    """The store's clock: real time until frozen, then exactly what the test says.

    Every transaction reads it once when it begins, so `created_time`, `last_edited_time` (both rounded
    down to the minute, as Notion does) and formulas using `now()` all see it. Answers that read it are
    never kept by the answer cache (http/cache.py), so moving it never serves a stale `now()`."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self.frozen_ms: int | None = None
        self.offset_ms = 0

    def now_ms(self) -> int:
        if self.frozen_ms is not None:
            return self.frozen_ms
        return int(time.time() * 1000) + self.offset_ms

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.now_ms() / 1000, tz=timezone.utc)

    def freeze(self, at: datetime | str | int | float | None = None) -> datetime:
        """Stop the clock at `at` (a datetime, an ISO 8601 string, or ms since the epoch; default now)."""
        self.frozen_ms = self.now_ms() if at is None else _to_ms(at)
        return self.now()

    def advance(self, delta: timedelta | float | None = None, *, seconds: float = 0, minutes: float = 0,
                hours: float = 0, days: float = 0) -> datetime:
        """Move the clock forward (a timedelta, or seconds); frozen or not, it moves by exactly that."""
        if isinstance(delta, timedelta):
            seconds += delta.total_seconds()
        elif delta is not None:
            seconds += float(delta)
        step = round((seconds + minutes * 60 + hours * 3600 + days * 86400) * 1000)
        if self.frozen_ms is not None:
            self.frozen_ms += step
        else:
            self.offset_ms += step
        return self.now()

    def unfreeze(self) -> None:
        """Run on from where the clock stands."""
        if self.frozen_ms is not None:
            self.offset_ms = self.frozen_ms - int(time.time() * 1000)
            self.frozen_ms = None

    def reset(self) -> None:
        """Real time again."""
        self.frozen_ms = None
        self.offset_ms = 0

    def __repr__(self) -> str:
        state = "frozen" if self.frozen_ms is not None else "running"
        return f"<TestClock {state} at {iso(self.now_ms())}>"


def _to_ms(at: datetime | str | int | float) -> int:
    if isinstance(at, datetime):
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        return int(at.timestamp() * 1000)
    if isinstance(at, str):
        return parse_iso(at)
    if isinstance(at, (int, float)) and not isinstance(at, bool):
        return int(at)
    raise TypeError(f"clock.freeze() takes a datetime, an ISO 8601 string or milliseconds, not {at!r}")


class Faults:
    """The fault rules in force (limits/faults.py): failures and latency on matching requests.

        blockyard.faults.add(status=503, path="/v1/pages*", times=2)
        blockyard.faults.add(status=429, retry_after=1, every_nth=3)
        blockyard.faults.add(latency_ms=200, method="GET")

    Fields are those of a rules file (docs/recipes.md); a bad one raises ValueError naming it."""

    def __init__(self, app: "Blockyard") -> None:
        self.app = app

    def add(self, **rule: Any) -> dict[str, Any]:
        from ..errors import NotionError
        from ..limits.faults import Rule

        try:
            parsed = Rule.parse(rule, "rule")
        except NotionError as exc:
            raise ValueError(exc.message) from None
        rules = self.app.fault_rules
        with rules.lock:
            if any(r.id == parsed.id for r in rules.rules):
                raise ValueError(f"a fault rule with id {parsed.id!r} is in force")
            rules.rules = [*rules.rules, parsed]
        return parsed.describe()

    @property
    def rules(self) -> list[dict[str, Any]]:
        """Each rule in force, with how often it matched (`seen`) and failed a request (`fired`)."""
        with self.app.fault_rules.lock:
            return [r.describe() for r in self.app.fault_rules.rules]

    def remove(self, rule_id: str) -> None:
        rules = self.app.fault_rules
        with rules.lock:
            kept = [r for r in rules.rules if r.id != rule_id]
            if len(kept) == len(rules.rules):
                raise KeyError(rule_id)
            rules.rules = kept

    def clear(self) -> None:
        with self.app.fault_rules.lock:
            self.app.fault_rules.rules = []

    reset = clear


class RateLimit:
    """Notion's rate limits (limits/rate.py), off unless a test turns them on.

        blockyard.rate_limit.set("notion")                      # 180/60s per integration, 900/60s per workspace
        blockyard.rate_limit.set("per_integration=3/1s")

    A refused request answers 429 `rate_limited` with Retry-After. Each test's integration has a bucket
    of its own, and the limits are off again after the test."""

    def __init__(self, app: "Blockyard") -> None:
        self.app = app
        self._factory: Any = None
        self.spec = "off"

    def set(self, spec: str = "notion") -> None:
        from ..limits.rate import DatabaseBuckets, MemoryBuckets, RateLimit as Middleware, parse

        per_integration, per_workspace = parse(spec)  # ValueError names what is wrong
        self.off()
        if per_integration is None and per_workspace is None:
            return
        buckets = MemoryBuckets() if self.app.store.is_sqlite else DatabaseBuckets(self.app.store)

        def factory(inner: Any) -> Any:
            return Middleware(inner, per_integration, per_workspace, buckets)

        self._factory = factory
        self.app.middleware.insert(0, factory)  # outermost, where limits/ puts it
        self.app.rebuild()
        self.spec = spec

    def off(self) -> None:
        if self._factory is not None:
            self.app.middleware.remove(self._factory)
            self._factory = None
            self.app.rebuild()
        self.spec = "off"

    reset = off


class Requests:
    """The request log (limits/log.py) since the test began, oldest first: one dict per request with
    time, request_id, workspace_id, integration_id, integration, method, path (no query string),
    status, duration_ms and error_code.

        assert [(r["method"], r["path"]) for r in blockyard.requests] == [("GET", f"/v1/pages/{page_id}")]
        assert blockyard.requests.last["status"] == 200
    """

    def __init__(self, app: "Blockyard", counter: "RequestCounter | None" = None) -> None:
        self.app = app
        self.counter = counter or RequestCounter.install(app)
        self.since = self.counter.count

    def _log(self) -> Any:
        log = getattr(self.app, "request_log", None)
        if log is None:
            raise RuntimeError("the request log is off (request_log_rows or request_log_hours is 0)")
        return log

    def mark(self) -> None:
        """Forget what came before: later reads start after the newest entry now."""
        self.since = self.counter.count

    clear = mark
    reset = mark

    def all(self, *, method: str | None = None, path: str | None = None, status: int | None = None) -> list[dict[str, Any]]:
        import fnmatch

        import sqlalchemy as sa

        from ..limits.log import COLUMNS
        from ..store.schema_limits import request_log as table

        log = self._log()
        log.flush()
        wanted = self.counter.count - self.since  # the newest rows: this test's requests
        rows = []
        if wanted > 0:
            with self.app.store.log_engine.connect() as conn:
                rows = conn.execute(
                    sa.select(*(table.c[n] for n in COLUMNS)).order_by(table.c.id.desc()).limit(wanted)
                ).all()
        out = []
        for row in reversed(rows):
            entry = dict(zip(COLUMNS, row))
            if method is not None and entry["method"] != method.upper():
                continue
            if path is not None and not fnmatch.fnmatchcase(entry["path"], path):
                continue
            if status is not None and entry["status"] != status:
                continue
            entry["time"] = iso(entry["time"])
            out.append(entry)
        return out

    def __iter__(self) -> Any:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self.all())

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.all()[index]

    @property
    def last(self) -> dict[str, Any]:
        entries = self.all()
        if not entries:
            raise LookupError("no request since the test began")
        return entries[-1]


class RequestCounter:
    """How many requests the request log has recorded in this process (an after_request hook beside the
    log's own, skipping what it skips), so a test's entries are the newest `count - since` rows, found
    without asking the store when the test begins. The store is the session's own: nothing else logs to it."""

    def __init__(self) -> None:
        self.count = 0

    @classmethod
    def install(cls, app: "Blockyard") -> "RequestCounter":
        counter = getattr(app, "_testing_request_counter", None)
        if counter is None:
            counter = app._testing_request_counter = cls()
            app.after_request.append(counter.record)
        return counter

    def record(self, scope: Any, state: dict[str, Any]) -> None:
        if not scope["path"].startswith("/admin"):
            self.count += 1


class Webhooks:
    """Webhook deliveries captured for assertions: NOT AVAILABLE YET.

    Blockyard does not deliver webhooks yet (they are being built). When it does, this helper will list
    the deliveries a test's changes caused. Until then every use raises NotImplementedError, so a test
    written against it fails loudly instead of passing on nothing."""

    MESSAGE = ("blockyard.webhooks is not available yet: Blockyard does not deliver webhooks in this version. "
               "It will capture deliveries for assertions once webhooks exist (see docs/testing.md).")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise NotImplementedError(self.MESSAGE)

    def __iter__(self) -> Any:
        raise NotImplementedError(self.MESSAGE)

    def __len__(self) -> int:
        raise NotImplementedError(self.MESSAGE)

    def reset(self) -> None:
        """Nothing to put back (and the fixture's teardown calls it)."""
