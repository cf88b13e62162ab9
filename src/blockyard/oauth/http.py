"""/v1/oauth/authorize, /token, /introspect and /revoke. They authenticate clients themselves (HTTP Basic),
so their routes take no bearer token and no Notion-Version header. Errors are RFC 6749's JSON,
`{error, error_description}`, as Notion's token endpoint answers them, with the request ID."""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import parse_qsl

import orjson

from ..http.response import dumps, send_json
from . import clients, grants
from .clients import OAuthError


def _body(request: Any) -> dict[str, Any]:
    """The parameters, as JSON (what the SDKs send) or as a form (what RFC 6749 describes)."""
    kind = request.headers.get("content-type", "")
    raw = request.body
    if kind.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    if not raw.strip():
        return {}
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise OAuthError("invalid_request", "The body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise OAuthError("invalid_request", "The body should be a JSON object.")
    if b"\\u0000" in raw:  # no code, token or URI holds it
        raise OAuthError("invalid_request", "The body holds the character U+0000.")
    return value


async def _run(app: Any, request: Any, send: Any, action: Callable[[Any, clients.Client, dict], dict]) -> None:
    request_id = request.state["request_id"]
    headers: list[tuple[bytes, bytes]] = [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
    try:
        body = _body(request)
        kept_error = None
        with app.store.write() as tx:
            client = clients.authenticate(tx, request.headers.get("authorization"))
            try:
                answer = action(tx, client, body)
            except OAuthError as exc:
                if not exc.keep_changes:
                    raise
                kept_error = exc  # committed first: a reused code's tokens stay revoked
        if kept_error is not None:
            raise kept_error
        status = 200
        payload = {**answer, "request_id": request_id}
    except OAuthError as exc:
        status = exc.status
        payload = {"error": exc.error, "error_description": exc.description, "request_id": request_id}
        if exc.status == 401:
            headers.append((b"www-authenticate", b'Basic realm="notion"'))
        request.state["error_code"] = exc.error
    await send_json(send, status, dumps(payload), headers)


def _token(tx: Any, client: clients.Client, body: dict[str, Any]) -> dict[str, Any]:
    grant_type = body.get("grant_type")
    if grant_type is None:
        raise OAuthError("invalid_request", "grant_type is required.")
    if grant_type == "authorization_code":
        return grants.exchange_code(tx, client, body)
    if grant_type == "refresh_token":
        return grants.refresh(tx, client, body)
    raise OAuthError("unsupported_grant_type",
                     "grant_type should be `authorization_code` or `refresh_token`.")


async def token(app: Any, request: Any, send: Any) -> None:
    await _run(app, request, send, _token)


async def introspect(app: Any, request: Any, send: Any) -> None:
    await _run(app, request, send, grants.introspect)


async def revoke(app: Any, request: Any, send: Any) -> None:
    await _run(app, request, send, grants.revoke)


async def authorize(app: Any, request: Any, send: Any) -> None:
    """As api.notion.com does, on to the consent page of the web UI, with the same parameters."""
    location = "/install-integration" + ("?" + request.raw_query.decode("latin-1") if request.raw_query else "")
    await send({"type": "http.response.start", "status": 302,
                "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


ROUTES = [
    ("GET", "/v1/oauth/authorize", authorize, {"auth": "none", "write": False}),
    ("POST", "/v1/oauth/token", token, {"auth": "none"}),
    ("POST", "/v1/oauth/introspect", introspect, {"auth": "none"}),
    ("POST", "/v1/oauth/revoke", revoke, {"auth": "none"}),
]
