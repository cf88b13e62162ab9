"""Has a SQLite store changed since we last looked? (`Store.changes`)

In WAL mode every commit, by any connection in any process, rewrites the WAL-index header at the
start of `<store>-shm` (https://sqlite.org/walformat.html): its change counter, frame count, salts and
checksum. The header is kept twice; the writer fills the second copy, then the first, and readers
compare them to see a header mid-write. Reading those 96 bytes from a shared mapping is a memory
copy, where `PRAGMA data_version` takes and releases file locks on every call, which on the cached
GET path was the largest single cost.

The mapping stays valid because a connection of our own keeps the database open: SQLite only
truncates or deletes `-shm` when the last connection to the store closes. Where the header can't be
read (not WAL mode, no shared-memory file) the watch falls back to `PRAGMA data_version`."""

from __future__ import annotations

import mmap
import os
import sqlite3
import threading
from typing import Hashable

HEADER = 48  # bytes in one copy of the WAL-index header
IS_INIT = 12  # offset of the header's isInit byte


class ChangeWatch:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._map: mmap.mmap | None = None
        self._fd: int | None = None

    def changes(self) -> Hashable | None:
        """A value that differs after every commit; None when no reading can be trusted right now."""
        header = self._map
        if header is None:
            with self._lock:  # a connection is never used by two threads at once
                if self._conn is None:
                    self._open()
                if self._map is None:
                    return self._conn.execute("PRAGMA data_version").fetchone()[0]  # type: ignore[union-attr]
                header = self._map
        try:
            first = header[:HEADER]
            second = header[HEADER:2 * HEADER]
        except ValueError:  # closed by dispose() under a late request
            return None
        if first != second or not first[IS_INIT]:
            return None  # a commit is writing the header: this request is simply not cached
        return first

    def _open(self) -> None:
        conn = self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=10000")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            return
        # A read maps the WAL index (creating -shm if needed) and takes the shared lock that keeps it alive.
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        try:
            fd = os.open(self.path + "-shm", os.O_RDONLY)
        except OSError:
            return
        # The descriptor stays open as long as the mapping: closing any descriptor of a file drops every
        # POSIX lock this process holds on it, SQLite's own included, and another process that then
        # finds -shm unlocked takes itself for the first, truncates it, and SQLite's mappings here
        # fault (SIGBUS) on the next commit.
        self._fd = fd
        try:
            if os.fstat(fd).st_size >= 2 * HEADER:
                self._map = mmap.mmap(fd, 2 * HEADER, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            self._map = None

    def close(self) -> None:
        with self._lock:
            if self._map is not None:
                self._map.close()
                self._map = None
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
