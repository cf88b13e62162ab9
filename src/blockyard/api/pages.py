"""/v1/pages"""

from __future__ import annotations

from typing import Any

from ..access import capabilities as caps
from ..domain import access, pages, render, validate as v
from ..context import Ctx


def _present(ctx: Ctx, node: Any) -> dict[str, Any]:
    if not ctx.principal.can(caps.READ_CONTENT):
        return {"object": "page", "id": node.id}
    return render.page(ctx, node, filter_properties=ctx.request.query_all("filter_properties") or None)


def create_page(ctx: Ctx) -> Any:
    body = ctx.body()
    if body.get("allow_async") is True and "markdown" in body:
        # 202 once the request and the parent's access pass; the content is written by the task.
        from ..tasks import store as tasks

        pages.check_create(ctx, body)
        return 202, tasks.enqueue(ctx, "POST /v1/pages", {"body": body})
    page = pages.create(ctx, body)
    return _present(ctx, page)


def retrieve_page(ctx: Ctx, page_id: str) -> dict[str, Any]:
    pid = v.path_uuid(page_id, "page_id")
    ctx.require(caps.READ_CONTENT)
    page = access.load(ctx, pid, "page", kinds=("page",))
    return _present(ctx, page)


def _edit(ctx: Ctx, page_id: str, action: Any) -> dict[str, Any]:
    # As Notion: the body is parsed, then the path checked, then the capability, then the object.
    body = ctx.body()
    pid = v.path_uuid(page_id, "page_id")
    ctx.require(caps.UPDATE_CONTENT)
    page = access.load(ctx, pid, "page", kinds=("page",), need="edit")
    action(ctx, page, body)
    return _present(ctx, page)


def update_page(ctx: Ctx, page_id: str) -> dict[str, Any]:
    return _edit(ctx, page_id, pages.update)


def move_page(ctx: Ctx, page_id: str) -> dict[str, Any]:
    return _edit(ctx, page_id, pages.move)


ROUTES = [
    ("POST", "/v1/pages", create_page),
    ("GET", "/v1/pages/{page_id}", retrieve_page),
    ("PATCH", "/v1/pages/{page_id}", update_page),
    ("POST", "/v1/pages/{page_id}/move", move_page),
]
