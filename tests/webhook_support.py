"""A real HTTP receiver for webhook tests, and helpers to subscribe and wait for deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import httpx

ADMIN_KEY = "test-admin-key"
FAST = dict(webhook_aggregation_seconds=0.3, webhook_retry_seconds=0.02, webhook_timeout_seconds=1.0,
            webhook_poll_seconds=0.05, admin_key=ADMIN_KEY)


def verify_signature(body: bytes, signature: str | None, token: str) -> bool:
    """The Python SDK's helper where it has one (notion_client.webhooks), else the documented check."""
    try:
        from notion_client.webhooks import verify_webhook_signature  # type: ignore[import-not-found]
    except ImportError:
        if not signature or not signature.startswith("sha256="):
            return False
        expected = "sha256=" + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature, expected)
    return bool(verify_webhook_signature(body, signature, token))


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a sender killed mid-request (the crash drill) resets its connections


@dataclass
class Delivery:
    path: str
    body: bytes
    headers: dict[str, str]
    at: float

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every POST. `answer(delivery) -> (status, body, delay_seconds)` decides the answer."""

    answer: Callable[[Delivery], tuple[int, bytes, float]] = lambda d: (200, b"ok", 0.0)
    got: list[Delivery] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                d = Delivery(self.path, body, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                status, answer, delay = receiver.answer(d)
                if delay:
                    time.sleep(delay)
                with receiver.cond:
                    receiver.got.append(d)
                    receiver.cond.notify_all()
                try:
                    self.send_response(status)
                    self.send_header("content-length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass

            def log_message(self, *_a: Any) -> None:
                pass

        self.httpd = _Quiet(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def events(self, path: str | None = None) -> list[dict[str, Any]]:
        with self.cond:
            items = list(self.got)
        return [d.json for d in items if (path is None or d.path == path) and "verification_token" not in d.json]

    def wait(self, predicate: Callable[[list[dict[str, Any]]], bool], path: str | None = None,
             timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                items = [d.json for d in self.got if (path is None or d.path == path) and "verification_token" not in d.json]
                if predicate(items):
                    return items
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; received {[e.get('type') for e in items]}")
                self.cond.wait(left)

    def wait_types(self, types: list[str], path: str | None = None, timeout: float = 15.0) -> list[dict[str, Any]]:
        def has_all(items: list[dict[str, Any]]) -> bool:
            got = [e["type"] for e in items]
            return all(got.count(t) >= types.count(t) for t in set(types))

        return self.wait(has_all, path, timeout)

    def verification(self, path: str) -> Delivery:
        deadline = time.monotonic() + 15
        with self.cond:
            while True:
                for d in self.got:
                    if d.path == path and "verification_token" in d.json:
                        return d
                if time.monotonic() > deadline:
                    raise AssertionError("no verification request")
                self.cond.wait(0.5)


def admin(server: Any, method: str, path: str, json_body: Any = None, workspace: str | None = None) -> httpx.Response:
    params = {"workspace": workspace} if workspace else None
    return httpx.request(method, server.url + path, json=json_body, params=params,
                         headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=30)


def subscribe(ws: Any, url: str, *, integration: str = "Test Integration", version: str = "2026-03-11",
              events: list[str] | None = None, auto_verify: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {"integration": integration, "url": url, "api_version": version, "auto_verify": auto_verify}
    if events is not None:
        body["event_types"] = events
    resp = admin(ws.server, "POST", "/admin/webhooks", body, workspace=ws.info.id)
    assert resp.status_code == 200, resp.text
    return resp.json()


def settle(seconds: float = 0.8) -> None:
    """Long enough for an aggregation window and a few deliverer rounds: for asserting that nothing came."""
    time.sleep(seconds)
