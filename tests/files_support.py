"""Helpers for the file upload tests: sending through notion-client, and looking at what storage holds."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

MIB = 1024 * 1024


def send(client: Any, upload_id: str, data: bytes, filename: str = "a.txt", content_type: str | None = "text/plain",
         part: int | None = None) -> dict[str, Any]:
    file = (filename, io.BytesIO(data), content_type) if content_type else (filename, io.BytesIO(data))
    kwargs: dict[str, Any] = {"file": file}
    if part is not None:
        kwargs["part_number"] = str(part)
    return client.file_uploads.send(upload_id, **kwargs)


def stored_files(server: Any) -> list[str]:
    """Every object in the server's local file storage, temporary ones included."""
    root = Path(server.app.files.storage.root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def upload_keys(server: Any, upload_id: str) -> list[str]:
    return [k for k in stored_files(server) if upload_id in k]


def temporary(server: Any) -> list[str]:
    return [k for k in stored_files(server) if k.startswith("tmp" + os.sep)]


def uploaded(client: Any, data: bytes = b"hello", filename: str = "a.txt", content_type: str = "text/plain") -> dict[str, Any]:
    up = client.file_uploads.create(filename=filename, content_type=content_type)
    return send(client, up["id"], data, filename, content_type)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\x8d\xe5\x00\x00\x00\x00IEND\xaeB`\x82")
