"""/v1/blocks/meeting_notes: make a meeting note from a recording, and query meeting notes."""

from __future__ import annotations

from typing import Any

from ..access import capabilities as caps
from ..context import Ctx
from ..domain import meeting_notes
from ..domain.blocks import render_list


def create_meeting_note(ctx: Ctx) -> dict[str, Any]:
    node = meeting_notes.create(ctx, ctx.body())
    if not ctx.principal.can(caps.READ_CONTENT):
        return {"object": "block", "id": node.id}
    return render_list(ctx, [node])[0]


def query_meeting_notes(ctx: Ctx) -> dict[str, Any]:
    return meeting_notes.query(ctx, ctx.body())


ROUTES = [
    ("POST", "/v1/blocks/meeting_notes", create_meeting_note),
    ("POST", "/v1/blocks/meeting_notes/query", query_meeting_notes),
]
