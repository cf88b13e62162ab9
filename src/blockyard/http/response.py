from __future__ import annotations

from typing import Iterable

import orjson

from .types import Send

JSON_TYPE = (b"content-type", b"application/json; charset=utf-8")


async def send_json(send: Send, status: int, body: bytes, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [JSON_TYPE, (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


def dumps(value: object) -> bytes:
    return orjson.dumps(value)
