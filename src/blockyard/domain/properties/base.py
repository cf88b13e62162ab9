"""The property-type registry: one `PropertyType` per Notion type, defined in its family's module.

A type knows its schema config (parse and render), how a page value is written (parse to the
stored form, which is Notion's response form), its empty value, and how the stored value renders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ... import errors
from .. import validate as v

if TYPE_CHECKING:
    from ...context import Ctx
    from ...store.nodes import Node

TITLE_ID = "title"
# Notion's union of writable value keys, in the order its "Fix one:" messages list them.
WRITABLE_KEYS = ("title", "rich_text", "number", "url", "select", "multi_select", "people", "email",
                 "phone_number", "date", "checkbox", "relation", "files", "status")
# Types whose values page through the property-item endpoint one element at a time.
LIST_TYPES = ("title", "rich_text", "relation", "people")
PAGE_CAP = 25


def encode_id(pid: str) -> str:
    """Property IDs as the API shows them: URL-encoded like JavaScript's encodeURIComponent."""
    return quote(pid, safe="-_.!~*'()")


class PropertyType:
    name = ""
    writable = True

    def config(self, ctx: "Ctx", body: Any, path: str, old: dict[str, Any] | None, env: "SchemaEnv") -> dict[str, Any]:
        """The stored config from a schema request body (`old` is the current config on updates)."""
        if body is not None and body != {}:
            v.obj(body, path)
        return {}

    def render_config(self, ctx: "Ctx", prop: dict[str, Any], ds: "Node") -> dict[str, Any]:
        return dict(prop.get(self.name) or {})

    def empty(self) -> Any:
        return None

    def parse(self, ctx: "Ctx", value: Any, path: str, prop: dict[str, Any], env: "ValueEnv") -> Any:
        raise NotImplementedError

    def render(self, ctx: "Ctx", page: "Node", prop: dict[str, Any], stored: Any, ds: "Node") -> Any:
        return self.empty() if stored is None else stored

    def convert(self, old_type: str, old_value: Any, prop: dict[str, Any]) -> Any:
        """A value of another type carried into this type when a property's type changes."""
        return self.empty()


REGISTRY: dict[str, PropertyType] = {}


def register(*types: PropertyType) -> None:
    for t in types:
        REGISTRY[t.name] = t


def type_of(name: str) -> PropertyType:
    return REGISTRY[name]


class SchemaEnv:
    """What a schema change may need beyond one property: the data source, the schema being built,
    and changes to make to other data sources (the far side of dual relations)."""

    def __init__(self, ctx: "Ctx", ds_id: str, schema: dict[str, dict[str, Any]], title: str) -> None:
        self.ctx = ctx
        self.ds_id = ds_id
        self.schema = schema
        self.title = title
        self.pending: list[tuple[str, str, dict[str, Any] | None]] = []  # (ds id, property id, prop or None)
        self.renames: list[tuple[str, str, str]] = []  # (ds id, property id, new name)
        self.retired: set[str] = set()  # IDs of deleted properties of this data source (never reused)
        self.pid = ""  # the property being configured
        self.name = ""


class ValueEnv:
    """State shared by the values of one page write: the data source (whose schema may gain options)."""

    def __init__(self, ctx: "Ctx", ds: "Node") -> None:
        self.ctx = ctx
        self.ds = ds
        self.schema_changed = False


def not_writable(key: str) -> errors.NotionError:
    return errors.body_invalid_any([(f"body.properties.{key}.{k}", "defined", errors.UNDEFINED) for k in WRITABLE_KEYS])
