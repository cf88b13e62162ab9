"""/v1/databases"""

from __future__ import annotations

from typing import Any

from ..access import capabilities as caps
from ..domain import access, databases, validate as v
from ..context import Ctx


def _present(ctx: Ctx, db: Any) -> dict[str, Any]:
    if not ctx.principal.can(caps.READ_CONTENT):
        return {"object": "database", "id": db.id}
    return databases.render_database(ctx, db)


def create_database(ctx: Ctx) -> dict[str, Any]:
    return _present(ctx, databases.create(ctx, ctx.body()))


def retrieve_database(ctx: Ctx, database_id: str) -> dict[str, Any]:
    did = v.path_uuid(database_id, "database_id")
    ctx.require(caps.READ_CONTENT)
    db = access.load(ctx, did, "database", kinds=("database",))
    return databases.render_database(ctx, db)


def update_database(ctx: Ctx, database_id: str) -> dict[str, Any]:
    did = v.path_uuid(database_id, "database_id")
    db = access.load(ctx, did, "database", kinds=("database",), need="edit")
    databases.update_database(ctx, db, ctx.body())
    return _present(ctx, db)


ROUTES = [
    ("POST", "/v1/databases", create_database),
    ("GET", "/v1/databases/{database_id}", retrieve_database),
    ("PATCH", "/v1/databases/{database_id}", update_database),
]
