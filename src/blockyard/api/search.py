"""POST /v1/search"""

from __future__ import annotations

from typing import Any

from ..query.search import Search
from ..access import capabilities as caps
from ..context import Ctx
from .lists import envelope


def search(ctx: Ctx) -> dict[str, Any]:
    ctx.require(caps.READ_CONTENT)  # the capabilities page lists search under "read content"
    s = Search(ctx, ctx.body())
    found, cursor = s.run()
    results = [r for r in (s.render(n) for n in found) if r is not None]
    return envelope(ctx.version.page_or_collection, results, cursor)


ROUTES = [("POST", "/v1/search", search)]
