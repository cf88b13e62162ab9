"""/v1/data_sources (2025-09-03 and later)"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..access import capabilities as caps
from ..domain import access, databases, validate as v
from ..domain.properties.schema import render_schema
from ..context import Ctx


def _versioned(ctx: Ctx) -> None:
    # Data sources do not exist before 2025-09-03: the path is unknown there.
    if not ctx.version.data_sources:
        raise errors.invalid_request_url()


def _present(ctx: Ctx, ds: Any) -> dict[str, Any]:
    if not ctx.principal.can(caps.READ_CONTENT):
        return {"object": "data_source", "id": ds.id, "properties": render_schema(ctx, ds)}
    return databases.render_data_source(ctx, ds)


def create_data_source(ctx: Ctx) -> dict[str, Any]:
    _versioned(ctx)
    return _present(ctx, databases.create_data_source(ctx, ctx.body()))


def retrieve_data_source(ctx: Ctx, data_source_id: str) -> dict[str, Any]:
    _versioned(ctx)
    did = v.path_uuid(data_source_id, "data_source_id")
    ctx.require(caps.READ_CONTENT)
    ds = access.load(ctx, did, "data source", kinds=("data_source",))
    return databases.render_data_source(ctx, ds)


def update_data_source(ctx: Ctx, data_source_id: str) -> dict[str, Any]:
    _versioned(ctx)
    did = v.path_uuid(data_source_id, "data_source_id")
    ds = access.load(ctx, did, "data source", kinds=("data_source",), need="edit")
    databases.update_data_source(ctx, ds, ctx.body())
    return _present(ctx, ds)


def list_templates(ctx: Ctx, data_source_id: str) -> dict[str, Any]:
    _versioned(ctx)
    did = v.path_uuid(data_source_id, "data_source_id")
    ctx.require(caps.READ_CONTENT)
    access.load(ctx, did, "data source", kinds=("data_source",))
    v.page_size(ctx.request.query("page_size"), "query.page_size", from_query=True)
    cursor = ctx.request.query("start_cursor")
    if cursor:
        from .lists import bad_cursor

        raise bad_cursor("query.start_cursor", cursor)
    # Templates are not modelled yet: every data source has none (Notion's non-list envelope).
    return {"templates": [], "has_more": False, "next_cursor": None}


ROUTES = [
    ("POST", "/v1/data_sources", create_data_source),
    ("GET", "/v1/data_sources/{data_source_id}", retrieve_data_source),
    ("PATCH", "/v1/data_sources/{data_source_id}", update_data_source),
    ("GET", "/v1/data_sources/{data_source_id}/templates", list_templates),
]
