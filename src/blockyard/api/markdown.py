"""/v1/pages/{page_id}/markdown"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..access import capabilities as caps
from ..domain import access, validate as v
from ..markdown import content, edit
from ..context import Ctx

MARKDOWN_KINDS = ("page", "block")


def _load_target(ctx: Ctx, page_id: str, need: str = "read") -> Any:
    """A page, or (for GET) a block named in an earlier answer's `unknown_block_ids`."""
    pid = v.path_uuid(page_id, "page_id")
    node = access.load(ctx, pid, "page", kinds=("page", "block", "database", "data_source"), need=need)
    if node.kind in ("database", "data_source"):
        raise errors.validation(
            f"The provided ID {pid} is a database, not a page. Use the databases or data sources endpoints for databases.")
    if node.kind == "block" and need == "edit":
        raise errors.validation(f"The provided ID {pid} is a block, not a page. Edit blocks through the /v1/blocks endpoints.")
    return node


def retrieve_markdown(ctx: Ctx, page_id: str) -> dict[str, Any]:
    v.path_uuid(page_id, "page_id")
    ctx.require(caps.READ_CONTENT)
    node = _load_target(ctx, page_id)
    dialect = content.dialect_of(ctx, ctx.request.query("markdown_version"), "query.markdown_version")
    transcript = ctx.request.query("include_transcript")
    if transcript is not None and transcript not in ("true", "false"):
        raise v.fail("query.include_transcript", "a boolean", transcript)
    return content.page_markdown(ctx, node, dialect)


def update_markdown(ctx: Ctx, page_id: str) -> Any:
    # As the other endpoints: the body is parsed, then the path checked, then the capability, then the
    # object, then what the body says.
    body = ctx.body()
    pid = v.path_uuid(page_id, "page_id")
    ctx.require(caps.UPDATE_CONTENT)
    page = _load_target(ctx, pid, need="edit")
    kind, command, dialect, allow_async = edit.parse_request(ctx, body)
    if allow_async:
        from ..tasks import store as tasks

        return 202, tasks.enqueue(ctx, "PATCH /v1/pages/:page_id/markdown", {"page_id": page.id, "body": body})
    return edit.run(ctx, page, kind, command, dialect)


ROUTES = [
    ("GET", "/v1/pages/{page_id}/markdown", retrieve_markdown),
    ("PATCH", "/v1/pages/{page_id}/markdown", update_markdown),
]
