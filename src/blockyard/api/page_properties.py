"""/v1/pages/{page_id}/properties/{property_id}"""

from __future__ import annotations

from typing import Any

from ..access import capabilities as caps
from ..domain import access, validate as v
from ..domain.properties import items
from ..context import Ctx


def retrieve_page_property(ctx: Ctx, page_id: str, property_id: str) -> dict[str, Any]:
    pid = v.path_uuid(page_id, "page_id")
    ctx.require(caps.READ_CONTENT)
    page = access.load(ctx, pid, "page", kinds=("page",))
    size = items.page_size_of(ctx)
    return items.property_item(ctx, page, property_id, ctx.request.query("start_cursor"), size)


ROUTES = [
    ("GET", "/v1/pages/{page_id}/properties/{property_id}", retrieve_page_property),
]
