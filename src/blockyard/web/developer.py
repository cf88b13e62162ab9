"""Pages for integration developers: the live request log, fault injection and rate limits, webhooks."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import orjson

from .. import errors
from ..limits import log as request_log
from ..limits.faults import FaultRules, Faults
from ..limits.rate import DatabaseBuckets, MemoryBuckets, RateLimit, parse as parse_rate_limit
from . import http
from .http import Answer
from .server import FormError, Web
from .workspace import sidebar

LOG_ROWS = 100
STREAM_SECONDS = 300  # a stream ends after this; EventSource reconnects with Last-Event-ID
POLL_SECONDS = 0.5
_OBJECT = re.compile(r"^/v1/(pages|blocks|databases|data_sources|comments)/([0-9a-fA-F-]{32,36})")


def register(ui: Any) -> None:
    ui.add("GET", "/w/{workspace_id}/dev/log", log_page)
    ui.add("GET", "/w/{workspace_id}/dev/log/events", log_events, stream=True)
    ui.add("GET", "/w/{workspace_id}/dev/faults", faults_page)
    ui.add("POST", "/w/{workspace_id}/dev/faults", add_fault)
    ui.add("POST", "/w/{workspace_id}/dev/faults/{rule_id}/delete", delete_fault)
    ui.add("POST", "/w/{workspace_id}/dev/rate-limits", set_rate_limit)
    ui.add("GET", "/w/{workspace_id}/dev/webhooks", webhooks_page)


def object_link(base: str, path: str) -> str | None:
    m = _OBJECT.match(path)
    if m is None:
        return None
    kind = {"pages": "p", "blocks": "b", "databases": "d"}.get(m.group(1))
    return f"{base}/{kind}/{m.group(2)}" if kind else None


def _filters(web: Web) -> dict[str, str]:
    r = web.request
    return {"method": r.query("method"), "status": r.query("status"), "integration": r.query("integration"),
            "path": r.query("path")}


def _entries(web: Web, after_id: int = 0, limit: int = LOG_ROWS) -> list[dict[str, Any]]:
    log = getattr(web.app, "request_log", None)
    if log is None:
        return []
    base = f"/w/{web.member.workspace.id}"  # type: ignore[union-attr]
    with web.app.store.log_transaction() as conn:
        rows = request_log.read_workspace(conn, web.member.workspace.id, after_id=after_id, limit=limit,  # type: ignore[union-attr]
                                          **{k: v or None for k, v in _filters(web).items()})
    for row in rows:
        row["href"] = object_link(base, row["path"])
    return rows


def log_page(web: Web) -> Answer:
    enabled = getattr(web.app, "request_log", None) is not None
    if enabled:
        web.app.request_log.flush()
    return web.render("log.html", entries=_entries(web), filters=_filters(web), enabled=enabled, tree=sidebar(web))


async def log_events(web: Web, scope: Any, receive: Any, send: Any) -> None:
    """Server-sent events: each new log entry of this workspace, oldest first, as JSON."""
    raw = web.request.headers.get("last-event-id") or web.request.query("after") or "0"
    last = int(raw) if raw.isdigit() else 0
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-store"),
        (b"x-accel-buffering", b"no"), *http.SECURITY_HEADERS[:3],
    ]})
    gone = asyncio.Event()

    async def watch() -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()
                return

    watcher = asyncio.ensure_future(watch())
    ended = time.monotonic() + STREAM_SECONDS
    quiet_since = time.monotonic()
    try:
        await send({"type": "http.response.body", "body": b"retry: 1000\n\n", "more_body": True})
        while not gone.is_set() and time.monotonic() < ended:
            log = getattr(web.app, "request_log", None)
            if log is not None:
                log.flush()
            rows = _entries(web, after_id=last, limit=200)
            chunks = []
            for row in reversed(rows):
                last = max(last, row["id"])
                chunks.append(b"id: %d\nevent: entry\ndata: %s\n\n" % (row["id"], orjson.dumps(row)))
            if not chunks and time.monotonic() - quiet_since > 15:
                chunks.append(b": still here\n\n")
            if chunks:
                quiet_since = time.monotonic()
                await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
            try:
                await asyncio.wait_for(gone.wait(), POLL_SECONDS)
            except asyncio.TimeoutError:
                pass
        if not gone.is_set():
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        watcher.cancel()


def _rules(web: Web) -> FaultRules:
    return web.app.fault_rules


def _rate_spec(web: Web) -> str:
    return getattr(web.app, "rate_limit_spec", None) or web.app.settings.rate_limit or "off"


def faults_page(web: Web, error: FormError | None = None, typed: str = "", rate_error: FormError | None = None,
                rate_typed: str | None = None) -> Answer:
    rules = _rules(web)
    with rules.lock:
        described = [r.describe() for r in rules.rules]
    owner = bool(web.member and web.member.is_owner)
    return web.render("faults.html", 400 if error or rate_error else 200, rules=described, error=error,
                      typed=typed, rate_spec=_rate_spec(web), rate_error=rate_error,
                      rate_typed=_rate_spec(web) if rate_typed is None else rate_typed, owner=owner, tree=sidebar(web))


def _ensure_faults_installed(app: Any) -> None:
    """Fault injection is middleware; a server started without rules or an admin key has none yet."""
    if not any(isinstance(factory(None), Faults) for factory in app.middleware):
        rules = app.fault_rules
        app.middleware.append(lambda inner: Faults(inner, rules))
        app.rebuild()


def add_fault(web: Web) -> Answer:
    if not (web.member and web.member.is_owner):
        return web.render("error.html", 403, status=403, message="Only workspace owners can change fault rules.")
    text = web.request.field("rule")
    try:
        value = orjson.loads(text)
        added = FaultRules.parse_many(value, "rule")
    except orjson.JSONDecodeError:
        return faults_page(web, FormError("The rule is not valid JSON."), text)
    except errors.NotionError as exc:
        return faults_page(web, FormError(exc.message), text)
    rules = _rules(web)
    with rules.lock:
        taken = {r.id for r in rules.rules}
        clash = next((r.id for r in added if r.id in taken), None)
        if clash is None:
            rules.rules = [*rules.rules, *added]
    if clash is not None:
        return faults_page(web, FormError(f"A rule with id {clash!r} exists."), text)
    _ensure_faults_installed(web.app)
    return http.redirect(f"{web.base}/dev/faults")


def delete_fault(web: Web, rule_id: str) -> Answer:
    if not (web.member and web.member.is_owner):
        return web.render("error.html", 403, status=403, message="Only workspace owners can change fault rules.")
    rules = _rules(web)
    with rules.lock:
        rules.rules = [r for r in rules.rules if r.id != rule_id]
    return http.redirect(f"{web.base}/dev/faults")


def set_rate_limit(web: Web) -> Answer:
    """Replaces the server's rate-limit middleware with one of the budgets typed (same syntax as
    BLOCKYARD_RATE_LIMIT); this process only, until it restarts."""
    if not (web.member and web.member.is_owner):
        return web.render("error.html", 403, status=403, message="Only workspace owners can change rate limits.")
    spec = web.request.field("rate_limit").strip() or "off"
    try:
        per_integration, per_workspace = parse_rate_limit(spec)
    except ValueError as exc:
        return faults_page(web, rate_error=FormError(str(exc).capitalize() + "."), rate_typed=spec)
    app = web.app
    app.middleware[:] = [f for f in app.middleware if not isinstance(f(None), RateLimit)]
    if per_integration or per_workspace:
        buckets = MemoryBuckets() if app.store.is_sqlite else DatabaseBuckets(app.store)
        app.middleware.insert(0, lambda inner: RateLimit(inner, per_integration, per_workspace, buckets))
    app.rate_limit_spec = spec
    app.rebuild()
    return http.redirect(f"{web.base}/dev/faults#rate-limits")


def webhooks_page(web: Web) -> Answer:
    return web.render("webhooks.html", tree=sidebar(web))
