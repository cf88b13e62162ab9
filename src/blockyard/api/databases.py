"""/v1/databases (and, from 2025-09-03, /v1/data_sources)"""

from __future__ import annotations

from typing import Any

from ..access import capabilities as caps
from ..domain import access, databases, validate as v
from .context import Ctx


def create_database(ctx: Ctx) -> dict[str, Any]:
    db = databases.create(ctx, ctx.body())
    if not ctx.principal.can(caps.READ_CONTENT):
        return {"object": "database", "id": db.id}
    return databases.render_database(ctx, db)


def retrieve_database(ctx: Ctx, database_id: str) -> dict[str, Any]:
    did = v.path_uuid(database_id, "database_id")
    ctx.require(caps.READ_CONTENT)
    db = access.load(ctx, did, "database", kinds=("database",))
    return databases.render_database(ctx, db)


def retrieve_data_source(ctx: Ctx, data_source_id: str) -> dict[str, Any]:
    did = v.path_uuid(data_source_id, "data_source_id")
    ctx.require(caps.READ_CONTENT)
    ds = access.load(ctx, did, "data source", kinds=("data_source",))
    return databases.render_data_source(ctx, ds)


ROUTES = [
    ("POST", "/v1/databases", create_database),
    ("GET", "/v1/databases/{database_id}", retrieve_database),
    ("GET", "/v1/data_sources/{data_source_id}", retrieve_data_source),
]
