"""Notion's list envelope and cursor handling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors

if TYPE_CHECKING:
    from ..context import Ctx


def envelope(list_type: str, results: list[Any], next_cursor: str | None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "object": "list",
        "results": results,
        "next_cursor": next_cursor,
        "has_more": next_cursor is not None,
        "type": list_type,
        list_type: extra if extra is not None else {},
    }
    return out


def bad_cursor(path: str, value: str) -> errors.NotionError:
    return errors.validation(f"{path.split('.')[0]} failed validation: {path} should be a valid cursor, instead was `\"{value}\"`.")


def listed_properties(ctx: "Ctx") -> list[str] | None:
    """The properties each page of a list carries: those `filter_properties` names (repeatable, in the query
    string), else every one, except from 2026-12-01 where a list carries only the title unless asked."""
    wanted = ctx.request.query_all("filter_properties") or None
    if wanted is None and ctx.version.lists_title_only:
        return ["title"]
    return wanted


def page_params(ctx: "Ctx") -> tuple[int, str | None, str | None]:
    """`page_size` and `start_cursor` of a list whose cursors are IDs: (size, the ID, the raw cursor)."""
    from .. import ids
    from ..domain import validate as v

    size = v.page_size(ctx.request.query("page_size"), "query.page_size", from_query=True)
    cursor = ctx.request.query("start_cursor")
    start = None
    if cursor is not None:
        start = ids.parse_id(cursor)
        if start is None:
            raise bad_cursor("query.start_cursor", cursor)
    return size, start, cursor
