"""Values of database pages: validated against the data source's schema, rendered by type.

First cut: values are stored in their response form under the property ID. The data-source
work replaces this with per-type modules and the typed index for queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ... import errors
from ...store.nodes import Node
from .. import rich_text, validate as v

if TYPE_CHECKING:
    from ...api.context import Ctx


def schema_of(data_source: Node) -> dict[str, dict[str, Any]]:
    return data_source.data.get("properties", {})


def empty_value(prop_type: str) -> Any:
    if prop_type in ("title", "rich_text", "multi_select", "people", "files", "relation"):
        return []
    if prop_type == "checkbox":
        return False
    return None


def render(ctx: "Ctx", node: Node, filter_properties: list[str] | None) -> dict[str, Any]:
    from ..databases import data_source_node

    ds = data_source_node(ctx, node.parent_id)
    stored = node.data.get("properties", {})
    out: dict[str, Any] = {}
    for pid, prop in schema_of(ds).items():
        if filter_properties is not None and pid not in filter_properties and prop["name"] not in filter_properties:
            continue
        t = prop["type"]
        value = stored.get(pid, empty_value(t))
        out[prop["name"]] = {"id": pid, "type": t, t: value}
    return out


def find_property(schema: dict[str, dict[str, Any]], key: str) -> tuple[str, dict[str, Any]] | None:
    if key in schema:
        return key, schema[key]
    for pid, prop in schema.items():
        if prop["name"] == key:
            return pid, prop
    return None


def parse(ctx: "Ctx", props: dict[str, Any], data_source: Node, current: dict[str, Any] | None) -> dict[str, Any]:
    from ..blocks import resolver_for

    schema = schema_of(data_source)
    stored = dict(current or {})
    for key, value in props.items():
        found = find_property(schema, key)
        if found is None:
            raise errors.validation(f"{key} is not a property that exists.")
        pid, prop = found
        t = prop["type"]
        path = f"body.properties.{key}"
        if isinstance(value, dict) and t in value:
            value = value[t]
            path = f"{path}.{t}"
        if t in ("title", "rich_text"):
            stored[pid] = rich_text.parse(value, path, resolver_for(ctx))
        elif t == "checkbox":
            stored[pid] = v.boolean(value, path)
        elif t == "number":
            stored[pid] = None if value is None else v.number(value, path)
        elif t in ("select", "status"):
            stored[pid] = None if value is None else _option(prop, t, value, path)
        else:
            stored[pid] = value
    return stored


def _option(prop: dict[str, Any], t: str, value: Any, path: str) -> dict[str, Any]:
    v.obj(value, path)
    for option in prop[t].get("options", []):
        if option.get("name") == value.get("name") or option.get("id") == value.get("id"):
            return {"id": option["id"], "name": option["name"], "color": option["color"]}
    raise errors.validation(f"body failed validation: {path}.name should be an existing option, instead was `{value}`.")
