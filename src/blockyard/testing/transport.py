"""httpx transports that hand each request straight to the ASGI app: no socket, no thread.

`ASGITransport` is for `httpx.Client` (and so `notion_client.Client`): it drives the app on an event loop
of its own, kept for the transport's life, so a request costs one `run_until_complete`. Called from a
thread whose event loop is already running (a sync client inside an async test), it runs the app on a
helper thread instead. `AsyncASGITransport` is for `httpx.AsyncClient`: it awaits the app in the
caller's loop. Both read the whole body first and the whole answer after: Notion's API streams nothing."""

from __future__ import annotations

import asyncio
import json as _json
import re
import threading
from typing import Any

import httpx


def _scope(request: httpx.Request, body: bytes) -> dict[str, Any]:
    url = request.url
    port = url.port or (443 if url.scheme == "https" else 80)
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?", 1)[0],
        "query_string": url.query,
        "root_path": "",
        "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "client": ("127.0.0.1", 50000),
        "server": (url.host, port),
    }


class _Exchange:
    """One request's receive and send callables, and the answer they collect."""

    __slots__ = ("body", "sent_body", "status", "headers", "chunks")

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.sent_body = False
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def receive(self) -> dict[str, Any]:
        if self.sent_body:
            return {"type": "http.disconnect"}
        self.sent_body = True
        return {"type": "http.request", "body": self.body, "more_body": False}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", ()))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    def response(self, request: httpx.Request) -> httpx.Response:
        body = b"".join(self.chunks)
        # A response from a stream, left as httpx's read() leaves one: the whole body in hand. The app
        # sent its own content-length and content-type, so there is nothing for content= to add.
        response = httpx.Response(self.status, headers=self.headers, stream=httpx.ByteStream(body), request=request)
        response._content = body
        response.is_stream_consumed = True
        response.is_closed = True
        return response


class ASGITransport(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self.app = app
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        exchange = _Exchange(request.read())
        call = self.app(_scope(request, exchange.body), exchange.receive, exchange.send)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            with self._lock:  # one loop, so one request at a time per transport
                if self._loop is None or self._loop.is_closed():
                    self._loop = asyncio.new_event_loop()
                _drive(self._loop, call)
        else:
            _run_elsewhere(call)
        return exchange.response(request)

    def close(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()


def _drive(loop: asyncio.AbstractEventLoop, call: Any) -> None:
    """Run the app's coroutine to its end. Most requests never wait on anything, so the coroutine is
    first stepped by hand with `loop` marked as running (what asyncio.get_running_loop() answers): a
    Task and two turns of the loop cost more than the request. If it does wait (injected latency), the
    loop runs until the awaited future is done and the coroutine is stepped on from there."""
    asyncio._set_running_loop(loop)
    try:
        waiting = call.send(None)
    except StopIteration:
        return
    finally:
        asyncio._set_running_loop(None)
    loop.run_until_complete(_resume(call, waiting))


async def _resume(call: Any, waiting: Any) -> None:
    while True:
        try:
            if waiting is None:  # a bare yield (asyncio.sleep(0)): one turn of the loop
                await asyncio.sleep(0)
            else:
                # As a Task does with a future its coroutine yields: taken over, no longer blocking.
                waiting._asyncio_future_blocking = False
                await waiting
        except BaseException as exc:  # the awaited future failed: so does the app's await
            try:
                waiting = call.throw(exc)
            except StopIteration:
                return
            continue
        try:
            waiting = call.send(None)
        except StopIteration:
            return


def _run_elsewhere(call: Any) -> None:
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(call)
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="blockyard-asgi-call")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


class AsyncASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: Any) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        exchange = _Exchange(await request.aread())
        await self.app(_scope(request, exchange.body), exchange.receive, exchange.send)
        return exchange.response(request)


_PLAIN_PATH = re.compile(r"^[A-Za-z0-9._~/-]*$")


def _fast_url(base: httpx.URL, url: Any, params: Any) -> httpx.URL | None:
    """The request URL for what notion-client passes (a plain path relative to base_url, a params
    dict): the base URL's parts with the path and query replaced, where httpx would parse twice. None
    for anything else, which takes httpx's own way."""
    if not isinstance(url, str) or not _PLAIN_PATH.match(url) or url.startswith("/"):
        return None
    ref = getattr(base, "_uri_reference", None)
    if ref is None or not hasattr(ref, "_replace") or not ref.path.endswith("/"):
        return None
    query = str(httpx.QueryParams(params)) if params else None
    target = httpx.URL.__new__(httpx.URL)
    target._uri_reference = ref._replace(path=ref.path + url, query=query or None)
    return target


def _fast_request(client: Any, method: str, url: Any, json: Any, params: Any, headers: Any) -> httpx.Request | None:
    target = _fast_url(client.base_url, url, params)
    if target is None:
        return None
    merged = [(b"Host", target.netloc), *client.headers.raw]
    if headers:
        extra = httpx.Headers(headers).raw
        names = {k.lower() for k, _ in extra}
        merged = [h for h in merged if h[0].lower() not in names] + extra
    content = b""
    if json is not None:
        content = _json.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        merged += [(b"Content-Length", str(len(content)).encode()), (b"Content-Type", b"application/json")]
    elif method in ("POST", "PUT", "PATCH"):
        merged.append((b"Content-Length", b"0"))
    # Built from a stream with the headers content= would add (Host, Content-Length, Content-Type), and
    # the body left as read() leaves it: one Headers built instead of three.
    request = httpx.Request(method, target, headers=merged, stream=httpx.ByteStream(content),
                            extensions={"timeout": client.timeout.as_dict()})
    request._content = content
    return request


class _FastBuild:
    """`build_request` for the in-process clients: a plain request (the SDKs' kind) is built directly."""

    def build_request(self, method: str, url: Any, *, content: Any = None, data: Any = None, files: Any = None,
                      json: Any = None, params: Any = None, headers: Any = None, cookies: Any = None,
                      timeout: Any = httpx.USE_CLIENT_DEFAULT, extensions: Any = None) -> httpx.Request:
        if content is None and data is None and files is None and cookies is None and extensions is None \
                and timeout is httpx.USE_CLIENT_DEFAULT:
            request = _fast_request(self, method, url, json, params, headers)
            if request is not None:
                return request
        return super().build_request(method, url, content=content, data=data, files=files, json=json,  # type: ignore[misc]
                                     params=params, headers=headers, cookies=cookies, timeout=timeout,
                                     extensions=extensions)


class InProcessClient(_FastBuild, httpx.Client):
    """An httpx.Client for an in-process app: no cookies, redirects or auth flows to run (Notion's API
    uses none of them), so `send` goes straight to the transport and `build_request` parses one URL."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(transport=ASGITransport(app), **kwargs)

    def send(self, request: httpx.Request, *, stream: bool = False, auth: Any = httpx.USE_CLIENT_DEFAULT,
             follow_redirects: Any = httpx.USE_CLIENT_DEFAULT) -> httpx.Response:
        if self.is_closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        return self._transport.handle_request(request)


class AsyncInProcessClient(_FastBuild, httpx.AsyncClient):
    """The same for httpx.AsyncClient."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(transport=AsyncASGITransport(app), **kwargs)

    async def send(self, request: httpx.Request, *, stream: bool = False, auth: Any = httpx.USE_CLIENT_DEFAULT,
                   follow_redirects: Any = httpx.USE_CLIENT_DEFAULT) -> httpx.Response:
        if self.is_closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        return await self._transport.handle_async_request(request)
