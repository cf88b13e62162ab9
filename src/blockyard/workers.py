"""`blockyard serve --workers N`: N worker processes, each with its own listening socket on one port.

With one shared socket (uvicorn's own `--workers`), whichever worker wakes first accepts every
connection that is waiting, so a client that opens its keep-alive pool at once lands on one worker and
the others idle. With SO_REUSEPORT each worker has its own socket and the kernel spreads connections
across them. Where SO_REUSEPORT is missing, uvicorn's shared-socket workers are used instead."""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
from typing import Any

APP = "blockyard.asgi:app"


def can_share_port() -> bool:
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int, options: dict[str, Any]) -> None:
    import uvicorn

    sock = _listen(host, port)
    uvicorn.Server(uvicorn.Config(APP, **options)).run(sockets=[sock])


def run(host: str, port: int, workers: int, options: dict[str, Any]) -> None:
    """Start the workers and wait; SIGINT or SIGTERM stops them all (each finishes its requests)."""
    # Bind once here first, so a port in use fails before any worker starts.
    _listen(host, port).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_worker, args=(host, port, options), name=f"blockyard-worker-{i}")
             for i in range(workers)]
    for p in procs:
        p.start()

    def stop(_signum: int, _frame: Any) -> None:
        for p in procs:
            if p.is_alive():
                p.terminate()  # SIGTERM: uvicorn's graceful shutdown

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for p in procs:
        p.join()
