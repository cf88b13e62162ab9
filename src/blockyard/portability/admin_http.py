"""`/admin` endpoints for snapshots, on when `settings.admin_key` is set (Bearer authentication):

- `POST /admin/import[?workspace=W&share=INTEGRATION&access=edit]`, body JSON Lines: imports, answers the counts.
- `POST /admin/reset[?workspace=W]`: empties the workspace's content (see reset.py).
- `GET /admin/export[?workspace=W]`: the workspace as JSON Lines.

Errors answer `{"object": "error", "status", "code", "message"}` like the API."""

from __future__ import annotations

import asyncio
import hmac
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

import orjson

from ..http.request import bearer_token


def admin_app(blockyard: Any) -> Callable[[dict, Callable, Callable], Awaitable[bool]]:
    """An app for `Blockyard.other_apps` (before the limits admin app, which answers any other /admin path):
    answers the snapshot endpoints and returns True, else returns False."""
    routes = {"/admin/import": ("POST", _import), "/admin/reset": ("POST", _reset), "/admin/export": ("GET", _export)}

    async def app(scope: dict, receive: Callable, send: Callable) -> bool:
        from .. import errors
        from ..http.response import dumps, send_json

        key = (blockyard.settings.admin_key or "").encode()
        state = scope.get("blockyard") or {}
        request = state.get("request")
        if not key or request is None or request.path.rstrip("/") not in routes:
            return False
        token = bearer_token(request.headers.get("authorization", ""))
        if token is None or not hmac.compare_digest(token.encode(), key):
            raise errors.unauthorized()
        method, handler = routes[request.path.rstrip("/")]
        if request.method != method:
            raise errors.invalid_request(f"Unsupported request: {request.method} {request.path.rstrip('/')}.")
        query = {k: v[-1] for k, v in parse_qs(request.raw_query if isinstance(request.raw_query, str) else request.raw_query.decode()).items()}
        try:
            status, payload, ctype = await asyncio.to_thread(handler, blockyard, query, request.body)
        except _Fail as exc:
            raise errors.NotionError(exc.status, exc.code, str(exc)) from None
        if ctype == b"application/json":
            data = orjson.loads(payload)
            data["request_id"] = state.get("request_id")
            await send_json(send, status, dumps(data))
            return True
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", ctype), (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})
        return True

    return app


class _Fail(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def _workspace(tx: Any, ref: str | None) -> Any:
    from ..access.admin import AdminError, ensure_workspace

    try:
        return ensure_workspace(tx, ref)
    except AdminError as exc:
        raise _Fail(404, "object_not_found", str(exc)) from None


def _import(blockyard: Any, query: dict[str, str], body: bytes) -> tuple[int, bytes, bytes]:
    from ..access.admin import AdminError
    from .importer import ImportError_, import_objects, read_lines

    try:
        objects = list(read_lines(body.splitlines()))
        with blockyard.store.write() as tx:
            ws = _workspace(tx, query.get("workspace"))
            result = import_objects(tx, ws, objects, share=query.get("share"), access=query.get("access", "edit"))
    except (ImportError_, AdminError) as exc:
        raise _Fail(400, "validation_error", str(exc)) from None
    return 200, orjson.dumps({"object": "import", "workspace_id": ws.id, **result.as_dict()}), b"application/json"


def _reset(blockyard: Any, query: dict[str, str], body: bytes) -> tuple[int, bytes, bytes]:
    from .reset import reset_workspace

    with blockyard.store.write() as tx:
        ws = _workspace(tx, query.get("workspace"))
        counts = reset_workspace(tx, ws)
    return 200, orjson.dumps({"object": "reset", "workspace_id": ws.id, "deleted": counts}), b"application/json"


def _export(blockyard: Any, query: dict[str, str], body: bytes) -> tuple[int, bytes, bytes]:
    from .exporter import export_objects

    with blockyard.store.read() as tx:
        ws = _workspace(tx, query.get("workspace"))
        lines = [orjson.dumps(obj) for obj in export_objects(tx, ws)]
    return 200, b"\n".join(lines) + (b"\n" if lines else b""), b"application/x-ndjson"
