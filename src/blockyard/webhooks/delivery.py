"""The deliverer: a thread of the server process with its own event loop, so that delivery never holds up
a request (the request only wrote its outbox rows).

Each round claims due deliveries (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so every worker process can run a
deliverer on the same outbox; on SQLite a file lock elects one deliverer among the processes), POSTs them
concurrently and writes the outcomes back in one transaction. A claim is a lease: a deliverer killed with
deliveries in flight leaves rows that become due again when the lease runs out, so nothing is lost and only
the attempts in flight are repeated. Only the earliest unfinished delivery of a subscription and entity can
be claimed, which keeps each entity's events in order; other entities and subscriptions go on meanwhile, and
a receiver that hangs holds at most `PER_SUBSCRIPTION` deliveries of its own subscription until its time-out.

Retries follow an exponential schedule, `webhook_retry_seconds * 2**(n-1)` after the n-th failed attempt,
up to `MAX_ATTEMPTS` (Notion's 8: with the default base the last is about 24 h after the first)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from ..clock import iso
from ..store.schema import events
from ..store.schema_webhooks import webhook_attempts, webhook_deliveries, webhook_subscriptions
from .events import AGGREGATED, fold

if TYPE_CHECKING:
    from ..app import Blockyard

log = logging.getLogger("blockyard.webhooks")

MAX_ATTEMPTS = 8
PER_SUBSCRIPTION = 16  # deliveries of one subscription in flight at once
IN_FLIGHT = 128  # of all subscriptions
BATCH = 200
EXCERPT = 1000  # characters of an answer kept in the log
D = webhook_deliveries.c
S = webhook_subscriptions.c


def sign(body: bytes, token: str) -> str:
    """`X-Notion-Signature`: HMAC-SHA256 of the raw body keyed by the verification token."""
    return "sha256=" + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


@dataclass(slots=True)
class Claimed:
    seq: int
    id: str
    subscription_id: str
    type: str
    entity_id: str
    entity_type: str
    authors: str
    data: str
    timestamp: int
    attempt: int
    workspace_id: str
    workspace_name: str
    integration_id: str
    url: str
    api_version: str
    token: str

    def body(self) -> bytes:
        if self.type == "verification":
            return orjson.dumps({"verification_token": self.token})
        return orjson.dumps({
            "id": self.id, "timestamp": iso(self.timestamp), "workspace_id": self.workspace_id,
            "workspace_name": self.workspace_name, "subscription_id": self.subscription_id,
            "integration_id": self.integration_id, "type": self.type, "authors": orjson.loads(self.authors),
            "attempt_number": self.attempt, "api_version": self.api_version,
            "entity": {"id": self.entity_id, "type": self.entity_type}, "data": orjson.loads(self.data),
        })


@dataclass(slots=True)
class Outcome:
    claimed: Claimed
    started: int
    duration_ms: float
    status: int | None
    error: str | None
    excerpt: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


_DUE = sa.text(
    """
    SELECT d.seq, d.id, d.subscription_id, d.type, d.entity_id, d.entity_type, d.authors, d.data, d.timestamp,
           d.attempts, d.workspace_id, w.name AS workspace_name, s.integration_id, s.url, s.api_version,
           s.verification_token
    FROM webhook_deliveries d
    JOIN webhook_subscriptions s ON s.id = d.subscription_id
    JOIN workspaces w ON w.id = d.workspace_id
    WHERE d.state IN ('pending', 'claimed') AND d.next_attempt_at <= :now
      AND (s.state = 'active' OR d.type = 'verification')
      AND d.subscription_id NOT IN :busy
      AND NOT EXISTS (
        SELECT 1 FROM webhook_deliveries e
        WHERE e.subscription_id = d.subscription_id AND e.entity_id = d.entity_id AND e.seq < d.seq
          AND e.state IN ('pending', 'claimed'))
    ORDER BY d.next_attempt_at, d.seq
    LIMIT :limit
    """
).bindparams(sa.bindparam("busy", expanding=True))


# The unfinished deliveries after one, for the same subscription and entity (the partial entity index).
_FOLLOWERS = sa.text(
    """
    SELECT seq, type, state, attempts, authors, data, timestamp FROM webhook_deliveries
    WHERE subscription_id = :sub AND entity_id = :entity AND seq > :seq AND state IN ('pending', 'claimed')
    ORDER BY seq LIMIT 1000
    """
)

# PostgreSQL: rows another worker is claiming are skipped, not waited for.
_DUE_LOCKING = sa.text(str(_DUE.text) + " FOR UPDATE OF d SKIP LOCKED").bindparams(sa.bindparam("busy", expanding=True))


class Deliverer:
    def __init__(self, app: "Blockyard") -> None:
        self.app = app
        self.settings = app.settings
        self.store = app.store
        self.started = False
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stop = threading.Event()
        self._in_flight: dict[str, int] = {}
        self._outcomes: list[Outcome] = []
        self._lock_file: Any = None
        self._last_prune = 0.0
        self.sent = 0  # successful deliveries by this process (tests, the bench)
        self._client: Any = None

    # --- lifecycle, from any thread ---

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        if not self.settings.webhook_delivery:
            return
        self._thread = threading.Thread(target=self._run, name="blockyard-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def wake(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:
                pass

    # --- the thread ---

    def _run(self) -> None:
        try:
            while not self._stop.is_set() and not self._elected():
                self._stop.wait(1.0)  # another process delivers for this SQLite store; take over if it stops
            if self._stop.is_set():
                return
            asyncio.run(self._main())
        except Exception:  # a stopped store at shutdown, mostly; never take the server down
            if not self._stop.is_set():
                log.exception("webhook deliverer stopped")

    def _elected(self) -> bool:
        if not self.store.is_sqlite or self.store.in_memory:
            return True
        import fcntl

        from ..store.engine import normalise_url, sqlite_file

        path = f"{sqlite_file(normalise_url(self.store.url)[0])}-webhooks.lock"
        handle = open(path, "a")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock_file = handle  # held for the life of the process
        return True

    async def _main(self) -> None:
        import aiohttp  # several times faster than httpx's async client with many requests in flight

        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        if self.store.is_sqlite:
            self._release_claims()  # the only deliverer of this store: any claim is a killed one's
        timeout = aiohttp.ClientTimeout(total=self.settings.webhook_timeout_seconds)
        connector = aiohttp.TCPConnector(limit=IN_FLIGHT, limit_per_host=0)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector, auto_decompress=False) as client:
            self._client = client
            tasks: set[asyncio.Task[None]] = set()
            idle_rounds = 0
            failing = False
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    self._write_outcomes()
                    claimed = self._claim()
                    self._prune()
                except Exception:  # a busy or unreachable store: try again shortly, never stop delivering
                    if not failing:  # once per spell, not every second
                        log.warning("webhook deliverer: the store failed; retrying every second", exc_info=True)
                    failing = True
                    await self._pause(1.0)
                    continue
                if failing:
                    log.warning("webhook deliverer: the store answers again")
                    failing = False
                for c in claimed:
                    task = asyncio.create_task(self._send(c))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                if claimed or self._outcomes:
                    idle_rounds = 0
                    await asyncio.sleep(0)
                    if len(self._outcomes) < len(tasks):
                        await asyncio.sleep(0.002)  # let answers gather: one transaction writes them all
                    continue
                # A wake comes before the change commits: look again shortly, then settle to polling.
                idle_rounds += 1
                await self._pause(0.02 if idle_rounds < 5 else self.settings.webhook_poll_seconds)
            for task in list(tasks):
                task.cancel()
            try:
                self._write_outcomes()
            except Exception:  # the store is going away too; the claims' leases cover what was lost
                pass

    async def _pause(self, seconds: float) -> None:
        assert self._wake is not None
        try:
            await asyncio.wait_for(self._wake.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    # --- the store ---

    def _release_claims(self) -> None:
        now = self.store.clock.now_ms()
        with self.store.write() as tx:
            tx.execute(webhook_deliveries.update().where(D.state == "claimed")
                       .values(state="pending", next_attempt_at=now, claimed_until=None))

    def _claim(self) -> list[Claimed]:
        room = IN_FLIGHT - sum(self._in_flight.values())
        if room <= 0:
            return []
        now = self.store.clock.now_ms()
        lease = now + int((self.settings.webhook_timeout_seconds + 5) * 1000)
        # Subscriptions with as many deliveries in flight as they may have wait; the others go on.
        params = {"now": now, "limit": min(BATCH, room),
                  "busy": [sid for sid, n in self._in_flight.items() if n >= PER_SUBSCRIPTION] or [""]}
        # A read first: an idle round must not write (every commit empties the kept answers).
        with self.store.read() as tx:
            if tx.execute(_DUE, {**params, "limit": 1}).first() is None:
                return []
        out: list[Claimed] = []
        with self.store.write() as tx:
            rows = tx.execute(_DUE if self.store.is_sqlite else _DUE_LOCKING, params).all()
            for r in rows:
                if self._in_flight.get(r.subscription_id, 0) >= PER_SUBSCRIPTION:
                    continue
                self._in_flight[r.subscription_id] = self._in_flight.get(r.subscription_id, 0) + 1
                out.append(Claimed(r.seq, r.id, r.subscription_id, r.type, r.entity_id, r.entity_type, r.authors,
                                   r.data, r.timestamp, r.attempts + 1, r.workspace_id, r.workspace_name,
                                   r.integration_id, r.url, r.api_version, r.verification_token))
            if out:
                tx.execute(webhook_deliveries.update().where(D.seq.in_([c.seq for c in out])).values(
                    state="claimed", attempts=D.attempts + 1, next_attempt_at=lease, claimed_until=lease))
                for c in out:
                    if c.attempt == 1 and c.type in AGGREGATED:
                        self._fold_followers(tx, c, now)
        return out

    def _fold_followers(self, tx: Any, c: Claimed, now: int) -> None:
        """Aggregation: the deliveries right behind this one for the same entity and type become part of it."""
        followers = tx.execute(_FOLLOWERS, {"sub": c.subscription_id, "entity": c.entity_id, "seq": c.seq}).all()
        run = []
        for f in followers:
            if f.type != c.type or f.state != "pending" or f.attempts:
                break  # something else comes next: it keeps its place in the entity's order
            run.append(f)
        if not run:
            return
        data, authors = orjson.loads(c.data), orjson.loads(c.authors)
        for f in run:
            data = fold(data, orjson.loads(f.data))
            authors += [a for a in orjson.loads(f.authors) if a not in authors]
        c.data, c.authors, c.timestamp = orjson.dumps(data).decode(), orjson.dumps(authors).decode(), run[-1].timestamp
        tx.execute(webhook_deliveries.update().where(D.seq == c.seq).values(
            data=c.data, authors=c.authors, timestamp=c.timestamp))
        tx.execute(webhook_deliveries.update().where(D.seq.in_([f.seq for f in run])).values(
            state="merged", finished_time=now, claimed_until=None))

    def _write_outcomes(self) -> None:
        if not self._outcomes:
            return
        done, self._outcomes = self._outcomes, []
        try:
            self._record_outcomes(done)
        except Exception:
            self._outcomes = done + self._outcomes  # written at the next round
            raise

    def _record_outcomes(self, done: list[Outcome]) -> None:
        now = self.store.clock.now_ms()
        base = self.settings.webhook_retry_seconds
        with self.store.write() as tx:
            tx.execute(webhook_attempts.insert(), [{
                "delivery_seq": o.claimed.seq, "attempt_number": o.claimed.attempt, "started_time": o.started,
                "duration_ms": o.duration_ms, "status": o.status, "error": o.error, "response_excerpt": o.excerpt,
            } for o in done])
            delivered = [o for o in done if o.ok]
            if delivered:
                tx.execute(sa.update(webhook_deliveries).where(D.seq == sa.bindparam("b_seq"), D.state == "claimed")
                           .values(state="delivered", finished_time=now, claimed_until=None,
                                   last_status=sa.bindparam("b_status")),
                           [{"b_seq": o.claimed.seq, "b_status": o.status} for o in delivered])
            for o in done:
                if o.ok:
                    continue
                values: dict[str, Any] = {"last_status": o.status, "claimed_until": None}
                if o.claimed.attempt >= MAX_ATTEMPTS:
                    values.update(state="failed", finished_time=now)
                else:
                    delay = base * 2 ** (o.claimed.attempt - 1)
                    values.update(state="pending", next_attempt_at=now + int(delay * 1000))
                tx.execute(webhook_deliveries.update().where(D.seq == o.claimed.seq, D.state == "claimed").values(**values))
        self.sent += len(delivered)

    def _prune(self) -> None:
        """Finished deliveries, their attempts and recorded events past the retention, a slice at a time."""
        hours = self.settings.webhook_retention_hours
        if hours <= 0 or time.monotonic() - self._last_prune < 60:
            return
        self._last_prune = time.monotonic()
        cutoff = self.store.clock.now_ms() - int(hours * 3_600_000)
        with self.store.write() as tx:
            old = [r[0] for r in tx.execute(sa.select(D.seq).where(
                D.finished_time < cutoff, sa.text("finished_time IS NOT NULL")).limit(5000))]
            if old:
                tx.execute(webhook_attempts.delete().where(webhook_attempts.c.delivery_seq.in_(old)))
                tx.execute(webhook_deliveries.delete().where(D.seq.in_(old)))
            first = tx.execute(sa.select(events.c.seq).where(events.c.timestamp < cutoff)
                               .order_by(events.c.seq.desc()).limit(1)).scalar()
            if first is not None:
                tx.execute(events.delete().where(events.c.seq <= first, events.c.timestamp < cutoff))

    # --- HTTP ---

    async def _send(self, c: Claimed) -> None:
        body = c.body()
        headers = {"content-type": "application/json", "x-notion-signature": sign(body, c.token),
                   "user-agent": "Blockyard-Webhooks"}
        started = self.store.clock.now_ms()
        t0 = time.perf_counter()
        status = error = excerpt = None
        try:
            async with self._client.post(c.url, data=body, headers=headers, allow_redirects=False) as resp:
                status = resp.status
                # A huge answer is cut: the log keeps its start, and the rest is never read.
                excerpt = (await resp.content.read(EXCERPT * 4)).decode("utf-8", "replace")[:EXCERPT]
        except Exception as exc:  # time-outs, refused connections, bad URLs: a failed attempt
            error = f"{type(exc).__name__}: {exc}".rstrip(": ")[:EXCERPT]
        finally:
            self._in_flight[c.subscription_id] -= 1
        self._outcomes.append(Outcome(c, started, (time.perf_counter() - t0) * 1000, status, error, excerpt))
        if self._wake is not None:
            self._wake.set()

