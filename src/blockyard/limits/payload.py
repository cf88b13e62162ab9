"""Notion's 500 KB limit on a request's payload."""

from __future__ import annotations

from .. import errors
from ..http.types import ASGIApp, Receive, Scope, Send

# Notion's API parses bodies with a "500kb" limit, where a kilobyte is 1,024 bytes.
MAX_PAYLOAD_BYTES = 500 * 1024


class PayloadLimit:
    """400 validation_error for a /v1 body over 500 KB, as Notion's request-limits page says size limits answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def kept_answer_passes(self) -> bool:
        return True  # a GET without a body is never too large (see RequestContext)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            state = scope["blockyard"]
            request = state.get("request")
            if request is not None and state.get("route") is not None and len(request.body) > MAX_PAYLOAD_BYTES:
                raise errors.validation(
                    f"body failed validation: the request body should be ≤ 500KB ({MAX_PAYLOAD_BYTES} bytes), "
                    f"instead was {len(request.body)} bytes."
                )
        await self.app(scope, receive, send)
