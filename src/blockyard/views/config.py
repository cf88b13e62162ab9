"""View configurations: one shape per view type, checked against the data source's schema as Notion checks
them, and stored with property references as IDs (requests may name a property by ID or name; an ID match
wins). Rendering adds the `*_name` convenience fields."""

from __future__ import annotations

from typing import Any, Callable

from ..domain import validate as v
from ..domain.properties.base import encode_id
from ..query.filters import find_property

TYPES = ("table", "board", "list", "calendar", "timeline", "gallery", "form", "chart", "map", "dashboard")

Schema = dict[str, dict[str, Any]]
Check = Callable[[Any, str, Schema], Any]

# Which group_by `type` fits which property type, and what each group_by type adds.
_GROUP_TYPES = {
    "select": ("select",), "multi_select": ("multi_select",), "status": ("status",),
    "person": ("people",), "created_by": ("created_by",), "last_edited_by": ("last_edited_by",),
    "relation": ("relation",), "date": ("date",), "created_time": ("created_time",),
    "last_edited_time": ("last_edited_time",), "text": ("rich_text",), "title": ("title",), "url": ("url",),
    "email": ("email",), "phone_number": ("phone_number",), "number": ("number",), "checkbox": ("checkbox",),
    "formula": ("formula",),
}
_DATE_GROUPING = ("relative", "day", "week", "month", "year")
_TEXT_GROUPING = ("exact", "alphabet_prefix")
_DATE_PROPERTY_TYPES = ("date", "created_time", "last_edited_time", "formula", "rollup")
AGGREGATORS = (
    "count", "count_values", "sum", "average", "median", "min", "max", "range", "unique", "empty", "not_empty",
    "percent_empty", "percent_not_empty", "checked", "unchecked", "percent_checked", "percent_unchecked",
    "earliest_date", "latest_date", "date_range",
)
_CHART_COLORS = ("gray", "lightgray", "brown", "yellow", "orange", "green", "blue", "purple", "pink", "red")


# --- readers -------------------------------------------------------------------------------------

def enum(*options: str) -> Check:
    return lambda value, path, schema: v.enum(value, path, options)


def boolean(value: Any, path: str, schema: Schema) -> bool:
    return v.boolean(value, path)


def number(value: Any, path: str, schema: Schema) -> float | int:
    return v.number(value, path)


def integer(minimum: int | None = None, maximum: int | None = None) -> Check:
    return lambda value, path, schema: v.integer(value, path, minimum=minimum, maximum=maximum)


def text(value: Any, path: str, schema: Schema) -> str:
    return v.string(value, path, max_len=2000)


def nullable(check: Check) -> Check:
    return lambda value, path, schema: None if value is None else check(value, path, schema)


def prop(*types: str) -> Check:
    """A property of the data source, by ID or name (of one of `types` when given); stored as its ID."""
    def read(value: Any, path: str, schema: Schema) -> str:
        found = find_property(schema, v.string(value, path))
        if found is None:
            raise v.fail(path, "the ID or name of a property of the data source", value)
        pid, p = found
        if types and p.get("type") not in types:
            raise v.fail(path, f"a property of type {v.one_of(types)}", value)
        return pid
    return read


def fields(spec: dict[str, Check], required: tuple[str, ...] = ()) -> Check:
    def read(value: Any, path: str, schema: Schema) -> dict[str, Any]:
        body = v.obj(value, path)
        v.no_extra(body, spec, path)
        for key in required:
            v.required(body, key, path)
        return {key: spec[key](val, f"{path}.{key}", schema) for key, val in body.items()}
    return read


def array_of(check: Check) -> Check:
    def read(value: Any, path: str, schema: Schema) -> list[Any]:
        return [check(item, f"{path}[{i}]", schema) for i, item in enumerate(v.array(value, path))]
    return read


_PROPERTY = fields({
    "property_id": prop(), "visible": boolean, "width": integer(0), "wrap": boolean,
    "status_show_as": enum("select", "checkbox"), "card_property_width_mode": enum("full_line", "inline"),
    "date_format": enum("full", "short", "month_day_year", "day_month_year", "year_month_day", "relative"),
    "time_format": enum("12_hour", "24_hour", "hidden"),
}, required=("property_id",))
_PROPERTIES = array_of(_PROPERTY)
_GROUP_SORT = fields({"type": enum("manual", "ascending", "descending")}, required=("type",))
_COVER = fields({"type": enum("page_cover", "page_content", "page_content_first", "property"), "property_id": prop()},
                required=("type",))


def _formula_group(value: Any, path: str, schema: Schema) -> dict[str, Any]:
    body = v.obj(value, path)
    kind = v.enum(v.required(body, "type", path), f"{path}.type", ("date", "text", "number", "checkbox"))
    extra: dict[str, Check] = {
        "date": {"group_by": enum(*_DATE_GROUPING), "start_day_of_week": enum_int(0, 1)},
        "text": {"group_by": enum(*_TEXT_GROUPING)},
        "number": {"range_start": number, "range_end": number, "range_size": integer(1)},
        "checkbox": {},
    }[kind]
    required = ("type", "sort", "group_by") if kind in ("date", "text") else ("type", "sort")
    return fields({"type": enum(kind), "sort": _GROUP_SORT, **extra}, required=required)(body, path, schema)


def enum_int(*options: int) -> Check:
    def read(value: Any, path: str, schema: Schema) -> int:
        if isinstance(value, bool) or value not in options:
            raise v.fail(path, " or ".join(f"`{o}`" for o in options), value)
        return value
    return read


def group_by(value: Any, path: str, schema: Schema) -> dict[str, Any]:
    """A grouping: its `type` names the kind of property, and must fit the property it groups by."""
    body = v.obj(value, path)
    kind = v.enum(v.required(body, "type", path), f"{path}.type", _GROUP_TYPES)
    extra: dict[str, Check] = {}
    required = ["type", "property_id", "sort"]
    if kind == "status":
        extra = {"group_by": enum("group", "option")}
        required.append("group_by")
    elif kind in ("date", "created_time", "last_edited_time"):
        extra = {"group_by": enum(*_DATE_GROUPING), "start_day_of_week": enum_int(0, 1)}
        required.append("group_by")
    elif kind in ("text", "title", "url", "email", "phone_number"):
        extra = {"group_by": enum(*_TEXT_GROUPING)}
        required.append("group_by")
    elif kind == "number":
        extra = {"range_start": number, "range_end": number, "range_size": integer(1)}
    elif kind == "formula":
        extra = {"group_by": _formula_group}
        required = ["type", "property_id", "group_by"]
    spec = {"type": enum(kind), "property_id": prop(*_GROUP_TYPES[kind]), "sort": _GROUP_SORT,
            "hide_empty_groups": boolean, **extra}
    return fields(spec, required=tuple(required))(body, path, schema)


def _aggregation(value: Any, path: str, schema: Schema) -> dict[str, Any]:
    out = fields({"aggregator": enum(*AGGREGATORS), "property_id": prop()}, required=("aggregator",))(value, path, schema)
    if out["aggregator"] != "count" and "property_id" not in out:
        raise v.fail(f"{path}.property_id", "defined")
    return out


_REFERENCE_LINE = fields({"id": text, "value": number, "label": text, "color": enum(*_CHART_COLORS),
                          "dash_style": enum("solid", "dash")},
                         required=("value", "label", "color", "dash_style"))

_SPECS: dict[str, tuple[dict[str, Check], tuple[str, ...]]] = {
    "table": ({
        "properties": _PROPERTIES, "group_by": group_by, "wrap_cells": boolean, "frozen_column_index": integer(0),
        "show_vertical_lines": boolean,
        "subtasks": nullable(fields({
            "property_id": prop("relation"), "display_mode": enum("show", "hidden", "flattened", "disabled"),
            "filter_scope": enum("parents", "parents_and_subitems", "subitems"), "toggle_column_id": prop(),
        })),
    }, ()),
    "board": ({
        "group_by": group_by, "sub_group_by": group_by, "properties": _PROPERTIES, "cover": _COVER,
        "cover_size": enum("small", "medium", "large"), "cover_aspect": enum("contain", "cover"),
        "card_layout": enum("list", "compact"),
    }, ("group_by",)),
    "gallery": ({
        "properties": _PROPERTIES, "cover": _COVER, "cover_size": enum("small", "medium", "large"),
        "cover_aspect": enum("contain", "cover"), "card_layout": enum("list", "compact"),
    }, ()),
    "list": ({"properties": _PROPERTIES}, ()),
    "calendar": ({
        "date_property_id": prop(*_DATE_PROPERTY_TYPES), "properties": _PROPERTIES,
        "view_range": enum("week", "month"), "show_weekends": boolean,
    }, ("date_property_id",)),
    "timeline": ({
        "date_property_id": prop(*_DATE_PROPERTY_TYPES), "end_date_property_id": prop(*_DATE_PROPERTY_TYPES),
        "properties": _PROPERTIES, "show_table": boolean, "table_properties": _PROPERTIES,
        "preference": fields({"zoom_level": enum("hours", "day", "week", "bi_week", "month", "quarter", "year", "5_years"),
                              "center_timestamp": integer(0)}, required=("zoom_level",)),
        "arrows_by": fields({"property_id": nullable(prop("relation"))}),
        "color_by": boolean,
    }, ("date_property_id",)),
    "map": ({
        "height": enum("small", "medium", "large", "extra_large"), "map_by": prop("place"), "properties": _PROPERTIES,
    }, ()),
    "form": ({
        "is_form_closed": boolean, "anonymous_submissions": boolean,
        "submission_permissions": enum("none", "comment_only", "reader", "read_and_write", "editor"),
    }, ()),
    "chart": ({
        "chart_type": enum("column", "bar", "line", "donut", "number"),
        "x_axis": nullable(group_by), "y_axis": nullable(_aggregation), "x_axis_property_id": prop(),
        "y_axis_property_id": prop(), "value": _aggregation,
        "sort": enum("manual", "x_ascending", "x_descending", "y_ascending", "y_descending"),
        "color_theme": enum("gray", "blue", "yellow", "green", "purple", "teal", "orange", "pink", "red", "auto", "colorful"),
        "height": enum("small", "medium", "large", "extra_large"), "hide_empty_groups": boolean,
        "legend_position": enum("off", "bottom", "side"), "show_data_labels": boolean,
        "axis_labels": enum("none", "x_axis", "y_axis", "both"), "grid_lines": enum("none", "horizontal", "vertical", "both"),
        "cumulative": boolean, "smooth_line": boolean, "hide_line_fill_area": boolean,
        "group_style": enum("normal", "percent", "side_by_side"), "y_axis_min": nullable(number),
        "y_axis_max": nullable(number), "donut_labels": enum("none", "value", "name", "name_and_value"),
        "hide_title": boolean, "stack_by": nullable(group_by), "reference_lines": nullable(array_of(_REFERENCE_LINE)),
        "caption": nullable(text), "color_by_value": boolean,
    }, ("chart_type",)),
}


def parse(view_type: str, value: Any, path: str, schema: Schema, current: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """A configuration for a view of `view_type`. In a PATCH, `current` is the stored one: the request is
    merged over it field by field (null clears a field), and must still repeat `type` and the type's
    required fields, as Notion asks."""
    if value is None:
        return None
    body = v.obj(value, path)
    if view_type == "dashboard":
        raise v.fail(path, "not present (a dashboard's layout changes only as widgets are added and removed)", value)
    kind = v.required(body, "type", path)
    if kind != view_type:
        raise v.fail(f"{path}.type", f'`"{view_type}"`', kind)
    spec, required = _SPECS[view_type]
    rest = {k: val for k, val in body.items() if k != "type"}
    v.no_extra(rest, spec, path)
    for key in required:
        if v.required(body, key, path) is None:
            raise v.fail(f"{path}.{key}", "defined", None)
    # null clears a field (back to its default, which the API leaves out)
    parsed = {key: None if val is None else spec[key](val, f"{path}.{key}", schema) for key, val in rest.items()}
    merged = {key: val for key, val in {**(current or {}), **parsed}.items() if val is not None and key != "type"}
    if view_type == "chart":
        _check_chart(merged, path)
    return {"type": view_type, **merged}


def _check_chart(config: dict[str, Any], path: str) -> None:
    if config["chart_type"] == "number" and "value" not in config:
        raise v.fail(f"{path}.value", "defined")


# --- rendering -------------------------------------------------------------------------------------

_NAMED = {"date_property_id": "date_property_name", "end_date_property_id": "end_date_property_name",
          "map_by": "map_by_property_name"}


def render(config: dict[str, Any] | None, schema: Schema) -> dict[str, Any] | None:
    """A stored configuration as the API shows it: property IDs encoded, with their names beside them."""
    if config is None:
        return None
    return _named(config, schema)


def _named(value: Any, schema: Schema) -> Any:
    if isinstance(value, list):
        return [_named(item, schema) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, val in value.items():
        if key in ("property_id", "toggle_column_id", "x_axis_property_id", "y_axis_property_id", *_NAMED) and isinstance(val, str):
            out[key] = encode_id(val)
            name_key = _NAMED.get(key, "property_name" if key == "property_id" else None)
            if name_key is not None and val in schema:
                out[name_key] = schema[val]["name"]
        else:
            out[key] = _named(val, schema)
    return out
