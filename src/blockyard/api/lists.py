"""Notion's list envelope and cursor handling."""

from __future__ import annotations

from typing import Any

from .. import errors


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
