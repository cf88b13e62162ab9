"""/v1/custom_emojis"""

from __future__ import annotations

from typing import Any

from ..access import capabilities as caps
from ..context import Ctx
from ..files import emojis
from .lists import bad_cursor, envelope, page_params


def list_custom_emojis(ctx: Ctx) -> dict[str, Any]:
    name = emojis.validate_name_query(ctx.request.query("name"))
    size, start, cursor = page_params(ctx)
    ctx.require(caps.READ_CONTENT)
    rows, next_cursor = emojis.list_for(ctx, name, start, size)
    if start is not None and not rows:
        raise bad_cursor("query.start_cursor", cursor)
    out = envelope("custom_emoji", [emojis.render(ctx.app.files.signer, r) for r in rows], next_cursor)
    del out["custom_emoji"]  # Notion's list of custom emojis has no `custom_emoji: {}` member
    return out


ROUTES = [
    ("GET", "/v1/custom_emojis", list_custom_emojis),
]
