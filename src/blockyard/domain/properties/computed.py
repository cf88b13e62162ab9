"""Read-only types: system timestamps and people, unique_id, rollup, button, verification (formula: formula.py).

Their values are derived at render time from the page node (or assigned once, for unique_id)."""

from __future__ import annotations

from typing import Any

from ... import errors
from ...clock import iso
from .. import validate as v
from .base import PropertyType, register


class ReadOnly(PropertyType):
    writable = False


class CreatedTime(ReadOnly):
    name = "created_time"

    def render(self, ctx, page, prop, stored, ds):
        return iso(page.created_time)


class LastEditedTime(ReadOnly):
    name = "last_edited_time"

    def render(self, ctx, page, prop, stored, ds):
        return iso(page.last_edited_time)


class CreatedBy(ReadOnly):
    name = "created_by"

    def render(self, ctx, page, prop, stored, ds):
        from .people import user_value

        return user_value(ctx, page.created_by)


class LastEditedBy(ReadOnly):
    name = "last_edited_by"

    def render(self, ctx, page, prop, stored, ds):
        from .people import user_value

        return user_value(ctx, page.last_edited_by)


class UniqueId(ReadOnly):
    name = "unique_id"

    def config(self, ctx, body, path, old, env):
        body = v.obj(body if body is not None else {}, path)
        v.no_extra(body, ("prefix",), path)
        # `{}` on an update keeps the prefix it had.
        prefix = body["prefix"] if "prefix" in body else (old or {}).get("prefix")
        if prefix is not None:
            v.string(prefix, f"{path}.prefix", max_len=100, allow_empty=False)
        return {"prefix": prefix}

    def render(self, ctx, page, prop, stored, ds):
        number = stored.get("number") if isinstance(stored, dict) else None
        return {"prefix": prop["unique_id"].get("prefix"), "number": number}


ROLLUP_FUNCTIONS = (
    "count", "count_values", "empty", "not_empty", "unique", "show_unique", "percent_empty",
    "percent_not_empty", "sum", "average", "median", "min", "max", "range", "earliest_date", "latest_date",
    "date_range", "checked", "unchecked", "percent_checked", "percent_unchecked", "count_per_group",
    "percent_per_group", "show_original",
)


class Rollup(ReadOnly):
    name = "rollup"

    def config(self, ctx, body, path, old, env):
        from .relation import target_schema

        body = v.obj(body if body is not None else {}, path)
        v.no_extra(body, ("function", "relation_property_name", "relation_property_id", "rollup_property_name",
                          "rollup_property_id"), path)
        old = old or {}
        function = v.enum(body.get("function", old.get("function")), f"{path}.function", ROLLUP_FUNCTIONS)
        rel_id = _pick(env.schema, body, "relation_property", path, old.get("relation_property_id"))
        relation = env.schema[rel_id]
        if relation["type"] != "relation":
            raise errors.validation(f"{path}.relation_property_name should name a relation property, instead was `\"{relation['name']}\"`.")
        target = target_schema(env.ctx, relation, env)
        target_id = _pick(target, body, "rollup_property", path, old.get("rollup_property_id"))
        if target[target_id]["type"] == "rollup":
            raise errors.validation("Cannot create a rollup of another rollup.")
        return {"function": function, "relation_property_id": rel_id, "rollup_property_id": target_id}

    def render_config(self, ctx, prop, ds):
        from .relation import target_schema_at_render

        config = prop["rollup"]
        schema = ds.data.get("properties", {})
        rel = schema.get(config["relation_property_id"])
        target = target_schema_at_render(ctx, rel) if rel else {}
        tprop = target.get(config["rollup_property_id"])
        # Notion shows these ids decoded, unlike everywhere else.
        return {
            "rollup_property_name": tprop["name"] if tprop else None,
            "relation_property_name": rel["name"] if rel else None,
            "rollup_property_id": config["rollup_property_id"],
            "relation_property_id": config["relation_property_id"],
            "function": config["function"],
        }

    def render(self, ctx, page, prop, stored, ds):
        from . import materialize
        from .relation import rollup_value

        value = stored if materialize.use_stored(ctx, ds, prop["id"], stored) else rollup_value(ctx, page, prop, ds)
        return for_reader(ctx, value)


def for_reader(ctx: Any, value: Any) -> Any:
    """A rollup value whose rolled-up text shows its mentions as the reader may see them."""
    from .. import rich_text

    if isinstance(value, dict) and value.get("type") == "array" and rich_text.has_reader_mention(value["array"]):
        return {**value, "array": rich_text.render_mentions(ctx, value["array"])}
    return value


def _pick(schema: dict[str, dict[str, Any]], body: dict[str, Any], stem: str, path: str, default: str | None) -> str:
    from urllib.parse import unquote

    if f"{stem}_id" in body:
        key = unquote(v.string(body[f"{stem}_id"], f"{path}.{stem}_id"))
        if key in schema:
            return key
        raise v.fail(f"{path}.{stem}_id", "an existing property", body[f"{stem}_id"])
    if f"{stem}_name" in body:
        name = v.string(body[f"{stem}_name"], f"{path}.{stem}_name")
        for pid, prop in schema.items():
            if prop["name"] == name:
                return pid
        raise v.fail(f"{path}.{stem}_name", "an existing property", name)
    if default is not None and default in schema:
        return default
    raise v.fail(f"{path}.{stem}_name", "defined")


class Button(ReadOnly):
    name = "button"

    def render(self, ctx, page, prop, stored, ds):
        return {}


class Verification(ReadOnly):
    name = "verification"

    def render(self, ctx, page, prop, stored, ds):
        return stored or {"state": "unverified", "date": None, "verified_by": None}


register(CreatedTime(), LastEditedTime(), CreatedBy(), LastEditedBy(), UniqueId(), Rollup(), Button(), Verification())
