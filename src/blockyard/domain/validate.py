"""Readers for request bodies that fail the way Notion does, naming the path:

    body failed validation: body.parent.page_id should be defined, instead was `undefined`.
"""

from __future__ import annotations

from typing import Any, Iterable

from .. import errors, ids
from ..errors import UNDEFINED

COLORS = (
    "default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red",
    "default_background", "gray_background", "brown_background", "orange_background", "yellow_background",
    "green_background", "blue_background", "purple_background", "pink_background", "red_background",
)
TEXT_COLORS = COLORS


def fail(path: str, expected: str, got: Any = UNDEFINED) -> errors.NotionError:
    return errors.body_invalid(path, expected, got)


def obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(path, "an object", value)
    return value


def required(d: dict[str, Any], key: str, path: str) -> Any:
    if key not in d or d[key] is UNDEFINED:
        raise fail(f"{path}.{key}", "defined")
    return d[key]


def string(value: Any, path: str, *, max_len: int | None = None, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise fail(path, "a string", value)
    if max_len is not None and len(value) > max_len:
        raise errors.validation(
            f"{_where(path)} failed validation: {path}.length should be ≤ `{max_len}`, instead was `{len(value)}`."
        )
    if not allow_empty and value == "":
        raise errors.validation(
            f"{_where(path)} failed validation: {path}.length should be ≥ `1`, instead was `0`."
        )
    return value


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise fail(path, "a boolean", value)
    return value


def number(value: Any, path: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(path, "a number", value)
    return value


def integer(value: Any, path: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise fail(path, "an integer", value)
    if minimum is not None and value < minimum:
        raise errors.validation(f"{_where(path)} failed validation: {path} should be ≥ `{minimum}`, instead was `{value}`.")
    if maximum is not None and value > maximum:
        raise errors.validation(f"{_where(path)} failed validation: {path} should be ≤ `{maximum}`, instead was `{value}`.")
    return value


def array(value: Any, path: str, *, max_items: int | None = 100, min_items: int | None = None) -> list[Any]:
    if not isinstance(value, list):
        raise fail(path, "an array", value)
    if max_items is not None and len(value) > max_items:
        raise errors.validation(
            f"{_where(path)} failed validation: {path}.length should be ≤ `{max_items}`, instead was `{len(value)}`."
        )
    if min_items is not None and len(value) < min_items:
        raise errors.validation(
            f"{_where(path)} failed validation: {path}.length should be ≥ `{min_items}`, instead was `{len(value)}`."
        )
    return value


def enum(value: Any, path: str, options: Iterable[str]) -> str:
    options = tuple(options)
    if value not in options:
        raise fail(path, one_of(options), value)
    return value


def one_of(options: Iterable[str]) -> str:
    quoted = [f'`"{o}"`' for o in options]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + ", or " + quoted[-1] if len(quoted) > 2 else " or ".join(quoted)


def uuid(value: Any, path: str) -> str:
    parsed = ids.parse_id(value)
    if parsed is None:
        raise fail(path, "a valid uuid", value)
    return parsed


def path_uuid(value: str, name: str) -> str:
    """An ID in the URL path: Notion names it `path.<name>`."""
    parsed = ids.parse_id(value)
    if parsed is None:
        raise errors.validation(f"path failed validation: path.{name} should be a valid uuid, instead was `\"{value}\"`.")
    return parsed


def no_extra(d: dict[str, Any], allowed: Iterable[str], path: str) -> None:
    allowed = set(allowed)
    for key in d:
        if key not in allowed:
            raise fail(f"{path}.{key}", "not present", d[key])


def nullable(d: dict[str, Any], key: str) -> bool:
    """True when the key is present (possibly null)."""
    return key in d


def _where(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def page_size(raw: Any, path: str, *, from_query: bool) -> int:
    if raw is None or raw is UNDEFINED:
        return 100
    if from_query:
        try:
            raw = int(raw)
        except (TypeError, ValueError):
            raise fail(path, "a number", raw) from None
    value = integer(raw, path)
    if value < 1 or value > 100:
        raise errors.validation(
            f"{_where(path)} failed validation: {path} should be ≤ `100`, instead was `{value}`."
            if value > 100
            else f"{_where(path)} failed validation: {path} should be ≥ `1`, instead was `{value}`."
        )
    return value
