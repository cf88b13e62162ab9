"""How `blockyard serve` runs uvicorn, and the HTTP/1.1 protocol it serves with: uvicorn's httptools
protocol with the limits uvicorn leaves out.

uvicorn bounds a request head only with h11 (`h11_max_incomplete_event_size`), and times out only idle
keep-alive connections. With httptools, which is the faster parser and the one uvicorn picks, a head of
any size is buffered (llhttp hands a long header value over in pieces and they are joined again and
again: a 200 MB header cost 44 s of CPU), and a client that opens a connection and sends nothing, or a
byte now and then, holds it for ever. So:

- the request line and headers together are bounded in bytes and the headers in number (431);
- a request head must arrive within `http_header_timeout` of the connection opening or of its first
  byte (after a kept-alive answer), and a body within `http_body_timeout` of its head (408);
- a worker keeps at most `http_max_connections` open; past it the connection waiting longest for a
  request head (idle or slow) is closed to make room, so slow clients never crowd out the others.

Timers are checked against the socket before closing anything: a worker whose event loop was busy
(an SQLite write waiting for another process) may find the request it waited for already there."""

from __future__ import annotations

import functools
import select
import time
from typing import TYPE_CHECKING, Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..settings import Settings

if TYPE_CHECKING:
    import asyncio

# What a worker keeps for itself (store connections, the log file, imports) out of its file limit.
_RESERVED_FILES = 64


def raise_file_limit() -> int:
    """Raise this process's open-file limit to its hard limit; returns the limit now in force."""
    try:
        import resource
    except ImportError:  # not POSIX
        return 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


class Limits:
    __slots__ = ("header_bytes", "headers", "header_timeout", "body_timeout", "max_connections")

    def __init__(self, settings: Settings) -> None:
        self.header_bytes = settings.http_max_header_bytes
        self.headers = settings.http_max_headers
        self.header_timeout = settings.http_header_timeout
        self.body_timeout = settings.http_body_timeout
        files = raise_file_limit()
        auto = max(16, files - _RESERVED_FILES)
        self.max_connections = min(settings.http_max_connections, auto) if settings.http_max_connections else auto


@functools.cache
def limits() -> Limits:
    """This worker's limits, from BLOCKYARD_* variables (how `serve` hands settings to its workers)."""
    return Limits(Settings.from_env())


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn.Config keyword arguments for `serve` (one worker, or each of several)."""
    return {
        "log_level": settings.log_level,
        "access_log": settings.log_level == "debug",
        "lifespan": "on",
        "http": GuardedHttpTools,
        "ws": "none",
        "timeout_keep_alive": settings.http_keep_alive_timeout,
    }


_HEAD_TOO_LARGE = b"Request header fields too large."
_TIMED_OUT = b"Request timeout."


def _plain(status: bytes, text: bytes) -> bytes:
    return (b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: "
            + str(len(text)).encode() + b"\r\nconnection: close\r\n\r\n" + text)


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with bounded request heads, head and body timeouts, and a bound
    on open connections (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits()
        self.header_bytes = self.limits.header_bytes
        # Bytes of the request head read so far, or None while no head is being read (a request is
        # being answered, or its body read).
        self.head_bytes: int | None = 0
        self.reading_body = False  # between a request's head and the end of its body
        self.waiting_since = time.monotonic()  # when this connection began waiting for a request head
        self.head_timer: asyncio.TimerHandle | None = None
        self.body_timer: asyncio.TimerHandle | None = None
        self.too_large = False

    # --- connections -------------------------------------------------------------------------

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        if len(self.connections) >= self.limits.max_connections and not self._make_room():
            transport.close()  # every connection is in use: this one waits for none of them
            return
        super().connection_made(transport)
        self.waiting_since = time.monotonic()
        self._arm_head_timer()

    def _make_room(self) -> bool:
        """Close the connection that has waited longest for a request head; False if none is waiting."""
        waiting = [c for c in self.connections if isinstance(c, GuardedHttpTools) and c.head_bytes is not None
                   and (c.cycle is None or c.cycle.response_complete) and not c.transport.is_closing()]
        if not waiting:
            return False
        oldest = min(waiting, key=lambda c: c.waiting_since)
        oldest.transport.close()
        self.connections.discard(oldest)
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        if self.transport is None:  # refused in connection_made
            return
        super().connection_lost(exc)

    def _cancel_timers(self) -> None:
        for timer in (self.head_timer, self.body_timer):
            if timer is not None:
                timer.cancel()
        self.head_timer = self.body_timer = None

    # --- bytes in ----------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self.head_bytes is not None:
            self.head_bytes += len(data)
            over = self.head_bytes - self.header_bytes
            if over > 0:
                # Parse only what the bound allows: a head that ends within it goes on, one that
                # does not is refused before more of it is buffered.
                fits = len(data) - over
                if fits > 0:
                    self._feed(data[:fits])
                if self.head_bytes is not None and not self.transport.is_closing():
                    self._refuse(b"431 Request Header Fields Too Large", _HEAD_TOO_LARGE)
                    return
                data = data[max(fits, 0):]
                if not data or self.transport.is_closing():
                    return
        # uvicorn's data_received, inlined: this is every request's path.
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._parse_failed()
            return
        except httptools.HttpParserUpgrade:
            self._unsupported_upgrade_warning()
            return
        if self.reading_body and self.body_timer is None and self.limits.body_timeout > 0:
            # A body still to come once this chunk is read (most requests end within their first
            # chunk, so they never arm the timer).
            self.body_timer = self.loop.call_later(self.limits.body_timeout, self._body_timed_out)
        elif self.head_bytes and self.head_timer is None and not self.transport.is_closing():
            # Part of a head on a kept-alive connection: the rest must follow in time. (Most heads
            # arrive whole, so they never arm the timer.)
            self.waiting_since = time.monotonic()
            self._arm_head_timer()

    def _feed(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._parse_failed()
        except httptools.HttpParserUpgrade:
            self._unsupported_upgrade_warning()

    def _parse_failed(self) -> None:
        # As uvicorn answers, with one more case: too many headers answer 431, not 400.
        if self.too_large:
            self._refuse(b"431 Request Header Fields Too Large", _HEAD_TOO_LARGE)
            return
        msg = "Invalid HTTP request received."
        self.logger.warning(msg)
        self.send_400_response(msg)

    def _refuse(self, status: bytes, text: bytes) -> None:
        self._cancel_timers()
        self.head_bytes = None
        self.reading_body = False
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
        self.transport.write(_plain(status, text))
        self.transport.close()

    # --- parser callbacks --------------------------------------------------------------------

    def on_headers_complete(self) -> None:
        self.head_bytes = None
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None
        # Counted once here rather than per header: the byte bound already caps what they cost.
        if len(self.headers) > self.limits.headers:
            self.too_large = True
            raise ValueError("too many request headers")  # stops the parser (HttpParserCallbackError)
        self.reading_body = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.reading_body = False
        if self.body_timer is not None:
            self.body_timer.cancel()
            self.body_timer = None
        super().on_message_complete()
        # Whatever comes next on this connection is the next request's head.
        self.head_bytes = 0
        self.waiting_since = time.monotonic()

    # --- timers ------------------------------------------------------------------------------

    def _arm_head_timer(self) -> None:
        if self.limits.header_timeout > 0:
            self.head_timer = self.loop.call_later(self.limits.header_timeout, self._head_timed_out)

    def _head_timed_out(self) -> None:
        self.head_timer = None
        if self.head_bytes is None or self.transport is None or self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete or self.flow.read_paused:
            self._arm_head_timer()  # a pipelined head waits for our answer to the one before
            return
        if self._readable():
            self.head_timer = self.loop.call_later(0.05, self._head_timed_out)
            return
        if self.head_bytes:
            self._refuse(b"408 Request Timeout", _TIMED_OUT)
        else:
            self.transport.close()  # nothing was asked: nothing to answer

    def _body_timed_out(self) -> None:
        self.body_timer = None
        if self.transport is None or self.transport.is_closing() or self.cycle is None:
            return
        if self.flow.read_paused:  # the application has not read what came: the wait is ours
            self.body_timer = self.loop.call_later(self.limits.body_timeout, self._body_timed_out)
            return
        if not self.reading_body:
            return
        if self._readable():
            self.body_timer = self.loop.call_later(0.05, self._body_timed_out)
            return
        if self.cycle.response_started:
            self.transport.close()
            return
        self._refuse(b"408 Request Timeout", _TIMED_OUT)

    def timeout_keep_alive_handler(self) -> None:
        if self._readable():
            return  # the next request is already here; data_received will read it
        super().timeout_keep_alive_handler()

    def _readable(self) -> bool:
        """Bytes (or the end of the stream) wait on the socket, unread because the loop was busy."""
        sock = self.transport.get_extra_info("socket")
        if sock is None:
            return False
        try:
            ready, _, _ = select.select([sock.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(ready)
