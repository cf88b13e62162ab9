"""Users as the API shows them, trimmed to what the caller's user-information capability allows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..access import capabilities as caps
from ..store.schema import users

if TYPE_CHECKING:
    from ..context import Ctx

MAX_FILE_UPLOAD_BYTES = 5 * 1024 * 1024


def render(ctx: "Ctx", row: Any) -> dict[str, Any]:
    level = ctx.principal.user_info
    if level == caps.NO_USER_INFO and row.id != ctx.principal.user_id:
        return {"object": "user", "id": row.id}
    out: dict[str, Any] = {
        "object": "user",
        "id": row.id,
        "name": row.name,
        "avatar_url": row.avatar_url,
        "type": row.type,
    }
    if row.type == "person":
        out["person"] = {"email": row.email} if level == caps.USER_WITH_EMAIL and row.email else {}
    elif row.id == ctx.principal.user_id:
        out["bot"] = bot_info(ctx)
    else:
        out["bot"] = {}
    return out


def bot_info(ctx: "Ctx") -> dict[str, Any]:
    return {
        "owner": {"type": "workspace", "workspace": True},
        "workspace_name": ctx.principal.workspace_name,
        "workspace_id": ctx.principal.workspace_id,
        "workspace_limits": {"max_file_upload_size_in_bytes": MAX_FILE_UPLOAD_BYTES},
    }


def get_row(ctx: "Ctx", user_id: str) -> Any:
    key = ("user", user_id)
    if key not in ctx.tx.cache:
        ctx.tx.cache[key] = ctx.tx.execute(
            sa.select(users).where(users.c.id == user_id, users.c.workspace_id == ctx.principal.workspace_id)
        ).first()
    return ctx.tx.cache[key]
