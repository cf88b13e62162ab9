"""Download URLs signed with an HMAC and an expiry, so that a client can fetch a file with no token.

The key is a secret kept per store (table `file_secrets`), made on first start and shared by every
worker and host on the same database; `file_signing_key` overrides it. It is never logged."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import quote

import sqlalchemy as sa

from ..store.schema_files import file_secrets

PREFIX = "/_files/"


def load_key(store, override: str | None) -> bytes:  # type: ignore[no-untyped-def]
    if override:
        return override.encode()
    with store.write() as tx:
        value = tx.execute(sa.select(file_secrets.c.value).where(file_secrets.c.name == "url_signing")).scalar()
        if value is None:
            value = secrets.token_hex(32)
            tx.execute(file_secrets.insert().values(name="url_signing", value=value))
    return value.encode()


class Signer:
    def __init__(self, key: bytes, base_url: str) -> None:
        self._key = key
        self.base_url = base_url.rstrip("/")

    def __repr__(self) -> str:  # keep the key out of logs and tracebacks
        return "Signer(<key hidden>)"

    def _mac(self, kind: str, object_id: str, name: str, expires: int) -> str:
        message = f"{kind}\n{object_id}\n{name}\n{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def url(self, object_id: str, name: str, expires: int, kind: str = "u") -> str:
        """`expires` in ms since the epoch; `kind` is `u` (upload) or `e` (custom emoji, never expiring)."""
        name = name or "file"
        sig = self._mac(kind, object_id, name, expires)
        return f"{self.base_url}{PREFIX}{kind}/{object_id}/{quote(name, safe='')}?expires={expires}&signature={sig}"

    def check(self, kind: str, object_id: str, name: str, expires: int, signature: str) -> bool:
        return hmac.compare_digest(self._mac(kind, object_id, name, expires), signature)
