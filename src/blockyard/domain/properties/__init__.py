"""Page properties: schema configs of data sources, values on pages, and their rendering.

One module per property family (text, scalar, options, people, relation, computed, formula) defines
each type's schema config, value validation and rendering; `schema` handles whole schemas,
`values` page values, `items` the property-item endpoint. The entry points the page code uses
are below."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ... import errors
from ...store.nodes import Node
from .. import rich_text, validate as v
from . import computed, formula, options, people, relation, scalar, text  # noqa: F401  (register the types)
from .base import TITLE_ID
from .text import mentions_in_full

if TYPE_CHECKING:
    from ...context import Ctx


def title_value(ctx: "Ctx", value: Any, path: str) -> list[dict[str, Any]]:
    from ..blocks import resolver_for

    if isinstance(value, dict) and "title" in value:
        value = value["title"]
        path = f"{path}.title"
    return rich_text.parse(value, path, resolver_for(ctx))


def render_page_properties(ctx: "Ctx", node: Node, filter_properties: list[str] | None = None) -> dict[str, Any]:
    if node.parent_type == "data_source_id":
        from . import values

        return values.render(ctx, node, filter_properties)
    title = node.data.get("properties", {}).get(TITLE_ID, [])
    out = {"title": {"id": TITLE_ID, "type": "title", "title": mentions_in_full(ctx, title)}}
    if filter_properties is not None and not ({"title"} & set(filter_properties)):
        return {}
    return out


def parse_page_properties(ctx: "Ctx", props: Any, data_source: Node | None, current: dict[str, Any] | None) -> dict[str, Any]:
    """Validate `properties` of a page create or update; returns the new stored property map."""
    v.obj(props, "body.properties")
    if data_source is not None:
        from . import values

        return values.parse(ctx, props, data_source, current)
    stored = dict(current or {})
    for key, value in props.items():
        if key not in ("title", TITLE_ID):
            raise errors.validation(
                f"{key} is not a property that exists. Pages that are children of pages can only have a title property."
            )
        stored[TITLE_ID] = title_value(ctx, value, f"body.properties.{key}")
    return stored


def page_written(ctx: "Ctx", page: Node, data_source: Node | None, before: dict[str, Any] | None) -> None:
    """Hook for the page code after a database page was created, updated, trashed or restored:
    keeps stored formula and rollup values, two-way relations and the query index current."""
    if data_source is not None:
        from . import materialize, values

        written = materialize.before_index(ctx, page, data_source, before)  # stored formula and rollup values
        values.written(ctx, page, data_source, before)
        materialize.after_index(ctx, written)


def title_text(stored: dict[str, Any]) -> str:
    return rich_text.plain_text(stored.get(TITLE_ID, []))
