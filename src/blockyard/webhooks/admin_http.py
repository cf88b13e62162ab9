"""`/admin/webhooks` endpoints, on when `settings.admin_key` is set (Bearer authentication). `?workspace=`
picks the workspace (default: the first).

    GET    /admin/webhooks                          subscriptions
    POST   /admin/webhooks                          {integration, url, event_types?, api_version?, auto_verify?}
    GET    /admin/webhooks/{id}                     one subscription
    DELETE /admin/webhooks/{id}                     delete it
    POST   /admin/webhooks/{id}/verify              {verification_token}
    POST   /admin/webhooks/{id}/pause | resume | resend_verification
    GET    /admin/webhooks/deliveries?subscription=&failed=true&limit=   the delivery log, newest first
    POST   /admin/webhooks/deliveries/{event_id}/redeliver
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

from ..http.request import bearer_token

PREFIX = "/admin/webhooks"


def admin_app(blockyard: Any) -> Callable[[dict, Callable, Callable], Awaitable[bool]]:
    async def app(scope: dict, receive: Callable, send: Callable) -> bool:
        from .. import errors
        from ..http.response import dumps, send_json

        key = (blockyard.settings.admin_key or "").encode()
        state = scope.get("blockyard") or {}
        request = state.get("request")
        path = request.path.rstrip("/") if request is not None else ""
        if not key or request is None or not (path == PREFIX or path.startswith(PREFIX + "/")):
            return False
        token = bearer_token(request.headers.get("authorization", ""))
        if token is None or not hmac.compare_digest(token.encode(), key):
            raise errors.unauthorized()
        raw = request.raw_query if isinstance(request.raw_query, str) else request.raw_query.decode()
        query = {k: v[-1] for k, v in parse_qs(raw).items()}
        body = request.json_object() if request.method == "POST" and request.body else {}
        parts = path[len(PREFIX):].strip("/").split("/") if path != PREFIX else []
        status, result = await asyncio.to_thread(_handle, blockyard, request.method, parts, query, body)
        result["request_id"] = state.get("request_id")
        await send_json(send, status, dumps(result))
        return True

    return app


def _handle(blockyard: Any, method: str, parts: list[str], query: dict[str, str], body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    from .. import errors
    from ..access.admin import AdminError, ensure_workspace
    from . import subscriptions as subs

    def unsupported() -> errors.NotionError:
        return errors.invalid_request(f"Unsupported request: {method} {PREFIX}/{'/'.join(parts)}.")

    write = method != "GET"
    with (blockyard.store.write() if write else blockyard.store.read()) as tx:
        try:
            ws = ensure_workspace(tx, query.get("workspace") or body.get("workspace"))
        except AdminError as exc:
            raise errors.NotionError(404, "object_not_found", str(exc)) from None
        if not parts:
            if method == "GET":
                return 200, {"object": "list", "results": subs.list_all(tx, ws)}
            if method == "POST":
                from ..domain import validate as v

                v.no_extra(body, ("integration", "url", "event_types", "api_version", "auto_verify", "workspace"), "body")
                created, _token = subs.create(tx, ws, body.get("integration"), body.get("url"), body.get("event_types"),
                                              body.get("api_version"), bool(body.get("auto_verify", False)))
                return 200, created
            raise unsupported()
        if parts[0] == "deliveries":
            if len(parts) == 1 and method == "GET":
                limit = query.get("limit", "50")
                if not limit.isdigit() or not 1 <= int(limit) <= 1000:
                    raise errors.validation("query.limit should be a number from 1 to 1000.")
                failed = query.get("failed", "false").lower() in ("1", "true")
                return 200, {"object": "list", "results": subs.deliveries(tx, ws, query.get("subscription"), failed, int(limit))}
            if len(parts) == 3 and parts[2] == "redeliver" and method == "POST":
                return 200, subs.redeliver(tx, ws, parts[1])
            raise unsupported()
        sub_id = parts[0]
        if len(parts) == 1:
            if method == "GET":
                return 200, subs.render(subs.get(tx, ws, sub_id))
            if method == "DELETE":
                return 200, subs.delete(tx, ws, sub_id)
            raise unsupported()
        if len(parts) == 2 and method == "POST":
            action = parts[1]
            if action == "verify":
                return 200, subs.verify(tx, ws, sub_id, body.get("verification_token"))
            if action in ("pause", "resume"):
                return 200, subs.set_paused(tx, ws, sub_id, action == "pause")
            if action == "resend_verification":
                return 200, subs.resend_verification(tx, ws, sub_id)
        raise unsupported()
