"""GET /v1/users, /v1/users/{id}, /v1/users/me"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .. import errors, ids
from ..domain import users as domain_users, validate as v
from ..store.schema import integrations, users
from ..context import Ctx
from .lists import bad_cursor, envelope


def list_users(ctx: Ctx) -> dict[str, Any]:
    ctx.require_user_info()
    if ctx.principal.is_personal:
        raise errors.restricted()
    size = v.page_size(ctx.request.query("page_size"), "query.page_size", from_query=True)
    cursor = ctx.request.query("start_cursor")
    ws = ctx.principal.workspace_id
    # Persons, then bots whose integration still exists; ordered by id so cursors are stable.
    live_bot = sa.or_(users.c.type == "person", users.c.integration_id.in_(sa.select(integrations.c.id)))
    query = sa.select(users).where(users.c.workspace_id == ws, live_bot).order_by(users.c.id).limit(size + 1)
    if cursor is not None:
        # Cursors are the ID of the first user of the next page; anything else is not a cursor.
        start = ids.parse_id(cursor)
        if start is None:
            raise bad_cursor("query.start_cursor", cursor)
        query = query.where(users.c.id >= start)
    rows = ctx.tx.execute(query).all()
    next_cursor = rows[size].id if len(rows) > size else None
    return envelope("user", [domain_users.render(ctx, r) for r in rows[:size]], next_cursor)


def retrieve_user(ctx: Ctx, user_id: str) -> dict[str, Any]:
    uid = v.path_uuid(user_id, "user_id")
    row = domain_users.get_row(ctx, uid)
    if row is None or (ctx.principal.user_info == "no_user_info" and uid != ctx.principal.user_id):
        raise errors.user_not_found(uid, ctx.principal.integration_id)
    return domain_users.render(ctx, row)


def me(ctx: Ctx) -> dict[str, Any]:
    row = domain_users.get_row(ctx, ctx.principal.user_id)
    out: dict[str, Any] = {"object": "user", "id": row.id, "name": row.name, "avatar_url": row.avatar_url, "type": row.type}
    if row.type == "bot":
        out["bot"] = domain_users.bot_info(ctx)
    else:
        out["person"] = {"email": row.email} if row.email else {}
    return out


ROUTES = [
    ("GET", "/v1/users", list_users),
    ("GET", "/v1/users/me", me),
    ("GET", "/v1/users/{user_id}", retrieve_user),
]
