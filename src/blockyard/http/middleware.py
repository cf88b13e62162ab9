"""The middleware chain, outermost first (assembled in app.py):

    RequestContext  request id, body, route match, and every error rendered as Notion's JSON;
                    a GET whose answer is kept (http/cache.py) is answered here, before the rest
    Cors            no CORS headers unless the operator allowed the origin
    NotionVersion   the Notion-Version header, required on /v1 routes
    Authenticate    the bearer token, hashed and looked up
    (limits/: rate limits, the payload limit and fault injection slot in after authentication)
    Dispatch        the handler, inside one transaction that rolls back past the request timeout

Each is plain ASGI; they share per-request state through `scope["blockyard"]`."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Callable

from .. import errors
from ..ids import new_id
from ..access.tokens import authenticate, digest
from ..context import Ctx
from ..store.engine import DEADLINE
from ..versions import VERSIONS
from .request import Request, bearer_token, read_body
from .response import dumps, send_json
from .types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from ..app import Blockyard

log = logging.getLogger("blockyard")


def _state(scope: Scope) -> dict[str, Any]:
    return scope["blockyard"]


class RequestContext:
    def __init__(self, app: ASGIApp, blockyard: "Blockyard",
                 gates: list[Callable[[], bool]] | None = None) -> None:
        self.app = app
        self.blockyard = blockyard
        self.timeout = blockyard.settings.request_timeout
        # Kept answers are served before a Request is built, routed or authenticated, while every gate
        # (one per layer between Authenticate and Dispatch) says that layer would let them through.
        # None: some layer always has a say (rate limits, CORS); see app.py.
        kept = blockyard.kept
        self.kept = kept if gates is not None and kept.answers is not None else None
        self.gates = gates or []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_id()
        now = time.perf_counter()
        state = scope["blockyard"] = {"request_id": request_id, "started": now}
        if self.timeout > 0:
            state["deadline"] = now + self.timeout
        rid_header = (b"x-notion-request-id", request_id.encode())
        started = False

        async def send_with_id(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                # Messages are built for this request alone, so they can be amended in place.
                message["headers"] = [*message.get("headers", ()), rid_header, *state.get("extra_headers", ())]
                state["status"] = message["status"]
            await send(message)

        try:
            body = await read_body(receive)
            if self.kept is not None and not body and scope["method"] == "GET" and all(g() for g in self.gates):
                answer = self._kept_answer(scope, state)
                if answer is not None:
                    await send_json(send_with_id, 200, _with_request_id(answer, request_id))
                    return
            state["request"] = request = Request(scope, body)
            preflight = request.method == "OPTIONS" and "access-control-request-method" in request.headers
            if (request.path.startswith("/v1/") or request.path == "/v1") and not preflight:
                state["route"], state["params"] = self.blockyard.router.match(request.method, request.path)
            await self.app(scope, receive, send_with_id)
        except errors.NotionError as exc:
            state["error_code"] = exc.code
            if started:
                return
            headers = [(k.encode(), v.encode()) for k, v in exc.headers.items()]
            await send_json(send_with_id, exc.status, dumps(exc.body(request_id)), headers)
        except Exception:
            log.exception("unexpected error handling request %s", request_id)
            state["error_code"] = "internal_server_error"
            if not started:
                exc = errors.server_error(500)
                await send_json(send_with_id, 500, dumps(exc.body(request_id)))
        finally:
            conn = state.pop("conn", None)
            if conn is not None:
                conn.close()
            for hook in self.blockyard.after_request:
                hook(scope, state)
            # The request refers to the scope, which holds this state, which holds the request: without
            # this the cycle waits for the garbage collector, whose passes were 4% of a cached GET.
            state.clear()

    def _kept_answer(self, scope: Scope, state: dict[str, Any]) -> bytes | None:
        """The kept answer to this GET, if its token's principal and the answer are both kept for the
        store as it is now. What it learns on the way (the change value, the token's digest, the key) is left
        in `state` for Authenticate and Dispatch when there is no kept answer."""
        kept = self.kept
        assert kept is not None and kept.answers is not None
        header, version, host = kept.headers(scope)
        token = bearer_token(header.decode("latin-1")) if header is not None else None
        if token is None:
            return None
        changes = state["changes"] = _changes(self.blockyard.store, state, "GET")
        key = state["token_digest"] = digest(token)
        answer_key = state["answer_key"] = kept.answer_key(scope, version, host, key)
        principal = kept.principals.get(key, changes)
        if principal is None:
            return None
        answer = kept.answers.get(answer_key, changes)
        if answer is not None:
            state["principal"] = principal  # for the request log
        return answer


def _changes(store: Any, state: dict[str, Any], method: str) -> Any:
    """`Store.changes()` for this request. PostgreSQL asks through a connection, which the request keeps
    for its transaction (RequestContext closes it); an SQLite file needs none and answers every request.
    On PostgreSQL only GETs ask: the round trip pays off where an answer may be kept, while a write
    changes the snapshot anyway, so other requests would seldom find their principal kept."""
    if store.is_sqlite:
        return store.changes()
    if method != "GET":
        return None
    if "conn" not in state:
        state["conn"] = store.engine.connect()
    return store.changes(state["conn"])


class Cors:
    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        self.app = app
        self.origins = frozenset(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.origins:
            await self.app(scope, receive, send)
            return
        request: Request = _state(scope)["request"]
        origin = request.headers.get("origin")
        if origin is None or not ("*" in self.origins or origin in self.origins):
            await self.app(scope, receive, send)
            return
        allow = [
            (b"access-control-allow-origin", origin.encode()),
            (b"vary", b"Origin"),
            (b"access-control-expose-headers", b"x-notion-request-id, retry-after"),
        ]
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            await send({
                "type": "http.response.start",
                "status": 204,
                "headers": [
                    *allow,
                    (b"access-control-allow-methods", b"GET, POST, PATCH, DELETE, OPTIONS"),
                    (b"access-control-allow-headers", b"authorization, content-type, notion-version, notion-beta"),
                    (b"access-control-max-age", b"600"),
                ],
            })
            await send({"type": "http.response.body", "body": b""})
            return
        _state(scope).setdefault("extra_headers", []).extend(allow)
        await self.app(scope, receive, send)


class NotionVersion:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = scope["blockyard"].get("route") if scope["type"] == "http" else None
        state = scope.get("blockyard", {})
        if route is not None and route.auth == "token":
            raw = state["request"].headers.get("notion-version")
            if raw is None:
                raise errors.missing_version()
            version = VERSIONS.get(raw.strip())
            if version is None:
                raise errors.validation(
                    "Notion-Version header failed validation: Notion-Version header should be one of "
                    + ", ".join(f'`"{v}"`' for v in VERSIONS)
                    + f', instead was `"{raw}"`.'
                )
            state["version"] = version
        await self.app(scope, receive, send)


class Authenticate:
    def __init__(self, app: ASGIApp, blockyard: "Blockyard") -> None:
        self.app = app
        self.blockyard = blockyard
        self.principals = blockyard.kept.principals

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = scope["blockyard"].get("route") if scope["type"] == "http" else None
        state = scope.get("blockyard", {})
        if route is not None and route.auth == "token":
            store = self.blockyard.store
            if "token_digest" in state:  # RequestContext looked for a kept answer and found none
                changes, key = state["changes"], state["token_digest"]
            else:
                token = bearer_token(state["request"].headers.get("authorization", ""))
                if token is None:
                    raise errors.unauthorized()
                # Read before anything else touches the store, so whatever is kept under it is at least as new.
                changes = state["changes"] = _changes(store, state, state["request"].method)
                key = state["token_digest"] = digest(token)
            principal = self.principals.get(key, changes)
            if principal is None:
                # The connection stays with the request for Dispatch's transaction; RequestContext closes it.
                if "conn" not in state:
                    state["conn"] = store.engine.connect()
                with store.read(state["conn"]) as tx:
                    principal = authenticate(tx, key)
                if principal is None:
                    raise errors.unauthorized()
                self.principals.put(key, changes, principal)
            state["principal"] = principal
        await self.app(scope, receive, send)


class Dispatch:
    """Runs the matched handler in one transaction and renders what it returns.

    GET answers are kept (http/cache.py) and served again until the store changes."""

    def __init__(self, blockyard: "Blockyard") -> None:
        self.blockyard = blockyard
        self.answers = blockyard.kept.answers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.blockyard.lifespan(scope, receive, send)
            return
        state = _state(scope)
        route = state.get("route")
        if route is None:
            for other in self.blockyard.other_apps:
                if await other(scope, receive, send):
                    return
            raise errors.invalid_request_url()
        if route.auth != "token":
            await route.handler(self.blockyard, state["request"], send, **state["params"])
            return
        store = self.blockyard.store
        request: Request = state["request"]
        if request.method in ("POST", "PATCH"):
            request.json()  # malformed JSON is reported before anything about the path or the object
        changes = state.get("changes")
        key = None
        if self.answers is not None and changes is not None and request.method == "GET" and not route.write:
            key = state.get("answer_key")  # RequestContext's, when it looked and found no kept answer
            if key is None:
                kept = self.blockyard.kept
                key = kept.answer_key(scope, *kept.headers(scope)[1:], state["token_digest"])
            body = self.answers.get(key, changes)
            if body is not None:
                await send_json(send, 200, _with_request_id(body, state["request_id"]))
                return
        deadline = state.get("deadline")
        token = DEADLINE.set(deadline)
        try:
            conn = state.get("conn")
            with (store.write(conn) if route.write else store.read(conn)) as tx:
                ctx = Ctx(request, state["version"], state["principal"], tx, self.blockyard, state["request_id"])
                result = route.handler(ctx, **state["params"])
                if deadline is not None and time.perf_counter() > deadline:
                    # Past the timeout Notion answers 503 and keeps nothing: raising here rolls back.
                    raise errors.server_error(503)
        finally:
            DEADLINE.reset(token)
        status = 200
        if isinstance(result, tuple):
            status, result = result
        if isinstance(result, dict):
            body = dumps(result)
            if key is not None and status == 200 and not tx.read_clock:
                self.answers.put(key, changes, body, len(body))  # type: ignore[union-attr]
            await send_json(send, status, _with_request_id(body, state["request_id"]))
            return
        await send_json(send, status, dumps(result))


def _with_request_id(body: bytes, request_id: str) -> bytes:
    """A JSON object's bytes with `request_id` added last, as Notion places it."""
    tail = b'"request_id":"' + request_id.encode() + b'"}'
    return b"{" + tail if body == b"{}" else body[:-1] + b"," + tail
