"""The web UI's requests and answers: forms, cookies, CSRF tokens, HTML and redirects."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

SESSION_COOKIE = "by_session"
FORM_COOKIE = "by_form"  # the CSRF secret of forms shown before sign-in (double-submit)

# Scripts and styles only from this server; no inline code, no frames, forms only to here.
CSP = (b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: http: https:; "
       b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


class WebRequest:
    def __init__(self, request: Any) -> None:
        self.raw = request
        self.method: str = request.method
        self.path: str = request.path
        self.headers: dict[str, str] = request.headers
        self.cookies = _cookies(request.headers.get("cookie", ""))
        self._form: dict[str, list[str]] | None = None

    def query(self, name: str, default: str = "") -> str:
        value = self.raw.query(name)
        return default if value is None else value

    def query_all(self, name: str) -> list[str]:
        return [v for k, v in self.raw.query_items if k == name]

    @property
    def form(self) -> dict[str, list[str]]:
        if self._form is None:
            self._form = {}
            kind = self.headers.get("content-type", "")
            if self.method == "POST" and kind.startswith("application/x-www-form-urlencoded"):
                for k, v in parse_qsl(self.raw.body.decode("utf-8", "replace"), keep_blank_values=True):
                    self._form.setdefault(k, []).append(v)
        return self._form

    def field(self, name: str, default: str = "") -> str:
        values = self.form.get(name)
        return values[0] if values else default

    def fields(self, name: str) -> list[str]:
        return self.form.get(name, [])

    @property
    def wants_json(self) -> bool:
        return "application/json" in self.headers.get("accept", "")

    @property
    def client_address(self) -> str:
        client = self.raw.scope.get("client")
        return client[0] if client else "unknown"


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, eq, value = part.strip().partition("=")
        if eq and name not in out:
            out[name] = value
    return out


def csrf_for_session(session_token: str) -> str:
    """A session's CSRF token: derived from the session's secret, so it needs no storage of its own."""
    return hmac.new(session_token.encode(), b"blockyard-csrf", hashlib.sha256).hexdigest()[:40]


def new_form_secret() -> str:
    return secrets.token_urlsafe(24)


def same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: bytes = b"text/html; charset=utf-8"
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)

    def cookie(self, name: str, value: str, *, max_age: int | None = None, secure: bool = False) -> "Answer":
        parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        if secure:
            parts.append("Secure")
        self.headers.append((b"set-cookie", "; ".join(parts).encode()))
        return self


def redirect(location: str, status: int = 303) -> Answer:
    return Answer(status, b"", headers=[(b"location", location.encode())])


def html(body: str, status: int = 200) -> Answer:
    return Answer(status, body.encode())


def json_answer(data: Any, status: int = 200) -> Answer:
    import orjson

    return Answer(status, orjson.dumps(data), b"application/json; charset=utf-8")


async def send(send_fn: Any, answer: Answer) -> None:
    own = {name for name, _ in answer.headers}  # an answer may set its own policy (the OAuth redirect)
    headers = [(b"content-type", answer.content_type), (b"content-length", str(len(answer.body)).encode()),
               *(h for h in SECURITY_HEADERS if h[0] not in own), *answer.headers]
    await send_fn({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send_fn({"type": "http.response.body", "body": answer.body})
