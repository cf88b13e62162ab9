"""Scalar families: number (with its formats), checkbox, date, place."""

from __future__ import annotations

from typing import Any

from .. import rich_text, validate as v
from .base import PropertyType, register

NUMBER_FORMATS = (
    "number", "number_with_commas", "percent", "dollar", "australian_dollar", "canadian_dollar",
    "singapore_dollar", "euro", "pound", "yen", "ruble", "rupee", "won", "yuan", "real", "lira", "rupiah",
    "franc", "hong_kong_dollar", "new_zealand_dollar", "krona", "norwegian_krone", "mexican_peso", "rand",
    "new_taiwan_dollar", "danish_krone", "zloty", "baht", "forint", "koruna", "shekel", "chilean_peso",
    "philippine_peso", "dirham", "colombian_peso", "riyal", "ringgit", "leu", "argentine_peso",
    "uruguayan_peso", "peruvian_sol",
)


class NumberType(PropertyType):
    name = "number"

    def config(self, ctx, body, path, old, env):
        body = v.obj(body if body is not None else {}, path)
        v.no_extra(body, ("format",), path)
        default = (old or {}).get("format", "number")
        return {"format": v.enum(body.get("format", default), f"{path}.format", NUMBER_FORMATS)}

    def parse(self, ctx, value, path, prop, env):
        return None if value is None else v.number(value, path)

    def convert(self, old_type, old_value, prop):
        if isinstance(old_value, bool):
            return None
        if isinstance(old_value, (int, float)):
            return old_value
        if old_type in ("title", "rich_text", "url", "email", "phone_number") and old_value:
            text = rich_text.plain_text(old_value) if isinstance(old_value, list) else str(old_value)
            try:
                number = float(text.strip().replace(",", ""))
            except ValueError:
                return None
            return int(number) if number.is_integer() else number
        return None


class CheckboxType(PropertyType):
    name = "checkbox"

    def empty(self) -> Any:
        return False

    def parse(self, ctx, value, path, prop, env):
        return v.boolean(value, path)

    def convert(self, old_type, old_value, prop):
        if isinstance(old_value, bool):
            return old_value
        if isinstance(old_value, list) and old_type in ("title", "rich_text"):
            return rich_text.plain_text(old_value).strip().lower() in ("yes", "true", "checked", "1")
        return False


class DateType(PropertyType):
    name = "date"

    def parse(self, ctx, value, path, prop, env):
        return None if value is None else rich_text.zoned_date(rich_text.parse_date(value, path))

    def convert(self, old_type, old_value, prop):
        if isinstance(old_value, dict) and "start" in old_value:
            return {"start": old_value["start"], "end": old_value.get("end"), "time_zone": old_value.get("time_zone")}
        if old_type in ("created_time", "last_edited_time") and isinstance(old_value, str):
            return {"start": old_value, "end": None, "time_zone": None}
        return None


PLACE_TEXT_KEYS = ("name", "address", "aws_place_id", "google_place_id")


class PlaceType(PropertyType):
    """A location: `{lat, lon, name, address, aws_place_id, google_place_id}`, absent keys as null."""

    name = "place"

    def parse(self, ctx, value, path, prop, env):
        if value is None:
            return None
        v.obj(value, path)
        v.no_extra(value, ("lat", "lon", *PLACE_TEXT_KEYS), path)
        out: dict[str, Any] = {}
        for key in ("lat", "lon"):
            out[key] = v.number(v.required(value, key, path), f"{path}.{key}")
        for key in PLACE_TEXT_KEYS:
            item = value.get(key)
            out[key] = None if item is None else v.string(item, f"{path}.{key}", max_len=2000)
        return out

    def convert(self, old_type, old_value, prop):
        return old_value if old_type == "place" else None


register(NumberType(), CheckboxType(), DateType(), PlaceType())
