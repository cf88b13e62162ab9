"""A request as handlers see it: method, path, query, headers and the JSON body, parsed once."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson

from .. import errors
from .types import Scope

MAX_BODY_BYTES = 8 * 1024 * 1024  # refuse to buffer more; Notion's own 500 KB limit is checked in validation


class Request:
    __slots__ = ("scope", "method", "path", "raw_query", "headers", "body", "_query", "_json", "state")

    def __init__(self, scope: Scope, body: bytes) -> None:
        self.scope = scope
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.raw_query: bytes = scope.get("query_string", b"")
        self.headers: dict[str, str] = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.body = body
        self._query: list[tuple[str, str]] | None = None
        self._json: Any = errors.UNDEFINED
        self.state: dict[str, Any] = scope.setdefault("blockyard", {})

    @property
    def query_items(self) -> list[tuple[str, str]]:
        if self._query is None:
            items = parse_qsl(self.raw_query.decode("latin-1"), keep_blank_values=True)
            if b"%00" in self.raw_query or b"\x00" in self.raw_query:
                for key, value in items:
                    if "\x00" in key or "\x00" in value:
                        raise errors.body_invalid(f"query.{key}", NO_NUL, value)
            self._query = items
        return self._query

    def query(self, name: str) -> str | None:
        for key, value in self.query_items:
            if key == name:
                return value
        return None

    def query_all(self, name: str) -> list[str]:
        return [v for k, v in self.query_items if k == name or k == name + "[]"]

    def json(self) -> Any:
        """The body as JSON; an empty body is an empty object, as Notion treats it."""
        if self._json is errors.UNDEFINED:
            if not self.body.strip():
                self._json = {}
            else:
                try:
                    self._json = orjson.loads(self.body)
                except orjson.JSONDecodeError:
                    raise errors.invalid_json() from None
                # JSON can only carry U+0000 escaped, so bodies without the escape skip the walk.
                if b"\\u0000" in self.body:
                    _refuse_nul(self._json, "body")
        return self._json

    def reparse(self) -> None:
        """Forget the parsed body, so the next json() parses the bytes again."""
        self._json = errors.UNDEFINED

    def json_object(self) -> dict[str, Any]:
        value = self.json()
        if not isinstance(value, dict):
            raise errors.body_invalid("body", "an object", value)
        return value


# PostgreSQL text cannot hold U+0000, so no store keeps it: every string of a request is refused alike.
NO_NUL = "a string without the character U+0000"


def nul_path(value: Any, path: str) -> tuple[str, Any] | None:
    """The path (in Notion's style) and value of the first string or object key holding U+0000."""
    if isinstance(value, str):
        return (path, value) if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return f"{path}.{key}", key
            found = nul_path(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = nul_path(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def _refuse_nul(value: Any, path: str) -> None:
    found = nul_path(value, path)
    if found is not None:
        raise errors.body_invalid(found[0], NO_NUL, found[1])


def bearer_token(header: str) -> str | None:
    """The token of an `Authorization: Bearer ...` header; None for any other scheme or an empty token."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


async def read_body(receive: Any) -> bytes:
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise errors.NotionError(413, "validation_error", "Request body too large.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
