"""Structural comparison of a recorded response with Blockyard's, by the traffic README's rules.

Same keys; same JSON types (integers and floats are both numbers); null where null; equal values for
enum-like keys; volatile keys ignored. Lists compare element by element; the `results` of a list
response compare as result sets (by mapped ID, in order when the request sorted them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

VOLATILE = frozenset({"request_id", "url", "public_url", "expiry_time", "upload_url"})
ENUM_KEYS = frozenset({"object", "type", "code", "status", "has_more", "in_trash", "archived", "has_children", "color"})
MAX_DIFFS = 25


@dataclass(frozen=True)
class Diff:
    path: str  # JSON path with list indices as [] (for grouping) ...
    where: str  # ... and with the actual indices
    kind: str  # missing_key | extra_key | type | null | value | length | results
    recorded: Any = None
    actual: Any = None

    def describe(self) -> str:
        if self.kind == "missing_key":
            return f"{self.where}: missing (recorded {_short(self.recorded)})"
        if self.kind == "extra_key":
            return f"{self.where}: extra (Blockyard has {_short(self.actual)})"
        return f"{self.where}: {self.kind}: recorded {_short(self.recorded)}, Blockyard {_short(self.actual)}"


def _short(value: Any, limit: int = 90) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class Comparer:
    """`to_ours(recorded_id)` maps a recorded ID to Blockyard's (identity when unknown)."""

    def __init__(self, to_ours: Callable[[str], str], sorted_results: bool) -> None:
        self.to_ours = to_ours
        self.sorted_results = sorted_results
        self.diffs: list[Diff] = []
        self.total = 0

    def add(self, diff: Diff) -> None:
        self.total += 1
        if len(self.diffs) < MAX_DIFFS:
            self.diffs.append(diff)

    def compare(self, rec: Any, ours: Any, path: str = "$", where: str = "$", key: str | None = None) -> None:
        rt, ot = json_type(rec), json_type(ours)
        if rt != ot:
            self.add(Diff(path, where, "null" if "null" in (rt, ot) else "type", _shape(rec), _shape(ours)))
            return
        if rt == "object":
            if path == "$" and rec.get("object") == "list" and isinstance(rec.get("results"), list) \
                    and isinstance(ours.get("results"), list):
                self._results(rec["results"], ours["results"], f"{path}.results", f"{where}.results")
                rest_r = {k: v for k, v in rec.items() if k != "results"}
                rest_o = {k: v for k, v in ours.items() if k != "results"}
                self._object(rest_r, rest_o, path, where)
                return
            self._object(rec, ours, path, where)
        elif rt == "array":
            if len(rec) != len(ours):
                self.add(Diff(path, where, "length", len(rec), len(ours)))
            for i, (r, o) in enumerate(zip(rec, ours)):
                self.compare(r, o, f"{path}[]", f"{where}[{i}]")
        elif key in ENUM_KEYS and rec != ours:
            self.add(Diff(path, where, "value", rec, ours))

    def _object(self, rec: dict[str, Any], ours: dict[str, Any], path: str, where: str) -> None:
        for k in rec:
            if k in VOLATILE:
                continue
            if k not in ours:
                self.add(Diff(f"{path}.{k}", f"{where}.{k}", "missing_key", _shape(rec[k]), None))
        for k in ours:
            if k not in VOLATILE and k not in rec:
                self.add(Diff(f"{path}.{k}", f"{where}.{k}", "extra_key", None, _shape(ours[k])))
        for k in rec:
            if k in ours and k not in VOLATILE:
                # Property maps are keyed by names: compare them as a map, the path keeps the type instead.
                self.compare(rec[k], ours[k], _step(path, k, rec[k]), f"{where}.{k}", k)

    def _results(self, rec: list[Any], ours: list[Any], path: str, where: str) -> None:
        rec_ids = [self.to_ours(r["id"]) if isinstance(r, dict) and isinstance(r.get("id"), str) else None for r in rec]
        our_ids = [o.get("id") if isinstance(o, dict) else None for o in ours]
        if None in rec_ids or None in our_ids:
            if len(rec) != len(ours):
                self.add(Diff(path, where, "length", len(rec), len(ours)))
            for i, (r, o) in enumerate(zip(rec, ours)):
                self.compare(r, o, f"{path}[]", f"{where}[{i}]")
            return
        if set(rec_ids) != set(our_ids):
            missing = [i for i in rec_ids if i not in set(our_ids)]
            extra = [i for i in our_ids if i not in set(rec_ids)]
            self.add(Diff(path, where, "results", {"missing": len(missing), "first": missing[:3]},
                          {"extra": len(extra), "first": extra[:3]}))
        elif self.sorted_results and rec_ids != our_ids:
            self.add(Diff(path, where, "order", rec_ids[:5], our_ids[:5]))
        by_id = {o["id"]: o for o in ours}
        for i, (rid, r) in enumerate(zip(rec_ids, rec)):
            if rid in by_id:
                self.compare(r, by_id[rid], f"{path}[]", f"{where}[{i}]")


def _step(path: str, key: str, value: Any) -> str:
    if path.endswith(".properties") and isinstance(value, dict) and isinstance(value.get("type"), str):
        return f"{path}.<{value['type']}>"
    return f"{path}.{key}"


def _shape(value: Any) -> Any:
    """A value as shown in reports: scalars as they are, containers summarized."""
    if isinstance(value, dict):
        return {k: json_type(v) for k, v in list(value.items())[:8]}
    if isinstance(value, list):
        return f"array[{len(value)}]"
    return value
