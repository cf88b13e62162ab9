"""Rate limits: a token bucket per integration and one per workspace.

A budget "N/Ts" is a bucket of N tokens refilled at N/T per second: N requests may arrive in a burst,
and the long-run average is N/T per second. `notion` is 180/60s per integration (Notion's documented
average of three requests per second, with bursts) and 900/60s per workspace (five integrations' worth;
Notion scales this by plan and does not publish the numbers).

On PostgreSQL the buckets are rows of `rate_buckets`, spent with one upsert per request, so the budget
holds across every worker process. SQLite stores are served by one process, so there the buckets live
in memory and cost no write per request."""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import errors
from ..http.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from ..store import Store

NOTION = "per_integration=180/60s,per_workspace=900/60s"
INTEGRATION_REASON = "public_api_request_rate_limit"
WORKSPACE_REASON = "public_api_space_request_rate_limit"

_BUDGET = re.compile(r"^(\d+)\s*/\s*(\d*\.?\d*)\s*(ms|s|sec|m|min|h)?$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, None: 1}


@dataclass(frozen=True)
class Budget:
    capacity: int
    seconds: float

    @property
    def per_ms(self) -> float:
        return self.capacity / (self.seconds * 1000)

    def __str__(self) -> str:
        return f"{self.capacity}/{self.seconds:g}s"


def parse(spec: str | None) -> tuple[Budget | None, Budget | None]:
    """`off`, `notion`, or `per_integration=N/Ts,per_workspace=N/Ts` (either part may be left out)."""
    text = (spec or "off").strip().lower()
    if text in ("", "off", "none", "false", "0"):
        return None, None
    if text == "notion":
        text = NOTION
    found: dict[str, Budget | None] = {}
    for part in text.split(","):
        name, eq, value = (p.strip() for p in part.partition("="))
        if not eq or name not in ("per_integration", "per_workspace") or name in found:
            raise ValueError(f"rate limit: expected per_integration=N/Ts or per_workspace=N/Ts, got {part.strip()!r}")
        if value in ("off", "none"):
            found[name] = None
            continue
        m = _BUDGET.match(value)
        if m is None:
            raise ValueError(f"rate limit: {name} should look like 30/10s, got {value!r}")
        count, amount, unit = int(m.group(1)), m.group(2), m.group(3)
        seconds = (float(amount) if amount not in ("", ".") else 1.0) * _UNIT_SECONDS[unit]
        if count < 1 or seconds <= 0:
            raise ValueError(f"rate limit: {name} needs at least 1 request per a positive time, got {value!r}")
        found[name] = Budget(count, seconds)
    return found.get("per_integration"), found.get("per_workspace")


Check = tuple[str, Budget, str]  # bucket key, budget, rate_limit_reason


def _retry_after(tokens: float, budget: Budget) -> int:
    """Whole seconds until the bucket holds one token again; never 0, as Notion never sends 0."""
    return max(1, math.ceil((1 - tokens) / (budget.per_ms * 1000)))


class MemoryBuckets:
    def __init__(self) -> None:
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def take(self, checks: list[Check]) -> tuple[int, str] | None:
        now = time.monotonic() * 1000
        with self.lock:
            for key, budget, reason in checks:
                tokens, updated = self.buckets.get(key, (float(budget.capacity), now))
                tokens = min(float(budget.capacity), tokens + (now - updated) * budget.per_ms)
                if tokens < 1:
                    # Earlier buckets (the integration's) keep the token this request spent.
                    self.buckets[key] = (tokens, now)
                    return _retry_after(tokens, budget), reason
                self.buckets[key] = (tokens - 1, now)
        return None


class DatabaseBuckets:
    """Buckets as rows: one upsert spends a token from every bucket that has one, atomically per row."""

    def __init__(self, store: "Store") -> None:
        from ..store.schema_limits import rate_buckets

        self.store = store
        self.table = rate_buckets
        self.now = sa.literal_column("(CAST(extract(epoch from clock_timestamp()) AS double precision) * 1000)")
        self.refund = (
            sa.update(rate_buckets)
            .where(rate_buckets.c.key.in_(sa.bindparam("keys", expanding=True)))
            .values(tokens=rate_buckets.c.tokens + 1)
        )
        self.statements = {n: self._statement(n) for n in (1, 2)}

    @staticmethod
    def _statement(n: int) -> Any:
        # A new row starts full less this request's token; an existing one is refilled for the time
        # since its last update and spent only if that leaves it a whole token (capacity = excluded + 1).
        rows = ", ".join(
            f"(:k{i}, CAST(:cap{i} AS double precision) - 1, CAST(extract(epoch from clock_timestamp()) AS double precision) * 1000)"
            for i in range(n)
        )
        rates = " ".join(f"WHEN :k{i} THEN CAST(:rate{i} AS double precision)" for i in range(n))
        refill = (
            "LEAST(excluded.tokens + 1, rate_buckets.tokens"
            " + GREATEST(0, excluded.updated_ms - rate_buckets.updated_ms)"
            f" * (CASE rate_buckets.key {rates} END))"
        )
        return sa.text(
            f"INSERT INTO rate_buckets (key, tokens, updated_ms) VALUES {rows} "
            f"ON CONFLICT (key) DO UPDATE SET tokens = {refill} - 1, "
            "updated_ms = GREATEST(rate_buckets.updated_ms, excluded.updated_ms) "
            f"WHERE {refill} >= 1 RETURNING key"
        )

    def take(self, checks: list[Check]) -> tuple[int, str] | None:
        if not checks:
            return None
        params: dict[str, Any] = {}
        for i, (key, budget, _reason) in enumerate(checks):
            params[f"k{i}"] = key
            params[f"cap{i}"] = budget.capacity
            params[f"rate{i}"] = budget.per_ms
        statement = self.statements[len(checks)]
        with self.store.engine.begin() as conn:
            spent = {row[0] for row in conn.execute(statement, params)}
            if len(spent) == len(checks):
                return None
            t = self.table
            state = {
                row.key: (row.tokens, row.updated_ms, row.now)
                for row in conn.execute(
                    sa.select(t.c.key, t.c.tokens, t.c.updated_ms, self.now.label("now")).where(
                        t.c.key.in_([c[0] for c in checks if c[0] not in spent])
                    )
                )
            }
            # The first refusing bucket answers; tokens spent from later buckets are given back.
            for i, (key, budget, reason) in enumerate(checks):
                if key in spent:
                    continue
                tokens, updated, now = state.get(key, (0.0, 0.0, 0.0))
                tokens = min(budget.capacity, tokens + max(0.0, now - updated) * budget.per_ms)
                later = [c[0] for c in checks[i + 1:] if c[0] in spent]
                if later:
                    conn.execute(self.refund, {"keys": later})
                return _retry_after(tokens, budget), reason
        return None


class RateLimit:
    """Middleware: 429 `rate_limited` with an integer Retry-After once a bucket is empty."""

    def __init__(self, app: ASGIApp, per_integration: Budget | None, per_workspace: Budget | None,
                 buckets: MemoryBuckets | DatabaseBuckets) -> None:
        self.app = app
        self.per_integration = per_integration
        self.per_workspace = per_workspace
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = scope["blockyard"].get("principal") if scope["type"] == "http" else None
        if principal is not None:
            checks: list[Check] = []
            if self.per_integration is not None:
                who = principal.integration_id or principal.user_id
                checks.append(("i:" + who, self.per_integration, INTEGRATION_REASON))
            if self.per_workspace is not None:
                checks.append(("w:" + principal.workspace_id, self.per_workspace, WORKSPACE_REASON))
            refused = self.buckets.take(checks)
            if refused is not None:
                raise errors.rate_limited(*refused)
        await self.app(scope, receive, send)
