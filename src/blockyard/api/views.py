"""/v1/views: views of databases and view queries (2025-09-03 and later)."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..access import capabilities as caps
from ..context import Ctx
from ..domain import validate as v
from ..views import model
from .lists import envelope


def _available(ctx: Ctx) -> None:
    # Views exist only where databases hold data sources.
    if not ctx.version.data_sources:
        raise errors.invalid_request_url()


def list_views(ctx: Ctx) -> dict[str, Any]:
    _available(ctx)
    ctx.require(caps.READ_CONTENT)
    q = ctx.request.query
    database_id = v.uuid(q("database_id"), "query.database_id") if q("database_id") is not None else None
    data_source_id = v.uuid(q("data_source_id"), "query.data_source_id") if q("data_source_id") is not None else None
    if database_id is None and data_source_id is None:
        raise errors.validation(
            "query failed validation: one of query.database_id or query.data_source_id should be defined."
        )
    size = v.page_size(q("page_size"), "query.page_size", from_query=True)
    cursor = q("start_cursor")
    if cursor is not None:
        cursor = v.uuid(cursor, "query.start_cursor")
    found, next_cursor = model.list_views(ctx, database_id, data_source_id, cursor, size)
    return envelope("view", [{"object": "view", "id": view.id} for view in found], next_cursor)


def create_view(ctx: Ctx) -> dict[str, Any]:
    _available(ctx)
    ctx.require(caps.INSERT_CONTENT)
    view = model.create(ctx, ctx.body())
    return _shown(ctx, view)


def retrieve_view(ctx: Ctx, view_id: str) -> dict[str, Any]:
    _available(ctx)
    ctx.require(caps.READ_CONTENT)
    return model.render(ctx, model.load(ctx, v.path_uuid(view_id, "view_id")))


def update_view(ctx: Ctx, view_id: str) -> dict[str, Any]:
    _available(ctx)
    ctx.require(caps.UPDATE_CONTENT)
    view = model.load(ctx, v.path_uuid(view_id, "view_id"), need="edit")
    model.update(ctx, view, ctx.body())
    return _shown(ctx, view)


def delete_view(ctx: Ctx, view_id: str) -> dict[str, Any]:
    _available(ctx)
    ctx.require(caps.UPDATE_CONTENT)
    view = model.load(ctx, v.path_uuid(view_id, "view_id"), need="edit")
    model.delete(ctx, view)
    return model.render_partial(view)


def create_query(ctx: Ctx, view_id: str) -> dict[str, Any]:
    _available(ctx)
    ctx.require(caps.READ_CONTENT)
    view = model.load(ctx, v.path_uuid(view_id, "view_id"))
    body = ctx.body()
    v.no_extra(body, ("page_size",), "body")
    size = v.page_size(body.get("page_size"), "body.page_size", from_query=False)
    return model.run_query(ctx, view, size)


def query_results(ctx: Ctx, view_id: str, query_id: str) -> dict[str, Any]:
    _available(ctx)
    vid, qid = v.path_uuid(view_id, "view_id"), v.path_uuid(query_id, "query_id")
    ctx.require(caps.READ_CONTENT)
    view = model.load(ctx, vid)
    size = v.page_size(ctx.request.query("page_size"), "query.page_size", from_query=True)
    cursor = ctx.request.query("start_cursor")
    if cursor is not None:
        cursor = v.uuid(cursor, "query.start_cursor")
    return model.query_page(ctx, view, qid, cursor, size)


def delete_query(ctx: Ctx, view_id: str, query_id: str) -> dict[str, Any]:
    _available(ctx)
    vid, qid = v.path_uuid(view_id, "view_id"), v.path_uuid(query_id, "query_id")
    ctx.require(caps.READ_CONTENT)
    return model.delete_query(ctx, model.load(ctx, vid), qid)


def _shown(ctx: Ctx, view: model.View) -> dict[str, Any]:
    # An integration that can write but not read gets the partial view, as Notion answers.
    return model.render(ctx, view) if ctx.principal.can(caps.READ_CONTENT) else model.render_partial(view)


ROUTES = [
    ("GET", "/v1/views", list_views),
    ("POST", "/v1/views", create_view),
    ("GET", "/v1/views/{view_id}", retrieve_view),
    ("PATCH", "/v1/views/{view_id}", update_view),
    ("DELETE", "/v1/views/{view_id}", delete_view),
    ("POST", "/v1/views/{view_id}/queries", create_query),
    ("GET", "/v1/views/{view_id}/queries/{query_id}", query_results),
    ("DELETE", "/v1/views/{view_id}/queries/{query_id}", delete_query),
]
