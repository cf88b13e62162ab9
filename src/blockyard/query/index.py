"""The typed property index that queries run on.

Stored page property values (Notion's API response form, keyed by property ID) are mirrored
into `property_values` rows so that filters and sorts run in SQL."""

from __future__ import annotations

from typing import Any

from ..store.engine import Tx
from ..store.nodes import Node


def reindex_page(tx: Tx, page: Node, data_source: Node) -> None:
    """Rewrite the index rows of one page after its properties (or trash state) changed."""


def reindex_property(tx: Tx, data_source: Node, property_id: str) -> None:
    """Rebuild one property's rows across a data source (after a schema change of that property)."""


def drop_property(tx: Tx, data_source: Node, property_id: str) -> None:
    """Forget one property's rows (the property was deleted)."""


def render_value_hook(*_args: Any) -> None:  # pragma: no cover - placeholder until the engine lands
    return None
