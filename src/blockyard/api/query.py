"""POST /v1/data_sources/{id}/query (2025-09-03+) and POST /v1/databases/{id}/query (2022-06-28)."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..access import capabilities as caps
from ..domain import access, databases, render, validate as v
from ..query.engine import Query
from ..store.nodes import Node
from ..context import Ctx
from .lists import envelope


def query_data_source(ctx: Ctx, data_source_id: str) -> dict[str, Any]:
    did = v.path_uuid(data_source_id, "data_source_id")
    ctx.require(caps.READ_CONTENT)
    ds = access.load(ctx, did, "data source", kinds=("data_source",))
    return _answer(ctx, ds, allow_result_type=True)


def query_database(ctx: Ctx, database_id: str) -> dict[str, Any]:
    if ctx.version.data_sources:
        # From 2025-09-03 queries go to data sources; this path no longer exists.
        raise errors.invalid_request_url()
    did = v.path_uuid(database_id, "database_id")
    ctx.require(caps.READ_CONTENT)
    db = access.load(ctx, did, "database", kinds=("database",))
    return _answer(ctx, databases.single_data_source(ctx, db), allow_result_type=False)


def _answer(ctx: Ctx, ds: Node, *, allow_result_type: bool) -> dict[str, Any]:
    query = Query(ctx, ds, ctx.body(), allow_result_type=allow_result_type)
    rows, cursor, cut = query.run()
    wanted = ctx.request.query_all("filter_properties") or None
    results = render.pages(ctx, rows, filter_properties=wanted)
    out = envelope(ctx.version.page_or_collection, results, cursor)
    if cut:
        out["request_status"] = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
    return out


ROUTES = [
    ("POST", "/v1/data_sources/{data_source_id}/query", query_data_source),
    ("POST", "/v1/databases/{database_id}/query", query_database),
]
