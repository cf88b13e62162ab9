"""The typed property index that queries run on.

Stored page property values (Notion's API response form, keyed by property ID) are mirrored
into `property_values` rows so that filters and sorts run in SQL. Trash state is not copied:
queries read it from `nodes`, which trashing an ancestor updates without touching the rows."""

from __future__ import annotations

from typing import Any, Iterator

import orjson
import sqlalchemy as sa

from ..domain.rich_text import shared_plain_text
from ..store.engine import Tx
from ..store.nodes import Node
from ..store.schema import nodes
from ..store.schema_query import TEXT_KEY_LEN, property_values as pv
from . import dates
from .natural import natural_key

# Types whose value lives in node columns, not in the index.
NODE_COLUMN_TYPES = {"created_time", "last_edited_time", "created_by", "last_edited_by"}
_BATCH = 500
_BULK = 5000  # rows in a rebuild past which table statistics are refreshed


def reindex_page(tx: Tx, page: Node, data_source: Node) -> None:
    """Rewrite the index rows of one page after its properties (or trash state) changed."""
    tx.execute(pv.delete().where(pv.c.page_id == page.id))
    if page.kind != "page" or page.parent_id != data_source.id:
        return
    rows = list(_page_rows(page.id, data_source.id, page.data.get("properties") or {}, _schema(data_source)))
    if rows:
        tx.execute(pv.insert(), rows)


def forget_page(tx: Tx, page_id: str) -> None:
    """Remove a page's rows (it left its data source)."""
    tx.execute(pv.delete().where(pv.c.page_id == page_id))


def reindex_properties(tx: Tx, data_source: Node, pages: list[Node], property_ids: list[str]) -> None:
    """Rewrite some properties' rows of some pages (stored formula and rollup values that changed)."""
    if not pages or not property_ids:
        return
    schema = _schema(data_source)
    some = {pid: schema[pid] for pid in property_ids if pid in schema}
    for i in range(0, len(pages), _BATCH):
        chunk = pages[i : i + _BATCH]
        tx.execute(pv.delete().where(pv.c.page_id.in_([p.id for p in chunk]), pv.c.property_id.in_(list(some))))
        rows = [r for p in chunk for r in _page_rows(p.id, data_source.id, p.data.get("properties") or {}, some)]
        if rows:
            tx.execute(pv.insert(), rows)


def _stale_computed(tx: Tx, data_source: Node) -> None:
    """A schema change: stored formula and rollup values that may depend on it are recomputed once,
    at the next write or query (see `domain/properties/materialize.py`)."""
    from ..domain.properties.materialize import bump_epoch

    bump_epoch(tx, data_source)


def reindex_property(tx: Tx, data_source: Node, property_id: str) -> None:
    """Rebuild one property's rows across a data source (after a schema change of that property)."""
    _stale_computed(tx, data_source)
    _drop_rows(tx, data_source, property_id)
    prop = _schema(data_source).get(property_id)
    if prop is None:
        return
    one = {property_id: prop}
    for batch in _pages_of(tx, data_source.id):
        rows = [r for pid, stored in batch for r in _page_rows(pid, data_source.id, stored, one)]
        if rows:
            tx.execute(pv.insert(), rows)


def reindex_data_source(tx: Tx, data_source: Node) -> None:
    """Rebuild every row of a data source (repair, or after a bulk import)."""
    from ..store.migrations import refresh_statistics

    tx.execute(pv.delete().where(pv.c.data_source_id == data_source.id))
    schema = _schema(data_source)
    count = 0
    for batch in _pages_of(tx, data_source.id):
        count += len(batch)
        rows = [r for pid, stored in batch for r in _page_rows(pid, data_source.id, stored, schema)]
        if rows:
            tx.execute(pv.insert(), rows)
    if count >= _BULK:
        # A bulk load changes the tables' shape more than the planner's statistics know.
        refresh_statistics(tx.conn)


def drop_property(tx: Tx, data_source: Node, property_id: str) -> None:
    """Forget one property's rows (the property was deleted)."""
    _stale_computed(tx, data_source)
    _drop_rows(tx, data_source, property_id)


def _drop_rows(tx: Tx, data_source: Node, property_id: str) -> None:
    tx.execute(pv.delete().where(pv.c.data_source_id == data_source.id, pv.c.property_id == property_id))


def _schema(data_source: Node) -> dict[str, dict[str, Any]]:
    return data_source.data.get("properties") or {}


def _pages_of(tx: Tx, data_source_id: str) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Rows of a data source in batches, by keyset on id, so a large source is never held whole."""
    after = ""
    while True:
        rows = tx.execute(
            sa.select(nodes.c.id, nodes.c.data)
            .where(nodes.c.parent_id == data_source_id, nodes.c.kind == "page", nodes.c.id > after)
            .order_by(nodes.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        yield [(r.id, orjson.loads(r.data).get("properties") or {}) for r in rows]
        after = rows[-1].id


def _page_rows(page_id: str, ds_id: str, stored: dict[str, Any], schema: dict[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for prop_id, prop in schema.items():
        t = prop.get("type")
        if t in NODE_COLUMN_TYPES or prop_id not in stored:
            continue
        for position, cell in enumerate(cells(t, stored[prop_id], prop)):
            yield _row(page_id, ds_id, prop_id, position, cell)


_EMPTY = {"text": None, "number": None, "date_start": None, "date_end": None, "flag": None, "ref": None}


def _row(page_id: str, ds_id: str, prop_id: str, position: int, cell: dict[str, Any]) -> dict[str, Any]:
    row = {"page_id": page_id, "property_id": prop_id, "position": position, "data_source_id": ds_id, **_EMPTY, **cell}
    text = row["text"]
    lower = text.lower() if text is not None else None
    row["text_lower"] = lower
    row["text_key"] = lower[:TEXT_KEY_LEN] if lower is not None else None
    row["text_sort"] = natural_key(lower) if lower is not None else None
    return row


def plain(rich: Any) -> str:
    """The indexed text: mentions count as every reader may see them, so that a filter cannot probe
    the title of a page the caller cannot reach (domain/rich_text.shared_plain_text)."""
    if not isinstance(rich, list):
        return ""
    out = []
    for item in rich:
        if isinstance(item, dict):
            t = shared_plain_text([item]) if item.get("type") == "mention" else item.get("plain_text")
            if t is None:
                t = (item.get("text") or {}).get("content", "")
            out.append(t or "")
    return "".join(out)


def _option_position(prop: dict[str, Any] | None, t: str, option_id: Any) -> float | None:
    # Notion sorts select, status and multi_select by the schema's option order, not by name.
    if prop is None:
        return None
    for i, option in enumerate((prop.get(t) or {}).get("options") or []):
        if option.get("id") == option_id:
            return float(i)
    return None


def _date_cell(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    tz = value.get("time_zone")
    start = dates.parse_value(value.get("start"), tz)
    if start is None:
        return None
    end = dates.parse_value(value.get("end"), tz)
    return {"date_start": start[0], "date_end": end[0] if end else None, "flag": start[1]}


def cells(t: str, value: Any, prop: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The index cells of one value of type `t` (Notion's response form); [] when empty."""
    if value is None:
        return []
    if t in ("title", "rich_text"):
        text = plain(value)
        return [{"text": text}] if text else []
    if t in ("url", "email", "phone_number", "string"):
        return [{"text": value}] if isinstance(value, str) and value else []
    if t == "number":
        return [{"number": float(value)}] if isinstance(value, (int, float)) and not isinstance(value, bool) else []
    if t in ("checkbox", "boolean"):
        return [{"flag": True}] if value is True else []
    if t in ("select", "status"):
        if not isinstance(value, dict):
            return []
        return [{"text": value.get("name"), "ref": value.get("id"), "number": _option_position(prop, t, value.get("id"))}]
    if t == "multi_select":
        return [
            {"text": o.get("name"), "ref": o.get("id"), "number": _option_position(prop, t, o.get("id"))}
            for o in value if isinstance(o, dict)
        ]
    if t == "date":
        cell = _date_cell(value)
        return [cell] if cell else []
    if t in ("people", "relation"):
        return [{"ref": o.get("id")} for o in value if isinstance(o, dict) and o.get("id")]
    if t == "files":
        return [{"text": f.get("name") or ""} for f in value if isinstance(f, dict)]
    if t == "unique_id":
        if not isinstance(value, dict) or value.get("number") is None:
            return []
        prefix, n = value.get("prefix"), value.get("number")
        return [{"number": float(n), "text": f"{prefix}-{n}" if prefix else str(n)}]
    if t == "verification":
        state = value.get("state") if isinstance(value, dict) else None
        return [{"text": state}] if state else []
    if t in ("formula", "rollup"):
        return _computed_cells(value)
    return []


def _computed_cells(value: Any) -> list[dict[str, Any]]:
    """Formula and rollup values: `{type: string|number|boolean|date|array, <type>: ...}`."""
    if not isinstance(value, dict):
        return []
    kind = value.get("type")
    inner = value.get(kind)
    if kind == "array":
        out: list[dict[str, Any]] = []
        for element in inner or []:
            if isinstance(element, dict) and element.get("type"):
                et = element["type"]
                found = cells(et, element.get(et))
                # An empty element still counts as an element for every/none (an empty marker cell).
                out.extend(found or [{}])
        return out
    if kind in ("string", "number", "boolean", "date"):
        return cells(kind, inner)
    return []
