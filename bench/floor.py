"""The floor: the least a server can do to answer the same requests.

A raw ASGI app (no framework, no middleware) that reads the request body and answers the JSON bytes
Blockyard produced for the same method and path, read by primary key from a SQLite file
(`BENCH_FLOOR_DB`). Requests that write in Blockyard (PATCH, and POST except query and search) also
write here: one row inserted in its own `BEGIN IMMEDIATE` transaction, WAL mode, synchronous=NORMAL,
as Blockyard's store does. Run under the same uvicorn settings as Blockyard:

    BENCH_FLOOR_DB=floor.db python -m uvicorn bench.floor:app --port N --log-level warning --no-access-log
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, body BLOB NOT NULL, write INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS writes (seq INTEGER PRIMARY KEY, key TEXT NOT NULL, body BLOB NOT NULL);
"""


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000", "cache_size=-64000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def build(path: str, responses: dict[str, tuple[bytes, bool]]) -> None:
    """Write the floor's store: key "METHOD /path" -> (body, writes)."""
    conn = connect(path)
    conn.executescript(SCHEMA)
    conn.execute("BEGIN")
    conn.executemany("INSERT OR REPLACE INTO responses VALUES (?, ?, ?)",
                     [(k, b, int(w)) for k, (b, w) in responses.items()])
    conn.execute("COMMIT")
    conn.close()


_conn: sqlite3.Connection | None = None
_NOT_FOUND = b'{"object":"error","status":404,"code":"object_not_found","message":"floor: no stored response"}'


def _db() -> sqlite3.Connection:
    global _conn
    if _conn is None:
        _conn = connect(os.environ["BENCH_FLOOR_DB"])
    return _conn


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _db()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    key = f"{scope['method']} {scope['path']}"
    conn = _db()
    row = conn.execute("SELECT body, write FROM responses WHERE key = ?", (key,)).fetchone()
    status = 200
    if row is None:
        status, payload = (200, b"{}") if scope["path"] == "/__ready" else (404, _NOT_FOUND)
    else:
        payload = row[0]
        if row[1]:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO writes (key, body) VALUES (?, ?)", (key, body))
            conn.execute("COMMIT")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
