"""`GET /_files/u/{upload_id}/{filename}?expires=&signature=`: a signed URL, served with no token.

A URL whose signature does not match its upload, name and expiry, or whose expiry has passed, answers
403. The file streams in chunks with its Content-Type and Content-Disposition, and a single
`Range: bytes=` request answers 206 (416 when it lies outside the file). Custom emoji images are
`/_files/e/{emoji_id}/{name}?expires=0&signature=`: signed too, but never expiring."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import parse_qs, quote

import sqlalchemy as sa

from .. import errors
from ..store.schema_files import custom_emojis, file_uploads
from .signing import PREFIX
from .storage import LocalStorage

# Shown in the browser; anything else (HTML, SVG, which could run script on this origin) is downloaded.
INLINE = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp", "image/tiff", "image/heic",
          "image/x-icon", "image/vnd.microsoft.icon", "image/apng", "video/", "audio/", "application/pdf", "text/plain")


def refused(message: str) -> errors.NotionError:
    return errors.NotionError(403, "restricted_resource", message)


def gone() -> errors.NotionError:
    return errors.NotionError(404, "object_not_found", "The file does not exist.")


class Download:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> bool:
        path: str = scope.get("path", "")
        if not path.startswith(PREFIX):
            return False
        if scope["method"] not in ("GET", "HEAD"):
            raise errors.invalid_request(f"Unsupported request: {scope['method']} {path}.")
        segments = path[len(PREFIX):].split("/", 2)
        if len(segments) != 3 or segments[0] not in ("u", "e"):
            raise errors.invalid_request_url()
        kind, object_id, name = segments
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        try:
            expires = int(query["expires"][0])
            signature = query["signature"][0]
        except (KeyError, ValueError, IndexError):
            raise refused("The URL is not signed.") from None
        files = self.app.files
        if not files.signer.check(kind, object_id, name, expires, signature):
            raise refused("The URL's signature does not match.")
        if kind == "u" and expires <= self.app.store.clock.now_ms():
            raise refused("The URL has expired.")
        if kind == "u":
            table, key_prefix = file_uploads, "uploads/"
        else:
            table, key_prefix = custom_emojis, "emojis/"
        with self.app.store.read() as tx:
            row = tx.execute(sa.select(table.c.content_type).where(table.c.id == object_id)).first()
        if row is None:
            raise gone()
        key = key_prefix + object_id
        storage = files.storage
        local = isinstance(storage, LocalStorage)
        size = storage.size(key) if local else await asyncio.to_thread(storage.size, key)
        if size is None:
            raise gone()
        content_type = row.content_type or "application/octet-stream"
        disposition = "inline" if content_type.startswith(INLINE) else "attachment"
        ascii_name = name.encode("ascii", "replace").decode().replace('"', "")
        headers = [
            (b"content-type", content_type.encode()),
            (b"content-disposition", f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}".encode()),
            (b"accept-ranges", b"bytes"),
            (b"x-content-type-options", b"nosniff"),
            (b"cache-control", b"private, max-age=%d" % max(0, (expires - int(time.time() * 1000)) // 1000)
             if kind == "u" else b"public, max-age=86400"),
        ]
        start, end, status = 0, size, 200
        wanted = _range(_header(scope, b"range"), size)
        if wanted == "bad":
            await send({"type": "http.response.start", "status": 416,
                        "headers": headers + [(b"content-range", f"bytes */{size}".encode()), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return True
        if wanted is not None:
            start, end = wanted
            status = 206
            headers.append((b"content-range", f"bytes {start}-{end - 1}/{size}".encode()))
        headers.append((b"content-length", str(end - start).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if scope["method"] == "HEAD" or end == start:
            await send({"type": "http.response.body", "body": b""})
            return True
        chunks = storage.read(key, start, end)
        while True:
            chunk = next(chunks, None) if local else await asyncio.to_thread(next, chunks, None)
            if chunk is None:
                break
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return True


def _header(scope: dict, name: bytes) -> str | None:
    for k, value in scope.get("headers", ()):
        if k.lower() == name:
            return value.decode("latin-1")
    return None


def _range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(start, end) of a single `bytes=` range, "bad" when it cannot be satisfied, None to send it all."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[6:].strip().partition("-")
    try:
        if first == "":
            n = int(last)
            if n <= 0:
                return "bad"
            return max(0, size - n), size
        start = int(first)
        end = int(last) + 1 if last else size
    except ValueError:
        return None
    if start >= size or end <= start:
        return "bad"
    return start, min(end, size)
