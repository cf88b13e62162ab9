"""`blockyard serve` as a real process (its own workers, uvicorn configuration and limits), on a store
prepared from the test: a workspace, an integration and a shared root page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from blockyard.access import admin, capabilities as caps
from blockyard.owner import owner_ctx
from blockyard.store import Store

from support import free_port


@dataclass
class Prepared:
    database: str
    token: str
    root_id: str


def prepare_store(database: str) -> Prepared:
    store = Store(database)
    try:
        store.migrate()
        with store.write() as tx:
            w = admin.create_workspace(tx, "Served Workspace")
            _info, token = admin.create_integration(tx, w, "Served Integration", caps.DEFAULT)
            with owner_ctx(tx, w) as ctx:
                from blockyard.domain import pages

                root = pages.create(ctx, {
                    "parent": {"workspace": True},
                    "properties": {"title": {"title": [{"text": {"content": "Root"}}]}},
                })
            admin.share(tx, w, root.id, "Served Integration", "edit")
    finally:
        store.dispose()
    return Prepared(database, token, root.id)


def drop_store(database: str) -> None:
    store = Store(database)
    store.drop_schema()
    store.dispose()


def _listening(port: int) -> int:
    """Sockets listening on 127.0.0.1:port (Linux /proc/net/tcp; elsewhere, assume one)."""
    try:
        with open("/proc/net/tcp") as f:
            lines = f.read().splitlines()[1:]
    except OSError:
        return 1
    local = f"0100007F:{port:04X}"
    return sum(1 for line in lines if line.split()[1] == local and line.split()[3] == "0A")


@dataclass
class Served:
    url: str
    host: str
    port: int
    proc: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def served(database: str, log_dir: Path, *args: str, env: dict[str, str] | None = None,
           preexec_fn: Callable[[], Any] | None = None, listeners: int = 1) -> Iterator[Served]:
    """Run `blockyard serve` until the block ends; yields once `listeners` sockets listen on its port
    (one per worker with SO_REUSEPORT) and it accepts connections."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKYARD_")}
    environ.update(env or {})
    log = log_dir / f"serve-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "blockyard.cli", "serve", "--port", str(port), "--database", database,
             "--log-level", "warning", *args],
            stdout=out, stderr=subprocess.STDOUT, env=environ, preexec_fn=preexec_fn,
        )
    srv = Served(f"http://127.0.0.1:{port}", "127.0.0.1", port, proc, log)
    try:
        deadline = time.monotonic() + 60  # a bound on waiting, not an assertion on speed
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"serve exited with {proc.returncode}: {srv.output()}")
            try:
                if _listening(port) >= listeners:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(srv.output())
            time.sleep(0.1)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
