"""Versions before 2022-06-28, as Notion's "changes by version" page and changelogs describe them. Each is a
`Legacy` of flags; the functions here turn their requests into the model's shape and the model's answers
into theirs, so the renderers and parsers call one hook each and never branch on a version's name.

  2022-02-22  blocks have no `parent`;
              relation schemas are `{database_id, synced_property_name, synced_property_id}`
  2021-08-16  and block text is `text` (not `rich_text`); filters take `text`, `phone`, rollup `text`
              and formula `text`
  2021-05-13  and append children answers the parent block; array rollup items are `file`, `text`,
              `person`; empty number, email, select, date and rollup values are left out of pages
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Block types whose text was `text` before 2022-02-22.
TEXT_BLOCKS = frozenset({
    "paragraph", "heading_1", "heading_2", "heading_3", "callout", "quote", "bulleted_list_item",
    "numbered_list_item", "to_do", "toggle", "code", "template",
})
# Filter keys renamed by 2022-02-22: property filters, then inside rollup and formula conditions.
_PROPERTY_FILTER_KEYS = {"text": "rich_text", "phone": "phone_number"}
_ROLLUP_ARRAY_TYPES = {"files": "file", "rich_text": "text", "people": "person"}
_OMITTED_WHEN_EMPTY = frozenset({"number", "email", "select", "date", "rollup"})


@dataclass(frozen=True, slots=True)
class Legacy:
    # Block payloads carry `text` where later versions say `rich_text`.
    block_text_key: bool = False
    # Filters accept the keys 2022-02-22 removed.
    old_filter_keys: bool = False
    # Append block children answers the parent block instead of the list of new children.
    append_returns_parent: bool = False
    # Array rollups' items are typed `file`, `text`, `person`; empty values are left out of pages.
    old_page_values: bool = False

    # --- requests -------------------------------------------------------------------------------

    def block_in(self, item: Any) -> Any:
        """A block object (or PATCH body) of this version as the model reads it."""
        if not self.block_text_key or not isinstance(item, dict):
            return item
        out = dict(item)
        for key, payload in item.items():
            if key in TEXT_BLOCKS and isinstance(payload, dict) and "text" in payload and "rich_text" not in payload:
                payload = {("rich_text" if k == "text" else k): val for k, val in payload.items()}
                if isinstance(payload.get("children"), list):
                    payload["children"] = [self.block_in(child) for child in payload["children"]]
                out[key] = payload
            elif isinstance(payload, dict) and isinstance(payload.get("children"), list):
                out[key] = {**payload, "children": [self.block_in(child) for child in payload["children"]]}
        if isinstance(item.get("children"), list):
            out["children"] = [self.block_in(child) for child in item["children"]]
        return out

    def filter_in(self, flt: Any) -> Any:
        """A query filter of this version as the model reads it."""
        if not self.old_filter_keys or not isinstance(flt, dict):
            return flt
        out: dict[str, Any] = {}
        for key, val in flt.items():
            if key in ("and", "or") and isinstance(val, list):
                out[key] = [self.filter_in(item) for item in val]
            elif key in _PROPERTY_FILTER_KEYS and "property" in flt:
                out[_PROPERTY_FILTER_KEYS[key]] = val
            elif key == "rollup" and isinstance(val, dict):
                out[key] = _rename_in_rollup(val)
            elif key == "formula" and isinstance(val, dict):
                out[key] = {("string" if k == "text" else k): v for k, v in val.items()}
            else:
                out[key] = val
        return out

    # --- answers --------------------------------------------------------------------------------

    def block_out(self, block: dict[str, Any]) -> dict[str, Any]:
        """A rendered block as this version shows it: no `parent`, and `text` in text blocks."""
        block.pop("parent", None)
        if self.block_text_key:
            kind = block.get("type")
            payload = block.get(kind) if isinstance(kind, str) else None
            if kind in TEXT_BLOCKS and isinstance(payload, dict) and "rich_text" in payload:
                block[kind] = {("text" if k == "rich_text" else k): val for k, val in payload.items()}
        return block

    @staticmethod
    def relation_out(config: dict[str, Any]) -> dict[str, Any]:
        """A relation schema before `single_property` and `dual_property`."""
        dual = config.get("dual_property") or {}
        return {
            "database_id": config.get("database_id"),
            "synced_property_name": dual.get("synced_property_name"),
            "synced_property_id": dual.get("synced_property_id"),
        }

    def page_properties_out(self, properties: dict[str, Any]) -> dict[str, Any]:
        if not self.old_page_values:
            return properties
        out: dict[str, Any] = {}
        for name, value in properties.items():
            kind = value.get("type")
            if kind in _OMITTED_WHEN_EMPTY and value.get(kind) is None:
                continue
            if kind == "rollup" and isinstance(value.get("rollup"), dict) and value["rollup"].get("type") == "array":
                items = [_old_array_item(item) for item in value["rollup"].get("array") or []]
                value = {**value, "rollup": {**value["rollup"], "array": items}}
            out[name] = value
        return out


def _rename_in_rollup(cond: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, val in cond.items():
        if key in ("any", "every", "none") and isinstance(val, dict):
            out[key] = {("rich_text" if k == "text" else k): v for k, v in val.items()}
        else:
            out["rich_text" if key == "text" else key] = val
    return out


def _old_array_item(item: Any) -> Any:
    if not isinstance(item, dict) or item.get("type") not in _ROLLUP_ARRAY_TYPES:
        return item
    old = _ROLLUP_ARRAY_TYPES[item["type"]]
    return {**{k: v for k, v in item.items() if k != item["type"]}, "type": old, old: item[item["type"]]}


V2022_02_22_RULES = Legacy()
V2021_08_16_RULES = Legacy(block_text_key=True, old_filter_keys=True)
V2021_05_13_RULES = Legacy(block_text_key=True, old_filter_keys=True, append_returns_parent=True, old_page_values=True)
