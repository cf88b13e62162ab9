"""What the engine needs from the server: a schema to resolve properties, a row to read values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class PropertyInfo:
    id: str            # short property id as the API shows it, e.g. "title", "a%3Bb"
    name: str
    type: str          # Notion property type: "title", "number", "relation", "formula", ...
    # The property's schema config as in Notion's API, e.g. {"expression": ...} for a formula,
    # {"function": ..., "relation_property_id": ..., "rollup_property_id": ...} for a rollup,
    # {"data_source_id": ...} for a relation.
    config: dict = field(default_factory=dict, compare=False, hash=False)


@runtime_checkable
class Schema(Protocol):
    def by_name(self, name: str) -> PropertyInfo | None: ...
    def by_id(self, prop_id: str) -> PropertyInfo | None: ...
    def related(self, relation: PropertyInfo) -> "Schema | None": ...
    def result_type(self, prop: PropertyInfo) -> str | None: ...


@runtime_checkable
class Row(Protocol):
    def value(self, prop_id: str) -> dict | None: ...
    def related(self, relation_prop_id: str) -> list["Row"]: ...

    @property
    def page_id(self) -> str: ...
