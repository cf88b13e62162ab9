"""The request log: one row per request (who, what, status, duration, error code, request id).

Rows are buffered and inserted in batches (at most half a second late, or every 1,000 requests) from
the event loop's thread: a writer thread was tried, and fighting the loop for the GIL row by row cost
more than the inserts. On SQLite the rows go to a file of their own beside the store (`<store>-log`),
so that log writes are never mistaken for changes to the workspace (`Store.changes`). Each batch
trims the log to its row count; rows past its age are pruned at most once a minute. Tokens and
bodies are never recorded; paths are recorded without their query strings."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..clock import iso
from ..store.schema_limits import request_log as table

if TYPE_CHECKING:
    from ..store import Store

log = logging.getLogger("blockyard")

COLUMNS = ("time", "request_id", "workspace_id", "integration_id", "integration", "method", "path", "status",
           "duration_ms", "error_code")
assert set(COLUMNS) == {c.name for c in table.c} - {"id"}
BATCH = 1000
FLUSH_AFTER = 0.5  # seconds
PRUNE_EVERY = 60.0  # seconds


class RequestLog:
    def __init__(self, store: "Store", max_rows: int, max_hours: float) -> None:
        self.store = store
        self.max_rows = max_rows
        self.max_age_ms = int(max_hours * 3_600_000)
        self.buffer: list[tuple[Any, ...]] = []
        self.lock = threading.Lock()
        self.scheduled = False
        self.last_prune = 0.0

    def record(self, scope: Any, state: dict[str, Any]) -> None:
        """An after_request hook. It reads the scope, not the Request: kept answers are served without one."""
        path = scope["path"]
        if path.startswith("/admin") or state.get("unlogged"):  # the web UI's own pages are not API calls
            return
        if "\x00" in path:  # PostgreSQL text cannot hold it (the request itself was refused)
            path = path.replace("\x00", "%00")
        principal = state.get("principal")
        if principal is None and state.get("error_code") not in (None, "unauthorized"):
            principal = self._caller(scope)
        # In the order of COLUMNS.
        row = (
            int(time.time() * 1000),
            state["request_id"],
            principal.workspace_id if principal else None,
            principal.integration_id if principal else None,
            (principal.integration_name or "personal") if principal else None,
            scope["method"],
            path[:2000],
            state.get("status", 0),
            round((time.perf_counter() - state["started"]) * 1000, 3),
            state.get("error_code"),
        )
        with self.lock:
            self.buffer.append(row)
            full = len(self.buffer) >= BATCH
        if full:
            self.flush()
        elif not self.scheduled:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self.flush()
                return
            self.scheduled = True
            loop.call_later(FLUSH_AFTER, self._timer)

    def _caller(self, scope: Any) -> Any:
        """Whose token a request carried that failed before authentication (no Notion-Version, an unknown
        path), so that it is logged as theirs. Only such failures pay for this lookup."""
        from ..access.tokens import authenticate, digest
        from ..http.request import bearer_token

        header = next((v for k, v in scope.get("headers", ()) if k == b"authorization"), None)
        token = bearer_token(header.decode("latin-1")) if header else None
        if token is None:
            return None
        try:
            with self.store.read() as tx:
                return authenticate(tx, digest(token))
        except Exception:  # the log must never fail a request
            log.warning("could not look up the caller of a failed request", exc_info=True)
            return None

    def _timer(self) -> None:
        self.scheduled = False
        self.flush()

    def flush(self, prune: bool = False) -> None:
        with self.lock:
            rows, self.buffer = self.buffer, []
        now = time.monotonic()
        prune = prune or now - self.last_prune > PRUNE_EVERY
        if not rows and not prune:
            return
        try:
            with self.store.log_transaction() as conn:
                if rows:
                    # Straight to the driver's executemany: the statement machinery costs more than the rows.
                    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
                    conn.exec_driver_sql(
                        f"INSERT INTO request_log ({', '.join(COLUMNS)}) VALUES ({', '.join([mark] * len(COLUMNS))})",
                        rows,
                    )
                    # Every batch drops as many of the oldest rows as went over the count, so a busy
                    # server never piles up a minute of rows to delete in one long transaction.
                    self._keep_count(conn)
                if prune:
                    self.last_prune = now
                    self._prune_age(conn)
        except Exception:  # the log must never fail a request; these rows are lost
            log.warning("could not write %d request log entries", len(rows), exc_info=True)

    def _keep_count(self, conn: Any) -> None:
        # Ids grow by one per row and only the oldest are ever deleted, so the newest max_rows rows are
        # those above max(id) - max_rows (where a sequence skipped ids, fewer are kept, never more).
        newest = conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
        conn.execute(table.delete().where(table.c.id <= newest - self.max_rows))

    def _prune_age(self, conn: Any) -> None:
        # Rows are appended in time order, so the window's start is found by walking ids from the oldest:
        # no index on time to keep up on every insert.
        oldest_kept = conn.execute(
            sa.select(table.c.id).where(table.c.time >= int(time.time() * 1000) - self.max_age_ms)
            .order_by(table.c.id).limit(1)
        ).scalar()
        conn.execute(table.delete() if oldest_kept is None else table.delete().where(table.c.id < oldest_kept))


def read(conn: Any, limit: int = 100, integration: str | None = None) -> list[dict[str, Any]]:
    """The newest entries first; `integration` is a name or an ID."""
    query = sa.select(*(table.c[n] for n in COLUMNS)).order_by(table.c.id.desc()).limit(limit)
    if integration:
        query = query.where(sa.or_(table.c.integration == integration, table.c.integration_id == integration))
    out = []
    for row in conn.execute(query):
        entry = dict(zip(COLUMNS, row))
        entry["time"] = iso(entry["time"])
        out.append(entry)
    return out


def read_workspace(conn: Any, workspace_id: str, *, after_id: int = 0, limit: int = 100,
                   method: str | None = None, status: str | None = None, integration: str | None = None,
                   path: str | None = None) -> list[dict[str, Any]]:
    """One workspace's entries newest first, with their ids, for the web UI's live log. `status` is a
    class ("2xx", "4xx", "5xx") or a code; `after_id` keeps only newer entries."""
    query = (sa.select(table.c.id, *(table.c[n] for n in COLUMNS))
             .where(table.c.workspace_id == workspace_id, table.c.id > after_id)
             .order_by(table.c.id.desc()).limit(limit))
    if method:
        query = query.where(table.c.method == method.upper())
    if status and status[0].isdigit():
        if status.endswith("xx"):
            low = int(status[0]) * 100
            query = query.where(table.c.status >= low, table.c.status < low + 100)
        elif status.isdigit():
            query = query.where(table.c.status == int(status))
    if integration:
        query = query.where(table.c.integration == integration)
    if path:
        query = query.where(table.c.path.contains(path, autoescape=True))
    out = []
    for row in conn.execute(query):
        entry = dict(zip(("id", *COLUMNS), row))
        entry["time"] = iso(entry["time"])
        out.append(entry)
    return out
