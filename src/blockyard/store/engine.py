"""The store: an engine, schema creation, and one transaction per request.

SQLite runs in WAL mode with `synchronous=NORMAL` (a killed process loses nothing it
acknowledged); write transactions start with `BEGIN IMMEDIATE` so two writers never
deadlock on a lock upgrade. PostgreSQL takes `?schema=NAME` to keep a store in its own schema.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Hashable, Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from .. import errors
from ..clock import Clock
from .changes import ChangeWatch
from . import schema_extra  # noqa: F401  (every table registered before a store is used)

# The perf_counter time by which the current request must finish (set by Dispatch). Past it, SQLite
# interrupts the running statement; PostgreSQL connections carry a statement_timeout instead.
DEADLINE: ContextVar[float | None] = ContextVar("blockyard_deadline", default=None)


class StoreURLError(ValueError):
    """A --database value that names no store Blockyard can open, in words for the command line."""


def normalise_url(url: str) -> tuple[sa.URL, str | None]:
    """SQLAlchemy URL for a user's database URL or file path, and the PostgreSQL schema if any.

    Every form SQLAlchemy takes works: `sqlite:///relative.db`, `sqlite:////absolute.db`, `sqlite://` and
    `sqlite:///:memory:`, `sqlite:///file:x.db?uri=true&mode=ro`, query options such as `?timeout=30`;
    `postgresql://user:pass@host:port/db`, `postgresql:///db?host=/socket/dir`, `postgres://`, any
    `postgresql+driver://` (served by psycopg), with `?schema=NAME` for a schema of its own."""
    if "://" not in url:
        return sa.URL.create("sqlite", database=url), None
    try:
        parsed = make_url(url)
    except Exception as exc:  # ArgumentError, or a port that is not a number
        raise StoreURLError(f"{url!r} is not a database URL ({exc})") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite"), None
    if backend in ("postgres", "postgresql"):
        schema = parsed.query.get("schema")
        parsed = parsed.difference_update_query(["schema"]).set(drivername="postgresql+psycopg")
        return parsed, schema if isinstance(schema, str) or schema is None else schema[-1]
    raise StoreURLError(f"{parsed.drivername}:// is not a store Blockyard serves: use an SQLite file or postgresql://")


def sqlite_file(url: sa.URL) -> str | None:
    """The file an SQLite URL opens, or None for an in-memory database."""
    database = url.database or ""
    if url.query.get("uri") in ("true", "1"):
        if url.query.get("mode") == "memory" or database.startswith("file::memory:"):
            return None
        database = database.removeprefix("file:").partition("?")[0]
    return None if database in ("", ":memory:") else database


class Store:
    def __init__(self, url: str, clock: Clock | None = None) -> None:
        self.url = url
        sa_url, self.schema = normalise_url(url)
        self.clock = clock or Clock()
        self.is_sqlite = sa_url.get_backend_name() == "sqlite"
        self._watch: ChangeWatch | None = None
        self._one_at_a_time: Any = None
        if self.is_sqlite:
            path = sqlite_file(sa_url)
            self.in_memory = path is None
            # One in-memory database must be the same for every thread: one shared connection.
            pool = {"poolclass": StaticPool} if self.in_memory else {}
            if self.in_memory:
                import threading

                self._one_at_a_time = threading.RLock()
            self.engine = sa.create_engine(sa_url, connect_args={"check_same_thread": False}, **pool)
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
            if path is not None:
                # SQLite gives the -wal and -shm files the mode of the database file.
                _create_private(path)
                _create_private(path + "-log")
                self._watch = ChangeWatch(path)
            # The request log lives in a file of its own beside the store (`<store>-log`), so that its
            # writes never count as changes to the workspace (see `changes`).
            self.log_engine = self.engine if path is None else sa.create_engine(
                sa_url.set(database=(sa_url.database or "") + "-log"), connect_args={"check_same_thread": False})
            if self.log_engine is not self.engine:
                event.listen(self.log_engine, "connect", _sqlite_connect)
                event.listen(self.log_engine, "begin", _sqlite_begin)
        else:
            self.engine = sa.create_engine(sa_url, pool_size=10, max_overflow=10, pool_pre_ping=True)
            self.log_engine = self.engine
            self.in_memory = False
            event.listen(self.engine, "connect", _postgres_connect)
            if self.schema:
                schema = self.schema

                @event.listens_for(self.engine, "connect")
                def _search_path(dbapi_conn: Any, _record: Any) -> None:
                    with dbapi_conn.cursor() as cur:
                        cur.execute(f'SET search_path TO "{schema}"')
                    dbapi_conn.commit()

    def limit_statements(self, seconds: float) -> None:
        """PostgreSQL: cancel any statement running longer than a whole request may (new connections)."""
        if self.is_sqlite or seconds <= 0:
            return
        ms = int(seconds * 1000)

        @event.listens_for(self.engine, "connect")
        def _statement_timeout(dbapi_conn: Any, _record: Any) -> None:
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET statement_timeout = {ms}")
            dbapi_conn.commit()

    def migrate(self) -> bool:
        """Bring the schema to the current version; True when the store was new (nothing was there)."""
        from .migrations import upgrade

        if self.schema:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
        created = upgrade(self)
        if self.log_engine is not self.engine:
            from .schema_limits import request_log

            with self.log_engine.begin() as conn:
                request_log.create(conn, checkfirst=True)
        return created

    def drop_schema(self) -> None:
        """Tests only: remove a PostgreSQL store's schema."""
        if self.schema:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')

    @contextmanager
    def _connection(self, conn: Connection | None, write: bool) -> Iterator[Connection]:
        if self._one_at_a_time is not None:
            # An in-memory store is one connection: requests, the webhook deliverer and the file worker take
            # turns with whole transactions on it (re-entrant: a request's log write nests in its own).
            with self._one_at_a_time:
                with self.engine.connect() as shared:
                    yield shared.execution_options(blockyard_write=write)
            return
        if conn is None:
            with self.engine.connect() as fresh:
                yield fresh.execution_options(blockyard_write=write)
        else:
            # A request's own connection, reused by each of its transactions (one pool checkout, one ping).
            yield conn.execution_options(blockyard_write=write)

    @contextmanager
    def write(self, conn: Connection | None = None) -> Iterator["Tx"]:
        with self._connection(conn, True) as conn:
            try:
                with conn.begin():
                    yield Tx(conn, self.clock.now_ms(), self)
            except IntegrityError as exc:
                raise _conflict() from exc
            except OperationalError as exc:
                if _timed_out(exc):
                    raise errors.server_error(503) from exc
                if _is_busy(exc):
                    raise _conflict() from exc
                raise
            except DBAPIError as exc:
                if _timed_out(exc):
                    raise errors.server_error(503) from exc
                if getattr(exc.orig, "sqlstate", None) in ("40001", "40P01"):
                    raise _conflict() from exc
                raise

    @contextmanager
    def read(self, conn: Connection | None = None) -> Iterator["Tx"]:
        with self._connection(conn, False) as conn:
            try:
                with conn.begin():
                    yield Tx(conn, self.clock.now_ms(), self)
            except DBAPIError as exc:
                if _timed_out(exc):
                    raise errors.server_error(503) from exc
                raise

    def changes(self, conn: Connection | None = None) -> Hashable | None:
        """A value that moves whenever a transaction commits on the store, in this process or another;
        None where the store can't tell (in-memory SQLite). Callers may keep what they computed from
        the store for as long as it stays the same.

        SQLite files: the WAL-index header, read without a connection (store/changes.py). PostgreSQL:
        the current snapshot (`conn` is required), which moves with every transaction that ends anywhere
        in the cluster and never comes back to an earlier value: one round trip, outside a transaction."""
        if self.is_sqlite:
            return None if self._watch is None else self._watch.changes()
        if conn is None:
            return None
        raw = conn.connection.driver_connection
        raw.autocommit = True  # no BEGIN and COMMIT around it: two round trips saved
        try:
            return raw.execute("SELECT pg_current_snapshot()::text").fetchone()[0]
        finally:
            raw.autocommit = False

    @contextmanager
    def log_transaction(self) -> Iterator[Connection]:
        """A write transaction on the request log's store (its own file on SQLite)."""
        if self._one_at_a_time is not None:
            with self.write() as tx:
                yield tx.conn
            return
        with self.log_engine.connect() as conn:
            conn = conn.execution_options(blockyard_write=True)
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()
        if self.log_engine is not self.engine:
            self.log_engine.dispose()
        if self._watch is not None:
            self._watch.close()


class Tx:
    """One unit of work: a connection inside a transaction, and the time it started."""

    __slots__ = ("conn", "_now", "store", "_events", "cache", "read_clock")

    def __init__(self, conn: Connection, now: int, store: Store) -> None:
        self.conn = conn
        self._now = now
        self.store = store
        self.cache: dict[Any, Any] = {}
        # Set once anything asks the time: an answer that depends on it (a formula using now())
        # must not be reused later.
        self.read_clock = False

    @property
    def now(self) -> int:
        self.read_clock = True
        return self._now

    def execute(self, statement: Any, *args: Any) -> Any:
        return self.conn.execute(statement, *args)

    @property
    def is_sqlite(self) -> bool:
        return self.store.is_sqlite


def _create_private(path: str) -> None:
    """Create a store file readable by its owner alone (0600) unless it exists: a store holds
    everything its users wrote, and token digests. A missing directory is left for SQLite to report
    (a mistyped path is an error, not a new tree of directories)."""
    import os

    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except (FileExistsError, FileNotFoundError, NotADirectoryError):
        pass


def _conflict() -> errors.NotionError:
    """409 conflict_error for a transaction that collided with another (a unique key taken meanwhile, a
    serialization failure, a deadlock, a busy SQLite file): running the request again may succeed."""
    err = errors.conflict()
    err.retryable = True  # type: ignore[attr-defined]
    return err


def _is_busy(exc: OperationalError) -> bool:
    return "database is locked" in str(exc.orig) or "busy" in str(exc.orig)


def _timed_out(exc: DBAPIError) -> bool:
    """A statement cut short by the request deadline (SQLite) or statement_timeout (PostgreSQL)."""
    return getattr(exc.orig, "sqlstate", None) == "57014" or "interrupted" in str(exc.orig)


def _past_deadline() -> int:
    deadline = DEADLINE.get()
    return 1 if deadline is not None and time.perf_counter() > deadline else 0


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
    dbapi_conn.set_progress_handler(_past_deadline, 20_000)
    cur = dbapi_conn.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "busy_timeout=10000",
        "foreign_keys=ON",
        "cache_size=-64000",
        "temp_store=MEMORY",
    ):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def _postgres_connect(dbapi_conn: Any, _record: Any) -> None:
    # The walk queries carry correlated subqueries whose estimated costs are huge while they read a page
    # of rows; past jit_above_cost PostgreSQL would spend hundreds of milliseconds compiling each one.
    with dbapi_conn.cursor() as cur:
        cur.execute("SET jit = off")
    dbapi_conn.commit()


def _sqlite_begin(conn: Connection) -> None:
    # Straight to the driver: exec_driver_sql's statement machinery costs more than the BEGIN itself.
    write = conn.get_execution_options().get("blockyard_write")
    conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
